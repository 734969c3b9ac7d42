"""The summary API."""

from django.urls import URLPattern, path

from records.api.summary import CaseSummaryApi

urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/summary/", CaseSummaryApi.as_view(), name="case-summary"),
]
