"""Placeholder: filled by the intake items work."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
