"""The summary pages."""

from django.urls import URLPattern, path

from records.views.summary import case_summary_print

urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/summary/print/", case_summary_print, name="case-summary-print"),
]
