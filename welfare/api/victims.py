"""Victims' Code duties and victims' care: the updates owed, every duty the reader
may see, logging the contact that meets a duty, and a victim's care record."""

from django.urls import path, reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.selectors import member_list_for_casework
from cases.api.common import UserRefSerializer, errors
from cases.models import ContactChannel, ContactDirection
from cases.selectors import contact_list
from common.api.concurrency import ETagMixin, expected_version
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import IDEMPOTENCY_KEY, IF_MATCH
from welfare.models import VICTIM_DUTIES, Duty, DutyKind, EnhancedReason, ServiceLevel, VictimCare
from welfare.selectors import duties as duty_selectors
from welfare.selectors import victims as victim_selectors
from welfare.services import victim_care as care_services
from welfare.services.duty_meet import duty_meet_by_contact

_KINDS = ", ".join(f"`{value}`" for value in DutyKind.values)


def _duty_links(duty: Duty) -> dict:
    return {
        "self": reverse("api:duty-detail", args=[duty.pk]),
        "log_contact": reverse("api:duty-log-contact", args=[duty.pk]),
        "log_contact_page": reverse("duty-log-contact", args=[duty.pk]),
        "case_page": reverse("case-detail", args=[duty.case_id]),
    }


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

    def get_resolution(self, duty: Duty) -> dict | None:
        if duty.is_open:
            return None
        return {
            "resolved_at": duty.resolved_at,
            "resolved_by": duty.resolved_by.get_username() if duty.resolved_by_id else None,
            "contact": str(duty.contact_id) if duty.contact_id else None,
            "referral": str(duty.referral_id) if duty.referral_id else None,
            "note": duty.resolution_note,
            "external_reference": duty.external_reference,
        }

    def get_links(self, duty: Duty) -> dict:
        return _duty_links(duty)


_DUE = OpenApiParameter(
    "due",
    OpenApiTypes.STR,
    enum=list(duty_selectors.DUE_FILTERS),
    description="today (overdue included), overdue, or week; every open duty when left out.",
)
_WHOSE = OpenApiParameter(
    "whose",
    OpenApiTypes.STR,
    enum=list(duty_selectors.WHOSE_FILTERS),
    description="Defaults to mine (a supervisor's to team).",
)


class _DutyPagination(CursorPagination):
    ordering = ("due_at", "id")


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
            actor=request.user,
            due=request.query_params.get("due"),
            whose=request.query_params.get("whose"),
            kinds=VICTIM_DUTIES,
            now=now,
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(duties, request, self)
        return paginator.get_paginated_response(
            DutyOutputSerializer(page, many=True, context={"now": now}).data
        )


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
        kinds = {
            kind.strip()
            for value in request.query_params.getlist("kind")
            for kind in value.split(",")
            if kind.strip()
        }
        unknown = kinds - set(DutyKind.values)
        if unknown:
            raise serializers.ValidationError(
                {"kind": [f"Choose from: {', '.join(DutyKind.values)}."]}
            )
        now = timezone.now()
        duties = duty_selectors.duty_list(
            actor=request.user,
            due=request.query_params.get("due"),
            whose=request.query_params.get("whose"),
            kinds=kinds or None,
            now=now,
        ).select_related("resolved_by")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(duties, request, self)
        return paginator.get_paginated_response(
            DutyOutputSerializer(page, many=True, context={"now": now}).data
        )


class DutyDetailApi(APIView):
    policy = {"GET": "welfare.duty.view"}

    @extend_schema(responses={200: DutyOutputSerializer, **errors(401, 404)})
    def get(self, request, duty_id):
        duty = duty_selectors.duty_get_for_actor(actor=request.user, duty_id=duty_id)
        return Response(DutyOutputSerializer(duty).data)


class DutyLogContactApi(APIView):
    """Meet a victim update, welfare check or welfare contact by a contact with the
    person it is owed to: link one already logged, or log it here."""

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

        def validate(self, attrs):
            if attrs.get("contact"):
                extra = {"channel", "summary", "contacted_at"} & set(attrs)
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
            contact = (
                contact_list(actor=request.user, case=duty.case).filter(pk=data["contact"]).first()
            )
            if contact is None:
                raise serializers.ValidationError({"contact": ["Choose a contact in this case."]})
            data["contact"] = contact
        met = duty_meet_by_contact(actor=request.user, duty=duty, **data)
        met = duty_selectors.duty_get_for_actor(actor=request.user, duty_id=met.pk)
        return Response(DutyOutputSerializer(met).data)


@extend_schema_serializer(component_name="VictimCare")
class VictimCareOutputSerializer(serializers.ModelSerializer):
    party = serializers.SerializerMethodField()
    service_level = serializers.ChoiceField(choices=ServiceLevel.choices)
    service_level_label = serializers.CharField(source="get_service_level_display")
    enhanced_reason_label = serializers.CharField(source="get_enhanced_reason_display")
    point_of_contact = UserRefSerializer(allow_null=True)

    class Meta:
        model = VictimCare
        fields = [
            "id",
            "party",
            "service_level",
            "service_level_label",
            "enhanced_reason",
            "enhanced_reason_label",
            "point_of_contact",
            "wants_updates",
            "opt_out_note",
            "spoken_for_by",
            "regular_update_working_days",
            "version",
            "updated_at",
        ]

    def get_party(self, care: VictimCare) -> dict:
        return {"id": str(care.party_id), "full_name": care.party.person.full_name}


_LEVEL_FIELDS = {"service_level", "enhanced_reason"}
_CONTACT_FIELDS = {"point_of_contact"}
_PREFERENCE_FIELDS = {
    "wants_updates",
    "opt_out_note",
    "spoken_for_by",
    "regular_update_working_days",
}


class VictimCareApi(ETagMixin, APIView):
    policy = {"GET": "welfare.victim_care.view", "PATCH": "welfare.victim_care.change"}

    @extend_schema_serializer(component_name="VictimCareChange")
    class InputSerializer(serializers.Serializer):
        service_level = serializers.ChoiceField(choices=ServiceLevel.choices, required=False)
        enhanced_reason = serializers.ChoiceField(
            choices=EnhancedReason.choices, required=False, allow_blank=True
        )
        point_of_contact = serializers.CharField(
            required=False, help_text="The username of the new named point of contact."
        )
        wants_updates = serializers.BooleanField(required=False)
        opt_out_note = serializers.CharField(required=False, allow_blank=True)
        spoken_for_by = serializers.CharField(max_length=200, required=False, allow_blank=True)
        regular_update_working_days = serializers.IntegerField(
            required=False,
            allow_null=True,
            help_text="Working days between regular updates (1 to 60); null to stop them.",
        )
        reason = serializers.CharField(max_length=100, required=False, allow_blank=True)

        def validate(self, attrs):
            groups = [
                group
                for group in (_LEVEL_FIELDS, _CONTACT_FIELDS, _PREFERENCE_FIELDS)
                if group & set(attrs)
            ]
            if len(groups) != 1:
                raise serializers.ValidationError(
                    {
                        "non_field_errors": [
                            "Change one thing at a time: the service level, the named "
                            "contact, or the victim's preferences."
                        ]
                    }
                )
            return attrs

    def _care(self, request, case_id, party_id, action):
        case = victim_selectors.victim_care_case_get(
            actor=request.user, case_id=case_id, action=action
        )
        party = victim_selectors.victim_party_get(actor=request.user, case=case, party_id=party_id)
        return care_services.victim_care_ensure(actor=request.user, party=party)

    @extend_schema(responses={200: VictimCareOutputSerializer, **errors(401, 404)})
    def get(self, request, case_id, party_id):
        care = self._care(request, case_id, party_id, "welfare.victim_care.view")
        return self.with_etag(Response(VictimCareOutputSerializer(care).data), care.version)

    @extend_schema(
        request=InputSerializer,
        parameters=[IF_MATCH],
        responses={200: VictimCareOutputSerializer, **errors(400, 401, 403, 404, 412, 428)},
    )
    def patch(self, request, case_id, party_id):
        care = self._care(request, case_id, party_id, "welfare.victim_care.change")
        version = expected_version(request)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        reason = data.pop("reason", "")
        common = {"actor": request.user, "care": care, "expected_version": version}
        if _LEVEL_FIELDS & set(data):
            updated = care_services.victim_service_level_change(
                **common,
                service_level=data.get("service_level", care.service_level),
                enhanced_reason=data.get("enhanced_reason", ""),
                reason=reason,
            )
        elif "point_of_contact" in data:
            member = (
                member_list_for_casework(actor=request.user)
                .filter(user__username=data["point_of_contact"])
                .first()
            )
            updated = care_services.victim_point_of_contact_change(
                **common, point_of_contact=member.user if member else None, reason=reason
            )
        else:
            updated = care_services.victim_preferences_set(
                **common,
                wants_updates=data.get("wants_updates"),
                opt_out_note=data.get("opt_out_note"),
                spoken_for_by=data.get("spoken_for_by"),
                regular_update_working_days=data.get(
                    "regular_update_working_days", care_services.KEEP
                ),
                reason=reason,
            )
        updated = victim_selectors.victim_care_find(actor=request.user, party=care.party)
        return self.with_etag(Response(VictimCareOutputSerializer(updated).data), updated.version)


urlpatterns = [
    path("victim-updates/", VictimUpdateListApi.as_view(), name="victim-updates"),
    path("duties/", DutyListApi.as_view(), name="duty-list"),
    path("duties/<uuid:duty_id>/", DutyDetailApi.as_view(), name="duty-detail"),
    path(
        "duties/<uuid:duty_id>/log-contact/", DutyLogContactApi.as_view(), name="duty-log-contact"
    ),
    path(
        "cases/<uuid:case_id>/victims/<uuid:party_id>/care/",
        VictimCareApi.as_view(),
        name="victim-care",
    ),
]
