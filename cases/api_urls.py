"""The cases API, one module per domain concept (each defines its urlpatterns)."""

from cases.api import cases, documents, material, outcomes, people, records, reports

urlpatterns = [
    *cases.urlpatterns,
    *people.urlpatterns,
    *records.urlpatterns,
    *material.urlpatterns,
    *outcomes.urlpatterns,
    *documents.urlpatterns,
    *reports.urlpatterns,
]
