"""Placeholder: filled by the intake queue work."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
