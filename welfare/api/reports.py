"""The anonymised suspect welfare statistics: the caller's own agency's figures for a
year, with every count from 1 to 4 suppressed so that they can be published."""

from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.query import QueryParamsSerializer
from common.api.schema import errors
from welfare import reports
from welfare.models import IncidentKind, IncidentStage

_SUPPRESSION_HELP = (
    'A count from 1 to 4 is suppressed (`value` null, `display` "fewer than 5"); a '
    "count withheld so that a suppressed one cannot be worked out by subtraction from "
    'its total is also null, with `display` "withheld". 0 is published as 0.'
)


@extend_schema_serializer(component_name="SuspectWelfareFigure")
class FigureSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="What is counted, stable across years.")
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.IntegerField(
        allow_null=True, help_text=f"The count; null when suppressed. {_SUPPRESSION_HELP}"
    )
    suppressed = serializers.BooleanField()
    display = serializers.CharField(
        help_text='The count as published: a number, "fewer than 5" or "withheld".'
    )
    share = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        coerce_to_string=False,
        allow_null=True,
        help_text=(
            "Percentage of the figure it is a share of (suspects, duties due, all "
            "incidents), to one decimal place; null when there is nothing to divide by, "
            "when either count is suppressed, or for a figure that is not a share."
        ),
    )
    share_display = serializers.CharField(
        help_text='The share as published: such as "42.9%", "withheld", or empty.'
    )


@extend_schema_serializer(component_name="SuspectWelfareDuties")
class DutyFiguresSerializer(serializers.Serializer):
    due = FigureSerializer(help_text="Duties that fell due in the year.")
    on_time = FigureSerializer(help_text="Met by the moment they were due.")
    late = FigureSerializer(
        help_text="Met after the moment they were due, by however little: never on time."
    )
    not_reached = FigureSerializer(
        help_text="Could not reach the person (a second attempt followed, counted here once)."
    )
    declined = FigureSerializer(help_text="The person declined to talk: not met.")
    missed = FigureSerializer(
        help_text="Still open past their due moment, or closed without an attempt."
    )
    not_yet_due = FigureSerializer(help_text="Still open, and not yet due.")


_STAGES = ", ".join(f"`{stage}`" for stage in IncidentStage.values)
_KINDS = ", ".join(f"`{kind}`" for kind in IncidentKind.values)


@extend_schema_serializer(component_name="SuspectWelfareStatistics")
class StatisticsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    agency = serializers.CharField(source="agency.slug", help_text="The caller's agency.")
    threshold = serializers.IntegerField(
        help_text="Counts below this, and above 0, are suppressed."
    )
    suspects = FigureSerializer(
        help_text=(
            "Suspects in the agency's cases first told of the investigation in the year "
            "(searched, arrested or interviewed voluntarily)."
        )
    )
    screened = FigureSerializer(help_text="Of the suspects, those screened for suicide risk.")
    not_screened = FigureSerializer(help_text="Of the suspects, those never screened.")
    at_risk_or_unknown = FigureSerializer(
        help_text="Of the suspects, those with a screening found at risk or unknown."
    )
    at_risk = FigureSerializer(help_text="Of the suspects, those with a screening found at risk.")
    unknown = FigureSerializer(
        help_text="Of the suspects, those with a screening found unknown and none at risk."
    )
    not_at_risk = FigureSerializer(
        help_text="Of the suspects, those screened and only ever found not at risk."
    )
    safety_plans = FigureSerializer(help_text="Safety plans made in the year.")
    welfare_checks = DutyFiguresSerializer(help_text="Checks within 48 hours of release.")
    welfare_contacts = DutyFiguresSerializer(
        help_text="Welfare contacts with suspects released under investigation or on bail."
    )
    incidents = FigureSerializer(help_text="Self-harm, suicide attempts and deaths in the year.")
    incidents_by_stage = FigureSerializer(
        many=True, help_text=f"One figure per stage, keyed and in this order: {_STAGES}."
    )
    incidents_by_kind = FigureSerializer(
        many=True, help_text=f"One figure per kind, keyed and in this order: {_KINDS}."
    )


class SuspectWelfareStatisticsApi(APIView):
    policy = {"GET": "welfare.report.suspect_welfare"}

    class QuerySerializer(QueryParamsSerializer):
        year = serializers.IntegerField(
            required=False,
            min_value=2000,
            error_messages={"min_value": "Enter a year from 2000 onwards."},
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": 2000},
                required=False,
                description=(
                    "The calendar year (Europe/London), from 2000 and not in the future; "
                    "the current year when left out."
                ),
            )
        ],
        responses={200: StatisticsSerializer, **errors(400, 401, 403)},
    )
    def get(self, request):
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year", timezone.localdate().year)
        statistics = reports.suspect_welfare_statistics(actor=request.user, year=year)
        return Response(StatisticsSerializer(statistics).data)


urlpatterns = [
    path(
        "reports/suspect-welfare/",
        SuspectWelfareStatisticsApi.as_view(),
        name="report-suspect-welfare",
    ),
]
