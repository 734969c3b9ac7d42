"""The cases API, one module per domain concept (each defines its urlpatterns)."""

from cases.api import (
    cases,
    documents,
    events,
    grants,
    material,
    outcomes,
    people,
    records,
    reports,
)

urlpatterns = [
    *cases.urlpatterns,
    *grants.urlpatterns,
    *people.urlpatterns,
    *records.urlpatterns,
    *material.urlpatterns,
    *outcomes.urlpatterns,
    *events.urlpatterns,
    *documents.urlpatterns,
    *reports.urlpatterns,
]
