"""Staff exposure to abuse material: review sessions, the week's summary, debriefs
and welfare reviews, and shift times. Staff welfare is its own compartment: the
person sees their own (with private notes); their supervisor sees the team's
compliance (never a note); nobody else sees anything."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies import access
from cases.api.common import UserRefSerializer
from common.api.concurrency import ETagMixin, etag_for, expected_version
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import ERROR_RESPONSES, IDEMPOTENCY_KEY, IF_MATCH
from welfare.models import ExposureBreach, ExposureSession, ReviewKind, WelfareMeetingKind
from welfare.selectors import staff as staff_selectors
from welfare.services import staff as staff_services


def errors(*codes: int) -> dict:
    return {code: ERROR_RESPONSES[code] for code in codes}


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
    type=str,
    required=False,
    description=(
        "Supervisors only: the member id (as in `/api/v1/members/`) of someone in "
        "their own team. Their sessions are shown without private notes."
    ),
)


class ExposureSessionListCreateApi(APIView):
    policy = {"GET": "staff.exposure.log", "POST": "staff.exposure.log"}

    class Pagination(CursorPagination):
        ordering = ("-started_at", "-id")

    pagination_class = Pagination

    @extend_schema_serializer(component_name="ExposureSessionLog")
    class InputSerializer(serializers.Serializer):
        started_at = serializers.DateTimeField(help_text="Kept to the minute.")
        ended_at = serializers.DateTimeField(
            help_text="After the start, not in the future, at most 12 hours later."
        )
        review_kind = serializers.ChoiceField(choices=ReviewKind.choices)
        private_note = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="Seen only by you: never by your supervisor.",
        )
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
        member_id = request.query_params.get("user")
        if member_id:
            member = staff_selectors.team_member_get(actor=request.user, member_id=member_id)
            sessions = staff_selectors.exposure_session_list(actor=request.user, member=member)
            serializer = (
                OwnSessionSerializer
                if member.user_id == request.user.pk
                else MemberSessionSerializer
            )
        else:
            sessions = staff_selectors.exposure_session_list(actor=request.user)
            serializer = OwnSessionSerializer
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(sessions, request, self)
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
        session = staff_services.exposure_session_log(actor=request.user, **payload.validated_data)
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

    class FilterSerializer(serializers.Serializer):
        team = serializers.BooleanField(
            required=False, default=False, help_text="Supervisors: each member of the team."
        )
        week = serializers.DateField(
            required=False, help_text="Any day of the week wanted; this week by default."
        )

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: SummarySerializer(many=True), **errors(400, 401, 403, 404)},
        description="The caller's own week (one item), or with `team=1` each team member's.",
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        week = filters.validated_data.get("week")
        if filters.validated_data["team"]:
            if not access.can(request.user, "staff.exposure.team"):
                raise access.AccessDenied("staff.exposure.team")
            summaries = staff_selectors.team_exposure_summary(actor=request.user, week=week)
        else:
            summaries = [staff_selectors.exposure_summary(actor=request.user, week=week)]
        return Response({"results": SummarySerializer(summaries, many=True).data})


# --- Debriefs and welfare reviews


@extend_schema_serializer(component_name="WelfareMeeting")
class MeetingSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    user = UserRefSerializer()
    kind = serializers.ChoiceField(choices=WelfareMeetingKind.choices)
    held_on = serializers.DateField()
    recorded_by = UserRefSerializer()
    created_at = serializers.DateTimeField()


class WelfareMeetingCreateApi(APIView):
    policy = {"POST": "staff.meeting.record"}

    @extend_schema_serializer(component_name="WelfareMeetingRecord")
    class InputSerializer(serializers.Serializer):
        user = serializers.UUIDField(help_text="The member id of someone in your team.")
        kind = serializers.ChoiceField(choices=WelfareMeetingKind.choices)
        held_on = serializers.DateField(help_text="Not in the future. Only the date is kept.")

    @extend_schema(
        request=InputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: MeetingSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @idempotent_create
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        member = staff_selectors.team_member_get(actor=request.user, member_id=data["user"])
        meeting = staff_services.welfare_meeting_record(
            actor=request.user, user=member.user, kind=data["kind"], held_on=data["held_on"]
        )
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


# --- Shift times


@extend_schema_serializer(component_name="StaffShift")
class ShiftSerializer(serializers.Serializer):
    starts_at = serializers.TimeField(format="%H:%M")
    ends_at = serializers.TimeField(
        format="%H:%M", help_text="Before the start for a shift that runs past midnight."
    )
    version = serializers.IntegerField(read_only=True)


class StaffShiftApi(ETagMixin, APIView):
    policy = {"GET": "staff.exposure.log", "PUT": "staff.exposure.log"}

    @extend_schema(responses={200: ShiftSerializer, **errors(401, 403)})
    def get(self, request):
        shift = staff_selectors.staff_shift_get(actor=request.user)
        return self.with_etag(Response(ShiftSerializer(shift).data), shift.version)

    @extend_schema(
        request=ShiftSerializer,
        parameters=[IF_MATCH],
        responses={200: ShiftSerializer, **errors(400, 401, 403, 412, 428)},
    )
    def put(self, request):
        version = expected_version(request)
        payload = ShiftSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        shift = staff_services.staff_shift_set(
            actor=request.user,
            user=request.user,
            expected_version=version,
            **payload.validated_data,
        )
        response = Response(ShiftSerializer(shift).data)
        response["ETag"] = etag_for(shift.version)
        return response


# --- The agency's rules


def _rule_field(name: str, *, default: int, **kwargs) -> serializers.IntegerField:
    """One of the four numbers, with the bounds and the words of the service."""
    lowest, highest, called, unit, missing = staff_services.EXPOSURE_RULE_BOUNDS[name]
    out_of_range = f"{called} must be between {lowest} and {highest} {unit}."
    return serializers.IntegerField(
        min_value=lowest,
        max_value=highest,
        help_text=f"{called}, in {unit}: {lowest} to {highest}; by default {default}.",
        error_messages={
            "required": missing,
            "null": missing,
            "invalid": f"{called} must be a whole number of {unit}.",
            "min_value": out_of_range,
            "max_value": out_of_range,
            "max_string_length": f"{called} must be a whole number of {unit}.",
        },
        **kwargs,
    )


@extend_schema_serializer(component_name="StaffExposureRules")
class RulesSerializer(serializers.Serializer):
    """The agency's rules of good practice for staff who review abuse material."""

    max_review_minutes_per_day = _rule_field(
        "max_review_minutes_per_day", default=240, read_only=True
    )
    no_review_final_minutes = _rule_field("no_review_final_minutes", default=60, read_only=True)
    debrief_every_months = _rule_field("debrief_every_months", default=1, read_only=True)
    welfare_review_every_months = _rule_field(
        "welfare_review_every_months", default=6, read_only=True
    )
    version = serializers.IntegerField(read_only=True, help_text="Also sent as the ETag.")


class ExposureRulesApi(ETagMixin, APIView):
    """The rules of the caller's own agency. Only its agency admins read and change
    them here; a reviewer sees the rules that apply to them in their summary."""

    policy = {"GET": "staff.rules.manage", "PATCH": "staff.rules.manage"}

    @extend_schema_serializer(component_name="StaffExposureRulesChange")
    class InputSerializer(serializers.Serializer):
        max_review_minutes_per_day = _rule_field(
            "max_review_minutes_per_day", default=240, required=False
        )
        no_review_final_minutes = _rule_field("no_review_final_minutes", default=60, required=False)
        debrief_every_months = _rule_field("debrief_every_months", default=1, required=False)
        welfare_review_every_months = _rule_field(
            "welfare_review_every_months", default=6, required=False
        )
        reason = serializers.CharField(
            max_length=500,
            help_text=(
                "Required, even though this is a PATCH: why the rules change, "
                "kept in their history."
            ),
            error_messages={
                "required": "Enter why you are changing the rules.",
                "blank": "Enter why you are changing the rules.",
                "null": "Enter why you are changing the rules.",
                "max_length": "The reason must be 500 characters or fewer.",
            },
        )

    @extend_schema(responses={200: RulesSerializer, **errors(401, 403)})
    def get(self, request):
        rules = staff_selectors.exposure_rules_get(actor=request.user)
        return self.with_etag(Response(RulesSerializer(rules).data), rules.version)

    @extend_schema(
        request=InputSerializer,
        parameters=[IF_MATCH],
        responses={200: RulesSerializer, **errors(400, 401, 403, 412, 428)},
        description=(
            "Change any of the four numbers (the others stay as they are), with a reason. "
            "The new rules apply to sessions logged from now on; sessions already logged "
            "keep the breaches decided when they were logged."
        ),
    )
    def patch(self, request):
        rules = staff_selectors.exposure_rules_get(actor=request.user)
        version = expected_version(request)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        updated = staff_services.exposure_rules_update(
            actor=request.user,
            expected_version=version,
            reason=data["reason"],
            **{
                name: data.get(name, getattr(rules, name))
                for name in staff_services.EXPOSURE_RULE_BOUNDS
            },
        )
        return self.with_etag(Response(RulesSerializer(updated).data), updated.version)


urlpatterns = [
    path(
        "staff-exposure/sessions/",
        ExposureSessionListCreateApi.as_view(),
        name="staff-exposure-sessions",
    ),
    path("staff-exposure/summary/", ExposureSummaryApi.as_view(), name="staff-exposure-summary"),
    path(
        "staff-exposure/meetings/",
        WelfareMeetingCreateApi.as_view(),
        name="staff-exposure-meetings",
    ),
    path("staff-exposure/shift/", StaffShiftApi.as_view(), name="staff-exposure-shift"),
    path("staff-exposure/rules/", ExposureRulesApi.as_view(), name="staff-exposure-rules"),
]
