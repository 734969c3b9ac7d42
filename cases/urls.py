"""The cases pages, one module per domain concept (each defines its urlpatterns)."""

from cases.views import (
    cases,
    documents,
    events,
    grants,
    lifecycle,
    material,
    outcomes,
    transfers,
)

urlpatterns = [
    *cases.urlpatterns,
    *lifecycle.urlpatterns,
    *transfers.urlpatterns,
    *documents.urlpatterns,
    *material.urlpatterns,
    *outcomes.urlpatterns,
    *events.urlpatterns,
    *grants.urlpatterns,
]
