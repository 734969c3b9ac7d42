"""The outcome report: the caller's own agency's outcomes for a year, by the
report's groups and by code."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import reports
from cases.models import OutcomeCode
from cases.outcome_groups import OUTCOME_GROUPS
from common.api.query import QueryParamsSerializer
from common.api.schema import errors

_GROUP_KEYS = ", ".join(f"`{key}`" for key in OUTCOME_GROUPS)


@extend_schema_serializer(component_name="OutcomeReportGroup")
class GroupCountSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=f"One of {_GROUP_KEYS}, in this order.")
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()
    percentage = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        coerce_to_string=False,
        help_text="Of the year's total, to one decimal place; 0.0 when there are none.",
    )


@extend_schema_serializer(component_name="OutcomeReportCode")
class CodeCountSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=OutcomeCode.choices)
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()


@extend_schema_serializer(component_name="OutcomeReport")
class OutcomeReportSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    agency = serializers.CharField(source="agency.slug", help_text="The agency's slug.")
    total = serializers.IntegerField()
    groups = GroupCountSerializer(many=True)
    codes = CodeCountSerializer(many=True)


class OutcomeReportApi(APIView):
    policy = {"GET": "cases.report.outcomes"}

    class QuerySerializer(QueryParamsSerializer):
        year = serializers.IntegerField(
            min_value=2000,
            error_messages={"min_value": "Enter a year from 2000 onwards."},
            help_text="The calendar year, such as 2026.",
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": 2000},
                required=True,
                description="The calendar year of the outcome dates; not in the future.",
            )
        ],
        responses={200: OutcomeReportSerializer, **errors(400, 401, 403)},
    )
    def get(self, request):
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = reports.outcome_report(actor=request.user, year=query.validated_data["year"])
        return Response(OutcomeReportSerializer(report).data)


urlpatterns = [
    path("reports/outcomes/", OutcomeReportApi.as_view(), name="report-outcomes"),
]
