"""The calendar API: a week of the caller's own work, the same entries as the page;
and a new secret address for their iCalendar feed."""

from django.urls import path, reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.access import SIGNED_IN
from calendars import services
from calendars.sources import calendar_entries
from calendars.weeks import WEEK_MESSAGE, week_parse


@extend_schema_serializer(component_name="CalendarCase")
class CalendarCaseSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="case_id")
    reference = serializers.CharField(source="case_reference")


@extend_schema_serializer(component_name="CalendarEntry")
class CalendarEntrySerializer(serializers.Serializer):
    id = serializers.CharField(
        source="uid", help_text="Stable for the same thing on the same record."
    )
    kind = serializers.CharField(
        help_text="`task`, `duty.<duty kind>`, `strategy_discussion`, `conference_due` "
        "or `bail_end`."
    )
    what = serializers.CharField(help_text="What is due, in words. Never a person's name.")
    case = CalendarCaseSerializer(source="*")
    on = serializers.DateField(source="day", help_text="The local (Europe/London) day.")
    at = serializers.DateTimeField(allow_null=True, help_text="Null for a whole day.")
    all_day = serializers.BooleanField()
    link = serializers.CharField(help_text="A page of this site, relative to its root.")


@extend_schema_serializer(component_name="CalendarWeek")
class CalendarWeekSerializer(serializers.Serializer):
    week = serializers.CharField(help_text="ISO 8601, such as `2026-W50`.")
    starts_on = serializers.DateField(help_text="The Monday.")
    ends_on = serializers.DateField(help_text="The Sunday.")
    previous_week = serializers.CharField()
    next_week = serializers.CharField()
    entries = CalendarEntrySerializer(many=True)


@extend_schema_serializer(component_name="CalendarFeedLink")
class CalendarFeedLinkSerializer(serializers.Serializer):
    url = serializers.URLField(
        help_text="The feed's secret address. Shown this once: it is not kept."
    )
    issued_at = serializers.DateTimeField()


class CalendarWeekApi(APIView):
    policy = {"GET": SIGNED_IN}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "week",
                str,
                required=False,
                description=f"{WEEK_MESSAGE} This week when left out.",
            )
        ],
        responses={200: CalendarWeekSerializer},
    )
    def get(self, request):
        """A week (Monday to Sunday, Europe/London) of the caller's own due duties,
        tasks, strategy discussions, conferences and bail end dates: each with the
        case's reference and a link, never a person's name. The week is bounded, so
        it is answered whole, not in pages."""
        week = week_parse(request.query_params.get("week", ""))
        entries = calendar_entries(actor=request.user, span=week)
        body = {
            "week": week.label,
            "starts_on": week.first_day,
            "ends_on": week.last_day,
            "previous_week": week.previous.label,
            "next_week": week.next.label,
            "entries": entries,
        }
        return Response(CalendarWeekSerializer(body).data)


class CalendarFeedResetApi(APIView):
    policy = {"POST": SIGNED_IN}

    @extend_schema(request=None, responses={200: CalendarFeedLinkSerializer})
    def post(self, request):
        """A new secret address for the caller's iCalendar feed (made if they had
        none). The old address answers 404 from now on."""
        feed, raw = services.calendar_feed_reset(actor=request.user)
        url = request.build_absolute_uri(reverse("calendar-feed", args=[raw]))
        return Response(CalendarFeedLinkSerializer({"url": url, "issued_at": feed.issued_at}).data)


urlpatterns = [
    path("calendar/", CalendarWeekApi.as_view(), name="calendar"),
    path("calendar/feed/reset/", CalendarFeedResetApi.as_view(), name="calendar-feed-reset"),
]
