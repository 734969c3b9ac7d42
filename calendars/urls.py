"""The calendar pages and the feed (calendars.views)."""

from calendars.views import urlpatterns

__all__ = ["urlpatterns"]
