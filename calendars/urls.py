"""The calendar pages and the feed (calendars.views), and home (calendars.home)."""

from calendars import home, views

urlpatterns = [*home.urlpatterns, *views.urlpatterns]
