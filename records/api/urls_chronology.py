"""The chronology API."""

from django.urls import URLPattern, path

from records.api.chronology import CaseChronologyApi

urlpatterns: list[URLPattern] = [
    path(
        "cases/<uuid:case_id>/chronology/",
        CaseChronologyApi.as_view(),
        name="case-chronology",
    ),
]
