"""Victims' Code duties: the updates owed to victims, every open duty the reader may
see, one duty, and logging the contact that meets a duty."""

from datetime import datetime

from django.db.models import QuerySet
from django.urls import path, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import UserRefSerializer
from cases.models import ContactChannel, ContactDirection
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import IDEMPOTENCY_KEY, errors
from common.errors import ValidationError
from welfare.check_lateness import duty_made_late_by_hours
from welfare.duty_pages import duty_meet_api, duty_meet_page
from welfare.filters import DUE_FILTERS, WHOSE_FILTERS, DutyKindFilter
from welfare.models import VICTIM_DUTIES, Duty, DutyKind
from welfare.selectors import duties as duty_selectors
from welfare.selectors import victims as victim_selectors
from welfare.services.duty_meet import duty_meet_by_contact
from welfare.services.victim_updates import told_about_text, victim_updates_meet

_KINDS = ", ".join(f"`{value}`" for value in DutyKind.values)


def _duty_links(duty: Duty) -> dict:
    """`meet_page` (and `meet`, where the duty has an endpoint of its own) is where the
    duty is met, whatever its kind; `log_contact` only for a victim update, the one
    kind a logged contact meets."""
    links = {
        "self": reverse("api:duty-detail", args=[duty.pk]),
        "case_page": reverse("case-detail", args=[duty.case_id]),
        "meet_page": duty_meet_page(duty),
    }
    meet = duty_meet_api(duty)
    if meet is not None:
        links["meet"] = meet
    if duty.kind == DutyKind.VICTIM_UPDATE:
        links["log_contact"] = reverse("api:duty-log-contact", args=[duty.pk])
        links["log_contact_page"] = reverse("duty-log-contact", args=[duty.pk])
    return links


@extend_schema_serializer(component_name="DutyResolution")
class DutyResolutionSerializer(serializers.Serializer):
    resolved_at = serializers.DateTimeField()
    resolved_by = serializers.CharField(allow_null=True, help_text="A username.")
    contact = serializers.UUIDField(allow_null=True, help_text="The contact that met it.")
    referral = serializers.UUIDField(allow_null=True, help_text="The referral that met it.")
    note = serializers.CharField(allow_blank=True)
    external_reference = serializers.CharField(allow_blank=True)
    told_about = serializers.CharField(
        allow_blank=True,
        help_text=(
            "For a victim update met by a contact: every event that contact told the victim "
            "of, 'arrested on 3 November 2026; released on pre-charge bail on 4 November "
            "2026'. Empty otherwise."
        ),
    )
    updates_met_by_contact = serializers.ListField(
        child=serializers.UUIDField(),
        help_text="The victim updates that the same contact met, this one among them.",
    )


def _told_about_by_contact(context: dict, duty: Duty) -> list[Duty]:
    # A met duty is shown one at a time (its detail, the log-contact answer): one
    # read of what its contact met, unless the caller read them for a whole page.
    if not duty.contact_id:
        return []
    told = context.get("told_about")
    if told is None and context.get("actor") is not None:
        told = victim_selectors.contact_told_about_map(
            actor=context["actor"], contact_ids=[duty.contact_id]
        )
    if told is None:
        # A caller that gave no reader: what this duty's own event was, read no further.
        return [duty] if duty.kind == DutyKind.VICTIM_UPDATE else []
    return told.get(duty.contact_id, [])


@extend_schema_serializer(component_name="Duty")
class DutyOutputSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=f"One of {_KINDS}.")
    kind_label = serializers.CharField(source="get_kind_display")
    status = serializers.CharField(
        help_text="open, met, declined, not_needed, opted_out or cancelled."
    )
    status_label = serializers.CharField(source="get_status_display")
    trigger = serializers.CharField()
    case = serializers.SerializerMethodField()
    party = serializers.SerializerMethodField()
    responsible = UserRefSerializer(allow_null=True)
    overdue = serializers.SerializerMethodField()
    service_level = serializers.SerializerMethodField(
        help_text="For a victim's duty: enhanced or standard."
    )
    spoken_for_by = serializers.SerializerMethodField(
        help_text="For a child: the parent or carer who speaks for them."
    )
    wants_updates = serializers.SerializerMethodField()
    resolution = serializers.SerializerMethodField()
    made_late_by_hours = serializers.SerializerMethodField(
        help_text="For a welfare check made after its due moment: how late, in whole hours, "
        "any part of an hour counting as one ('made 92 hours late'). Null when made in "
        "time, not yet made, or not a welfare check."
    )
    links = serializers.SerializerMethodField()

    class Meta:
        model = Duty
        fields = [
            "id",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "trigger",
            "reason",
            "case",
            "party",
            "due_at",
            "due_by_clock",
            "overdue",
            "responsible",
            "service_level",
            "spoken_for_by",
            "wants_updates",
            "resolution",
            "made_late_by_hours",
            "version",
            "created_at",
            "links",
        ]

    def _care(self, duty: Duty):
        return getattr(duty.party, "victim_care", None) if duty.kind in VICTIM_DUTIES else None

    def get_case(self, duty: Duty) -> dict:
        return {"id": str(duty.case_id), "reference": duty.case.reference}

    def get_party(self, duty: Duty) -> dict:
        return {
            "id": str(duty.party_id),
            "role": duty.party.role,
            "full_name": duty.party.person.full_name,
        }

    def get_overdue(self, duty: Duty) -> bool:
        now = self.context.get("now") or timezone.now()
        return duty.is_open and duty.due_at < now

    def get_service_level(self, duty: Duty) -> str | None:
        care = self._care(duty)
        return care.service_level if care else None

    def get_spoken_for_by(self, duty: Duty) -> str:
        care = self._care(duty)
        return care.spoken_for_by if care else ""

    def get_wants_updates(self, duty: Duty) -> bool | None:
        care = self._care(duty)
        return care.wants_updates if care else None

    @extend_schema_field(DutyResolutionSerializer(allow_null=True))
    def get_resolution(self, duty: Duty) -> dict | None:
        if duty.is_open:
            return None
        told = _told_about_by_contact(self.context, duty)
        resolution = {
            "resolved_at": duty.resolved_at,
            "resolved_by": duty.resolved_by.get_username() if duty.resolved_by else None,
            "contact": str(duty.contact_id) if duty.contact_id else None,
            "referral": str(duty.referral_id) if duty.referral_id else None,
            "note": duty.resolution_note,
            "external_reference": duty.external_reference,
            "told_about": told_about_text(told),
            "updates_met_by_contact": [str(met.pk) for met in told],
        }
        # Through its serializer, so that its moment is worded as every other one is.
        return dict(DutyResolutionSerializer(resolution).data)

    def get_made_late_by_hours(self, duty: Duty) -> int | None:
        return duty_made_late_by_hours(duty)

    def get_links(self, duty: Duty) -> dict:
        return _duty_links(duty)


_DUE = OpenApiParameter(
    "due",
    OpenApiTypes.STR,
    enum=list(DUE_FILTERS),
    description="today (overdue included), overdue, or week; every open duty when left out.",
)
_WHOSE = OpenApiParameter(
    "whose",
    OpenApiTypes.STR,
    enum=list(WHOSE_FILTERS),
    description="Defaults to mine (a supervisor's to team).",
)


_DutyPagination = CursorPagination.ordered_by("due_at", "id")


def _duty_page(view: APIView, request: Request, duties: QuerySet[Duty], now: datetime) -> Response:
    paginator = view.pagination_class()  # type: ignore[attr-defined]  # each caller has one
    page = paginator.paginate_queryset(duties, request, view)
    return paginator.get_paginated_response(
        DutyOutputSerializer(page, many=True, context={"now": now}).data
    )


class VictimUpdateListApi(APIView):
    """Open victims' duties (updates, referral to support), in the order they fall due."""

    policy = {"GET": "welfare.duty.view"}
    pagination_class = _DutyPagination

    @extend_schema(
        parameters=[_DUE, _WHOSE],
        responses={200: DutyOutputSerializer(many=True), **errors(400, 401, 403)},
    )
    def get(self, request):
        now = timezone.now()
        duties = duty_selectors.duty_list(
            actor=request.user, filters=request.query_params, kinds=VICTIM_DUTIES, now=now
        )
        return _duty_page(self, request, duties, now)


class DutyListApi(APIView):
    """Every open duty of every kind the reader is cleared for."""

    policy = {"GET": "welfare.duty.view"}
    pagination_class = _DutyPagination

    @extend_schema(
        parameters=[
            _DUE,
            _WHOSE,
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                many=True,
                description=f"One or more of {_KINDS} (repeat it, or separate by commas).",
            ),
        ],
        responses={200: DutyOutputSerializer(many=True), **errors(400, 401, 403)},
    )
    def get(self, request):
        now = timezone.now()
        duties = duty_selectors.duty_list(
            actor=request.user,
            filters=request.query_params,
            now=now,
            filterset_class=DutyKindFilter,
        ).select_related("resolved_by")
        return _duty_page(self, request, duties, now)


class DutyDetailApi(APIView):
    policy = {"GET": "welfare.duty.view"}

    @extend_schema(responses={200: DutyOutputSerializer, **errors(401, 404)})
    def get(self, request, duty_id):
        duty = duty_selectors.duty_get_for_actor(actor=request.user, duty_id=duty_id)
        return Response(DutyOutputSerializer(duty, context={"actor": request.user}).data)


class DutyLogContactApi(APIView):
    """Meet a victim update, welfare check or welfare contact by a contact with the
    person it is owed to: link one already logged, or log it here. A new contact with
    a victim meets every update owed to them that `duties` names (by default the one
    in the URL); the answer is the duty in the URL, whose resolution says what the
    contact told them about."""

    policy = {"POST": "welfare.duty.meet"}

    @extend_schema_serializer(component_name="DutyLogContact")
    class InputSerializer(serializers.Serializer):
        contact = serializers.UUIDField(
            required=False, help_text="A contact already logged with the duty's person."
        )
        channel = serializers.ChoiceField(choices=ContactChannel.choices, required=False)
        summary = serializers.CharField(required=False, allow_blank=True)
        contacted_at = serializers.DateTimeField(required=False, help_text="Defaults to now.")
        direction = serializers.ChoiceField(
            choices=ContactDirection.choices, required=False, default=ContactDirection.OUTBOUND
        )
        duties = serializers.ListField(
            child=serializers.UUIDField(),
            required=False,
            allow_empty=False,
            max_length=50,
            help_text=(
                "For a victim update: every update owed to the same victim that this new "
                "contact meets (one call telling of the arrest and the release meets both). "
                "Defaults to the duty in the URL. All are met or none: one owed to someone "
                "else, not open, not a victim update or not yours to see answers 400 on "
                "`duties`, with nothing stored."
            ),
        )

        def validate(self, attrs):
            if attrs.get("contact"):
                extra = {"channel", "summary", "contacted_at", "duties"} & set(attrs)
                if extra:
                    raise serializers.ValidationError(
                        {
                            name: ["Send either a contact, or a new contact's details."]
                            for name in extra
                        }
                    )
                return attrs
            missing = {"channel", "summary"} - {k for k, v in attrs.items() if v}
            if missing:
                raise serializers.ValidationError(
                    {name: ["Required when no contact is linked."] for name in sorted(missing)}
                )
            return attrs

    @extend_schema(
        request=InputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: DutyOutputSerializer, **errors(400, 401, 403, 404, 409, 422)},
    )
    @idempotent_create
    def post(self, request, duty_id):
        duty = duty_selectors.duty_get_for_actor(
            actor=request.user, duty_id=duty_id, action="welfare.duty.meet"
        )
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if data.get("contact"):
            data["contact"] = duty_selectors.duty_contact_get_for_actor(
                actor=request.user, duty=duty, contact_id=data["contact"]
            )
        chosen = data.pop("duties", None)
        if duty.kind == DutyKind.VICTIM_UPDATE and duty.is_open and not data.get("contact"):
            victim_updates_meet(
                actor=request.user, party=duty.party, duty_ids=chosen or [duty.pk], **data
            )
        elif chosen and duty.kind != DutyKind.VICTIM_UPDATE and chosen != [duty.pk]:
            raise ValidationError(
                {"duties": ["Only victim updates are met together: this duty is met alone."]}
            )
        else:
            duty_meet_by_contact(actor=request.user, duty=duty, **data)
        met = duty_selectors.duty_get_for_actor(actor=request.user, duty_id=duty.pk)
        return Response(DutyOutputSerializer(met, context={"actor": request.user}).data)


urlpatterns = [
    path("victim-updates/", VictimUpdateListApi.as_view(), name="victim-updates"),
    path("duties/", DutyListApi.as_view(), name="duty-list"),
    path("duties/<uuid:duty_id>/", DutyDetailApi.as_view(), name="duty-detail"),
    path(
        "duties/<uuid:duty_id>/log-contact/", DutyLogContactApi.as_view(), name="duty-log-contact"
    ),
]
