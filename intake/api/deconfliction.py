"""Placeholder: filled by the intake deconfliction work."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
