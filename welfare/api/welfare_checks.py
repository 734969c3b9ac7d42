"""Recording a welfare check on a suspect: `POST /api/v1/duties/{id}/welfare-check/`,
for the 48-hour check, its second attempt, a welfare contact, or (with
`action_taken`) the supervisor's action on a check escalated to them."""

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import ContactChannel
from common.api.idempotency import idempotent_create
from common.api.schema import IDEMPOTENCY_KEY, errors
from common.errors import NotFound
from welfare.check_lateness import WELFARE_CHECK_DUTIES, duty_made_late_by_hours, late_text
from welfare.models import CheckOutcome, Duty, RiskNow, WelfareCheckAttempt
from welfare.selectors import duties as duty_selectors
from welfare.selectors import suspects as suspect_selectors
from welfare.services.welfare_checks import (
    ATTEMPT_OUTCOMES,
    welfare_check_record,
)

MEET = "welfare.duty.meet"


@extend_schema_serializer(component_name="WelfareCheckAttempt")
class WelfareCheckAttemptOutputSerializer(serializers.ModelSerializer):
    outcome = serializers.ChoiceField(choices=CheckOutcome.choices)
    outcome_label = serializers.CharField(source="get_outcome_display")
    channel = serializers.SerializerMethodField(
        help_text="How it was made: the logged contact's channel; null for a supervisor's action."
    )
    risk_now = serializers.ChoiceField(
        choices=[("", "Not asked"), *RiskNow.choices], help_text="Only for spoke."
    )
    made_by = serializers.CharField(source="made_by.username")
    made_late_by_hours = serializers.IntegerField(
        allow_null=True,
        help_text="Whole hours after the duty was due, any part of an hour counting as one; "
        "null when made in time.",
    )
    contact = serializers.UUIDField(source="contact_id", allow_null=True)

    class Meta:
        model = WelfareCheckAttempt
        fields = [
            "id",
            "outcome",
            "outcome_label",
            "channel",
            "made_at",
            "risk_now",
            "what_was_said",
            "support_offered",
            "action_taken",
            "notes",
            "made_late_by_hours",
            "made_by",
            "contact",
        ]

    def get_channel(self, attempt: WelfareCheckAttempt) -> str | None:
        return attempt.contact.channel if attempt.contact else None


@extend_schema_serializer(component_name="WelfareCheckDuty")
class WelfareCheckDutySerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    made_late_by_hours = serializers.SerializerMethodField(
        help_text="Whole hours after the duty was due, any part of an hour counting as one; "
        "null while open or when made in time."
    )
    late_text = serializers.SerializerMethodField(help_text='"made 92 hours late", or "".')
    responsible = serializers.CharField(
        source="responsible.username", allow_null=True, default=None
    )
    links = serializers.SerializerMethodField()

    class Meta:
        model = Duty
        fields = [
            "id",
            "kind",
            "trigger",
            "status",
            "status_label",
            "due_at",
            "resolved_at",
            "responsible",
            "resolution_note",
            "made_late_by_hours",
            "late_text",
            "version",
            "links",
        ]

    def get_made_late_by_hours(self, duty: Duty) -> int | None:
        return duty_made_late_by_hours(duty)

    def get_late_text(self, duty: Duty) -> str:
        return late_text(duty_made_late_by_hours(duty))

    def get_links(self, duty: Duty) -> dict[str, str]:
        return {
            "self": reverse("api:duty-detail", args=[duty.pk]),
            "welfare_check": reverse("api:duty-welfare-check", args=[duty.pk]),
            "welfare_check_page": reverse("duty-welfare-check", args=[duty.pk]),
        }


@extend_schema_serializer(component_name="WelfareCheckResult")
class WelfareCheckResultSerializer(serializers.Serializer):
    attempt = WelfareCheckAttemptOutputSerializer()
    duty = WelfareCheckDutySerializer(help_text="The duty the check closed.")
    follow_up = WelfareCheckDutySerializer(
        many=True,
        help_text="The duties this check opened: a second attempt, an escalation to the "
        "supervisor, a new screening and a new safety plan.",
    )


class DutyWelfareCheckApi(APIView):
    """Record a welfare check. Met only by speaking with them (channel phone, video or
    visit); a letter, email or text may be recorded as not_reached or declined."""

    policy = {"POST": MEET}

    @extend_schema_serializer(component_name="WelfareCheckInput")
    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(
            choices=[(o.value, o.label) for o in ATTEMPT_OUTCOMES],
            required=False,
            help_text="Required, except for an escalated check (send action_taken).",
        )
        channel = serializers.ChoiceField(
            choices=ContactChannel.choices,
            required=False,
            help_text="phone, video or visit to meet the check.",
        )
        made_at = serializers.DateTimeField(help_text="When the check was made.")
        risk_now = serializers.ChoiceField(
            choices=RiskNow.choices, required=False, help_text="Required for spoke."
        )
        what_was_said = serializers.CharField(
            required=False, allow_blank=True, help_text="Required for spoke."
        )
        support_offered = serializers.CharField(
            required=False, allow_blank=True, help_text="Required for spoke."
        )
        action_taken = serializers.CharField(
            required=False,
            allow_blank=True,
            help_text="For an escalated check (welfare_check_escalation): what was done.",
        )
        notes = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(
        request=InputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: WelfareCheckResultSerializer, **errors(400, 401, 403, 404, 409, 422)},
    )
    @idempotent_create
    def post(self, request, duty_id):
        duty = duty_selectors.duty_get_for_actor(actor=request.user, duty_id=duty_id, action=MEET)
        if duty.kind not in WELFARE_CHECK_DUTIES:
            raise NotFound()
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        attempt = welfare_check_record(actor=request.user, duty=duty, **payload.validated_data)
        duty = duty_selectors.duty_get_for_actor(actor=request.user, duty_id=duty.pk)
        follow_up = suspect_selectors.welfare_check_follow_up_list(
            actor=request.user, attempt=attempt
        )
        return Response(
            WelfareCheckResultSerializer(
                {"attempt": attempt, "duty": duty, "follow_up": follow_up}
            ).data,
            status=201,
        )


urlpatterns = [
    path(
        "duties/<uuid:duty_id>/welfare-check/",
        DutyWelfareCheckApi.as_view(),
        name="duty-welfare-check",
    ),
]
