"""The welfare API, one module per domain concept (each defines its urlpatterns)."""

from welfare.api import family, reports, staff, suspects, victims

urlpatterns = [
    *victims.urlpatterns,
    *family.urlpatterns,
    *suspects.urlpatterns,
    *staff.urlpatterns,
    *reports.urlpatterns,
]
