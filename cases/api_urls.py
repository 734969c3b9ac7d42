"""The cases API, one module per domain concept (each defines its urlpatterns)."""

from cases.api import (
    cases,
    documents,
    events,
    grants,
    lifecycle,
    material,
    outcomes,
    people,
    records,
    reports,
    transfers,
)

urlpatterns = [
    *cases.urlpatterns,
    *lifecycle.urlpatterns,
    *transfers.urlpatterns,
    *grants.urlpatterns,
    *people.urlpatterns,
    *records.urlpatterns,
    *material.urlpatterns,
    *outcomes.urlpatterns,
    *events.urlpatterns,
    *documents.urlpatterns,
    *reports.urlpatterns,
]
