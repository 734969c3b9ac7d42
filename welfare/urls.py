"""The welfare pages, one module per domain concept (each defines its urlpatterns)."""

from welfare.views import family, reports, staff, suspects, victims, welfare_checks

urlpatterns = [
    *victims.urlpatterns,
    *family.urlpatterns,
    *suspects.urlpatterns,
    *welfare_checks.urlpatterns,
    *staff.urlpatterns,
    *reports.urlpatterns,
]
