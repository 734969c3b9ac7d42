"""The chronology pages."""

from django.urls import URLPattern, path

from records.views.chronology import case_chronology_page

urlpatterns: list[URLPattern] = [
    path("cases/<uuid:case_id>/chronology/", case_chronology_page, name="case-chronology"),
]
