"""The calendar API (calendars.api)."""

from calendars.api import urlpatterns

__all__ = ["urlpatterns"]
