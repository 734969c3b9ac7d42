"""The retention API: /api/v1/retention/..."""

from django.urls import URLPattern

from records.api.retention import urlpatterns as retention_urlpatterns

urlpatterns: list[URLPattern] = [*retention_urlpatterns]
