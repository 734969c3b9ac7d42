"""Staff welfare around exposure to abuse material: the debriefs and welfare
reviews a supervisor records for their team (never what was said), the caller's
own shift times, and the agency's rules of good practice, which only its agency
admins read and change here. Review sessions and the week's summary are in
`welfare.api.staff_sessions`."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import UserRefSerializer
from common.api.concurrency import ETagMixin, etag_for, expected_version
from common.api.idempotency import idempotent_create
from common.api.schema import IDEMPOTENCY_KEY, IF_MATCH, errors
from welfare.models import WelfareMeetingKind
from welfare.selectors import staff_exposure as exposure_selectors
from welfare.services import exposure_rules as rules_services
from welfare.services import staff_welfare as welfare_services

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
        member = exposure_selectors.team_member_get(actor=request.user, member_id=data["user"])
        meeting = welfare_services.welfare_meeting_record(
            actor=request.user, user=member.user, kind=data["kind"], held_on=data["held_on"]
        )
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


# --- Shift times


# The hours and minutes a shift is told in, "08:00" (or "8:00"): what `%H:%M` reads.
_CLOCK_TIME = r"^(2[0-3]|[01][0-9]|[0-9]):([0-5][0-9]|[0-9])$"


@extend_schema_field({"type": "string", "pattern": _CLOCK_TIME, "example": "08:00"})
class ClockTimeField(serializers.TimeField):
    """A time of day to the minute, read and written as "08:00". The schema says so
    by a pattern: JSON Schema's `time` format wants seconds and an offset."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", input_formats=["%H:%M"], **kwargs)


@extend_schema_serializer(component_name="StaffShift")
class ShiftSerializer(serializers.Serializer):
    starts_at = ClockTimeField()
    ends_at = ClockTimeField(help_text="Before the start for a shift that runs past midnight.")
    version = serializers.IntegerField(read_only=True)


class StaffShiftApi(ETagMixin, APIView):
    policy = {"GET": "staff.exposure.log", "PUT": "staff.exposure.log"}

    @extend_schema(responses={200: ShiftSerializer, **errors(401, 403)})
    def get(self, request):
        shift = exposure_selectors.staff_shift_get(actor=request.user)
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
        shift = welfare_services.staff_shift_set(
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
    lowest, highest, called, unit, missing = rules_services.EXPOSURE_RULE_BOUNDS[name]
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
        rules = exposure_selectors.exposure_rules_get(actor=request.user)
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
        rules = exposure_selectors.exposure_rules_get(actor=request.user)
        version = expected_version(request)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        updated = rules_services.exposure_rules_update(
            actor=request.user,
            expected_version=version,
            reason=data["reason"],
            **{
                name: data.get(name, getattr(rules, name))
                for name in rules_services.EXPOSURE_RULE_BOUNDS
            },
        )
        return self.with_etag(Response(RulesSerializer(updated).data), updated.version)


urlpatterns = [
    path(
        "staff-exposure/meetings/",
        WelfareMeetingCreateApi.as_view(),
        name="staff-exposure-meetings",
    ),
    path("staff-exposure/shift/", StaffShiftApi.as_view(), name="staff-exposure-shift"),
    path("staff-exposure/rules/", ExposureRulesApi.as_view(), name="staff-exposure-rules"),
]
