"""The records API: chronology, case summary, retention and disposal."""

from records.api import urls_chronology, urls_retention, urls_summary

urlpatterns = [
    *urls_chronology.urlpatterns,
    *urls_summary.urlpatterns,
    *urls_retention.urlpatterns,
]
