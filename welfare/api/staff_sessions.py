"""Staff exposure to abuse material: review sessions and the week's summary. Staff
welfare is its own compartment: the person sees their own sessions (with private
notes); their supervisor sees the team's sessions and compliance (never a note);
nobody else sees anything. Debriefs, welfare reviews, shift times and the
agency's rules are in `welfare.api.staff_welfare`."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import UserRefSerializer
from common.api.fields import optional_text
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import IDEMPOTENCY_KEY, errors, results_of
from welfare.models import ExposureBreach, ExposureSession, ReviewKind
from welfare.selectors import staff_exposure as exposure_selectors
from welfare.selectors import staff_summaries as summary_selectors
from welfare.services import staff_sessions as session_services

# --- Sessions


@extend_schema_serializer(component_name="ExposureSessionOwn")
class OwnSessionSerializer(serializers.ModelSerializer):
    """One of the caller's own sessions, with their private note."""

    review_kind = serializers.ChoiceField(choices=ReviewKind.choices)
    breaches = serializers.ListField(
        child=serializers.ChoiceField(choices=ExposureBreach.choices),
        help_text="The rules this session broke, decided when it was logged.",
    )

    class Meta:
        model = ExposureSession
        fields = [
            "id",
            "started_at",
            "ended_at",
            "minutes",
            "review_kind",
            "breaches",
            "has_breach",
            "private_note",
            "created_at",
        ]


@extend_schema_serializer(component_name="ExposureSessionOfMember")
class MemberSessionSerializer(OwnSessionSerializer):
    """A team member's session as their supervisor sees it: never the note."""

    class Meta(OwnSessionSerializer.Meta):
        fields = [f for f in OwnSessionSerializer.Meta.fields if f != "private_note"]


MEMBER_PARAMETER = OpenApiParameter(
    name="user",
    type=OpenApiTypes.UUID,
    required=False,
    description=(
        "Supervisors only: the member id (as in `/api/v1/members/`) of someone in "
        "their own team. Their sessions are shown without private notes."
    ),
)


class ExposureSessionListCreateApi(APIView):
    policy = {"GET": "staff.exposure.log", "POST": "staff.exposure.log"}

    pagination_class = CursorPagination.ordered_by("-started_at", "-id")

    @extend_schema_serializer(component_name="ExposureSessionLog")
    class InputSerializer(serializers.Serializer):
        started_at = serializers.DateTimeField(help_text="Kept to the minute.")
        ended_at = serializers.DateTimeField(
            help_text="After the start, not in the future, at most 12 hours later."
        )
        review_kind = serializers.ChoiceField(choices=ReviewKind.choices)
        private_note = optional_text(help_text="Seen only by you: never by your supervisor.")
        confirm_breach = serializers.BooleanField(
            required=False,
            default=False,
            help_text=(
                "A session that breaks a rule (more than the daily limit of review, or "
                "review in the final minutes of the shift that the agency's rules keep "
                "free, by default its final hour) is refused with a 400 naming "
                "`confirm_breach` and the breach; send it again with `true` to record it "
                "with the breach marked."
            ),
        )

    @extend_schema(
        parameters=[MEMBER_PARAMETER],
        responses={200: OwnSessionSerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request):
        sessions = exposure_selectors.exposure_session_list(
            actor=request.user, filters=request.query_params
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(sessions, request, self)
        # A team member's sessions (the selector has deferred their notes) are shown
        # without the private note; the caller's own with it.
        own = all(session.user_id == request.user.pk for session in page)
        serializer = OwnSessionSerializer if own else MemberSessionSerializer
        return paginator.get_paginated_response(serializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: OwnSessionSerializer, **errors(400, 401, 403, 422)},
    )
    @idempotent_create
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        session = session_services.exposure_session_log(
            actor=request.user, **payload.validated_data
        )
        return Response(OwnSessionSerializer(session).data, status=status.HTTP_201_CREATED)


# --- The week's summary


@extend_schema_serializer(component_name="ExposureDay")
class DaySerializer(serializers.Serializer):
    day = serializers.DateField()
    minutes = serializers.IntegerField()
    over_limit = serializers.BooleanField()
    breaches = serializers.ListField(child=serializers.ChoiceField(choices=ExposureBreach.choices))


@extend_schema_serializer(component_name="WelfareMeetingDue")
class MeetingDueSerializer(serializers.Serializer):
    last_held_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField()
    overdue = serializers.BooleanField()


@extend_schema_serializer(component_name="ExposureSummary")
class SummarySerializer(serializers.Serializer):
    member = serializers.UUIDField(source="member.id", help_text="The member id.")
    user = UserRefSerializer(source="member.user")
    week_start = serializers.DateField(help_text="The Monday of the week.")
    limit_minutes = serializers.IntegerField(
        help_text="The agency's daily limit of review, in minutes."
    )
    no_review_final_minutes = serializers.IntegerField(
        source="final_minutes",
        help_text="The agency's rule: no review in this many final minutes of a shift "
        "(0: the rule is off).",
    )
    debrief_every_months = serializers.IntegerField(
        help_text="The agency's rule: a debrief is due this many months after the last."
    )
    welfare_review_every_months = serializers.IntegerField(
        help_text="The agency's rule: a welfare review is due this many months after the last."
    )
    total_minutes = serializers.IntegerField()
    breach_count = serializers.IntegerField(help_text="Sessions this week that broke a rule.")
    days = DaySerializer(many=True)
    debrief = MeetingDueSerializer()
    welfare_review = MeetingDueSerializer()


class ExposureSummaryApi(APIView):
    policy = {"GET": "staff.exposure.log"}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "team",
                OpenApiTypes.BOOL,
                default=False,
                description="Supervisors: each member of the team.",
            ),
            OpenApiParameter(
                "week",
                OpenApiTypes.DATE,
                description="Any day of the week wanted; this week by default.",
            ),
        ],
        responses={
            200: results_of("ExposureSummaryList", SummarySerializer),
            **errors(400, 401, 403, 404),
        },
        description="The caller's own week (one item), or with `team=1` each team member's.",
    )
    def get(self, request):
        summaries = summary_selectors.exposure_summary_list(
            actor=request.user, filters=request.query_params
        )
        return Response({"results": SummarySerializer(summaries, many=True).data})


urlpatterns = [
    path(
        "staff-exposure/sessions/",
        ExposureSessionListCreateApi.as_view(),
        name="staff-exposure-sessions",
    ),
    path("staff-exposure/summary/", ExposureSummaryApi.as_view(), name="staff-exposure-summary"),
]
