"""The cases API, one module per domain concept (each defines its urlpatterns)."""

from cases.urls import patterns_of

urlpatterns = patterns_of(
    "cases.api",
    [
        "cases",
        "lifecycle",
        "transfers",
        "grants",
        "people",
        "person_merge",
        "identifiers",
        "records",
        "material",
        "outcomes",
        "events",
        "documents",
        "reports",
        "tasks",
    ],
)
