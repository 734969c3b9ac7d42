"""Placeholder: filled by the intake packages work."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
