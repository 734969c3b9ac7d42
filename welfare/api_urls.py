"""The welfare API, one module per domain concept (each defines its urlpatterns)."""

from welfare.api import (
    duties,
    duty_reassign,
    family,
    reports,
    right_to_review,
    staff_sessions,
    staff_welfare,
    suspect_checks,
    suspect_incidents,
    suspects,
    team_duties,
    victims,
    welfare_checks,
)

urlpatterns = [
    *victims.urlpatterns,
    *duties.urlpatterns,
    *family.urlpatterns,
    *suspects.urlpatterns,
    *suspect_incidents.urlpatterns,
    *suspect_checks.urlpatterns,
    *welfare_checks.urlpatterns,
    *duty_reassign.urlpatterns,
    *team_duties.urlpatterns,
    *staff_sessions.urlpatterns,
    *staff_welfare.urlpatterns,
    *reports.urlpatterns,
    *right_to_review.urlpatterns,
]
