"""The referrals report: per agency pair and purpose, how referrals sent by or to
the caller's agency fared in a period."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.query import QueryParamsSerializer
from common.api.schema import errors
from referrals import reports
from referrals.api.output import AgencySerializer
from referrals.models import ReferralPurpose

_MEDIAN_HELP = (
    "The median, in working days (England and Wales, Europe/London; a decision on the "
    "day it was sent is 0), of the referrals that got there; null when none did."
)


def _median(span: str) -> serializers.DecimalField:
    """A median in working days over `span` (a sentence), null when no referral got there."""
    return serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        coerce_to_string=False,
        allow_null=True,
        help_text=f"{span} {_MEDIAN_HELP}",
    )


@extend_schema_serializer(component_name="ReferralReportOverdue")
class OverdueSerializer(serializers.Serializer):
    decision = serializers.IntegerField(
        help_text="Accepted or declined after the decision was due, or still undecided past it."
    )
    threshold_decision = serializers.IntegerField(
        help_text="Threshold decision recorded after it was due, or still missing past it."
    )
    completion_stale = serializers.IntegerField(
        help_text=(
            "Accepted and now 20 working days without an update, or completed after "
            "going that long without one."
        )
    )


class _CountsSerializer(serializers.Serializer):
    sent = serializers.IntegerField(source="counts.sent")
    accepted = serializers.IntegerField(source="counts.accepted")
    declined = serializers.IntegerField(source="counts.declined")
    completed = serializers.IntegerField(source="counts.completed")
    overdue = OverdueSerializer()
    median_working_days_to_decision = _median("From sent to accepted or declined.")
    median_working_days_to_completion = _median("From sent to completed.")
    completed_with_feedback = serializers.IntegerField(
        source="counts.completed_with_feedback",
        help_text="Completed with an outcome and a summary for the referrer.",
    )
    feedback_share = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        coerce_to_string=False,
        allow_null=True,
        help_text="Percentage of the completed ones closed with feedback; null when none.",
    )


@extend_schema_serializer(component_name="ReferralReportTotals")
class TotalsSerializer(_CountsSerializer):
    pass


@extend_schema_serializer(component_name="ReferralReportRow")
class RowSerializer(_CountsSerializer):
    from_agency = AgencySerializer()
    to_agency = AgencySerializer()
    purpose = serializers.ChoiceField(choices=ReferralPurpose.choices)

    def get_fields(self):
        fields = super().get_fields()
        first = ("from_agency", "to_agency", "purpose")
        return {**{name: fields[name] for name in first}, **fields}


@extend_schema_serializer(component_name="ReferralReport")
class ReferralReportSerializer(serializers.Serializer):
    median_unit = serializers.CharField(help_text="Always `working_days`.")
    rows = RowSerializer(many=True, help_text="By from agency, to agency, then purpose.")
    totals = TotalsSerializer()

    def get_fields(self):
        # `from` and `to` are Python keywords; they are the names the query uses.
        return {
            "from": serializers.DateField(source="date_from"),
            "to": serializers.DateField(source="date_to"),
            "agency": serializers.CharField(source="agency.slug", help_text="The caller's agency."),
            **super().get_fields(),
        }


class ReferralReportQuerySerializer(QueryParamsSerializer):
    def get_fields(self):
        return {"from": serializers.DateField(), "to": serializers.DateField()}


class ReferralReportApi(APIView):
    policy = {"GET": "referrals.report.view"}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.DATE,
                required=True,
                description="The first day (Europe/London) on which referrals were sent.",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.DATE,
                required=True,
                description="The last day, included; not before `from`, at most 366 days on.",
            ),
        ],
        responses={200: ReferralReportSerializer, **errors(400, 401, 403)},
    )
    def get(self, request):
        query = ReferralReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = reports.referral_report(
            actor=request.user,
            date_from=query.validated_data["from"],
            date_to=query.validated_data["to"],
        )
        return Response(ReferralReportSerializer(report).data)


urlpatterns = [
    path("reports/referrals/", ReferralReportApi.as_view(), name="report-referrals"),
]
