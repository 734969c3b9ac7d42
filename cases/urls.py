"""The cases pages, one module per domain concept (each defines its urlpatterns)."""

from importlib import import_module

from django.urls import URLPattern, URLResolver


def patterns_of(package: str, modules: list[str]) -> list[URLPattern | URLResolver]:
    """The urlpatterns of each module of `package`, in this order: the first pattern
    that matches a path answers it."""
    return [
        pattern for name in modules for pattern in import_module(f"{package}.{name}").urlpatterns
    ]


urlpatterns = patterns_of(
    "cases.views",
    [
        "cases",
        "case_tabs",
        "identifiers",
        "lifecycle",
        "transfers",
        "documents",
        "material",
        "outcomes",
        "events",
        "grants",
        "tasks",
        "person_merge",
    ],
)
