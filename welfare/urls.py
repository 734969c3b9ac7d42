"""The welfare pages, one module per domain concept (each defines its urlpatterns)."""

from welfare.views import (
    duty_reassign,
    family,
    reports,
    right_to_review,
    staff,
    suspects,
    team_duties,
    victims,
    welfare_checks,
)

urlpatterns = [
    *victims.urlpatterns,
    *family.urlpatterns,
    *suspects.urlpatterns,
    *welfare_checks.urlpatterns,
    *duty_reassign.urlpatterns,
    *team_duties.urlpatterns,
    *staff.urlpatterns,
    *reports.urlpatterns,
    *right_to_review.urlpatterns,
]
