"""The retention pages: /retention/..."""

from django.urls import URLPattern

from records.views.retention import urlpatterns as retention_urlpatterns

urlpatterns: list[URLPattern] = [*retention_urlpatterns]
