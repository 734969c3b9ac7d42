"""Placeholder: filled by the intake preservation work."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
