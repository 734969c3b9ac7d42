"""The welfare pages, one module per domain concept (each defines its urlpatterns)."""

from welfare.views import family, reports, staff, suspects, victims

urlpatterns = [
    *victims.urlpatterns,
    *family.urlpatterns,
    *suspects.urlpatterns,
    *staff.urlpatterns,
    *reports.urlpatterns,
]
