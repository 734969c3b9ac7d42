"""Offences, contacts and key decisions of a case: nested lists and creates."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors
from cases.api.common import CaseNestedMixin, PartyField, PartyRefSerializer, UserRefSerializer
from cases.models import (
    ContactChannel,
    ContactDirection,
    ContactLog,
    KeyDecision,
    Offence,
    OffenceType,
)
from cases.services import records as record_services
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import errors
from common.errors import NotFound


@extend_schema_serializer(component_name="Offence")
class OffenceOutputSerializer(serializers.ModelSerializer):
    parties = PartyRefSerializer(source="visible_parties", many=True)

    class Meta:
        model = Offence
        fields = [
            "id",
            "offence_type",
            "description",
            "committed_from",
            "committed_to",
            "platform",
            "parties",
            "created_at",
        ]


class OffenceListCreateApi(CaseNestedMixin, APIView):
    policy = {"GET": "cases.case.view", "POST": "cases.offence.add"}

    @extend_schema_serializer(component_name="OffenceCreate")
    class InputSerializer(serializers.Serializer):
        offence_type = serializers.ChoiceField(choices=OffenceType.choices)
        description = serializers.CharField(max_length=300, required=False, allow_blank=True)
        committed_from = serializers.DateField()
        committed_to = serializers.DateField(required=False, allow_null=True)
        platform = serializers.CharField(max_length=200, required=False, allow_blank=True)
        parties = serializers.ListField(child=PartyField(), required=False, default=list)

    class Pagination(CursorPagination):
        ordering = ("committed_from", "created_at", "id")

    pagination_class = Pagination

    @extend_schema(responses={200: OffenceOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        return self.page_of(
            request, selectors.offence_list(actor=request.user, case=case), OffenceOutputSerializer
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: OffenceOutputSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        data = self.payload_for(request, case)
        offence = record_services.offence_add(actor=request.user, case=case, **data)
        offence = selectors.offence_list(actor=request.user, case=case).get(pk=offence.pk)
        return Response(OffenceOutputSerializer(offence).data, status=status.HTTP_201_CREATED)


@extend_schema_serializer(component_name="Contact")
class ContactOutputSerializer(serializers.ModelSerializer):
    party = PartyRefSerializer()
    made_by = UserRefSerializer()

    class Meta:
        model = ContactLog
        fields = [
            "id",
            "party",
            "contacted_at",
            "channel",
            "direction",
            "made_by",
            "summary",
            "next_contact_on",
            "next_contact_note",
            "created_at",
        ]


class ContactListCreateApi(CaseNestedMixin, APIView):
    policy = {"GET": "cases.case.view", "POST": "cases.contact.add"}

    @extend_schema_serializer(component_name="ContactCreate")
    class InputSerializer(serializers.Serializer):
        party = PartyField()
        channel = serializers.ChoiceField(choices=ContactChannel.choices)
        direction = serializers.ChoiceField(
            choices=ContactDirection.choices, required=False, default=ContactDirection.OUTBOUND
        )
        contacted_at = serializers.DateTimeField(required=False, help_text="Defaults to now.")
        summary = serializers.CharField()
        next_contact_on = serializers.DateField(required=False, allow_null=True)
        next_contact_note = serializers.CharField(max_length=200, required=False, allow_blank=True)

    class Pagination(CursorPagination):
        ordering = ("-contacted_at", "-id")

    pagination_class = Pagination

    @extend_schema(responses={200: ContactOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        return self.page_of(
            request, selectors.contact_list(actor=request.user, case=case), ContactOutputSerializer
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: ContactOutputSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        data = self.payload_for(request, case)
        contact = record_services.contact_log(actor=request.user, case=case, **data)
        return Response(ContactOutputSerializer(contact).data, status=status.HTTP_201_CREATED)


@extend_schema_serializer(component_name="Decision")
class DecisionOutputSerializer(serializers.ModelSerializer):
    decided_by = UserRefSerializer()
    corrects = serializers.UUIDField(source="corrects_id", allow_null=True)
    corrected_by = serializers.SerializerMethodField()

    class Meta:
        model = KeyDecision
        fields = [
            "id",
            "decision",
            "rationale",
            "decided_by",
            "decided_at",
            "corrects",
            "corrected_by",
            "created_at",
        ]

    def get_corrected_by(self, decision: KeyDecision) -> str | None:
        correction = getattr(decision, "corrected_by", None)
        return str(correction.pk) if correction else None


class DecisionListCreateApi(CaseNestedMixin, APIView):
    policy = {"GET": "cases.case.view", "POST": "cases.decision.add"}

    @extend_schema_serializer(component_name="DecisionCreate")
    class InputSerializer(serializers.Serializer):
        decision = serializers.CharField()
        rationale = serializers.CharField()
        decided_at = serializers.DateTimeField(required=False, help_text="Defaults to now.")
        corrects = serializers.UUIDField(
            required=False, allow_null=True, help_text="The decision this one corrects."
        )

    class Pagination(CursorPagination):
        ordering = ("-decided_at", "-id")

    pagination_class = Pagination

    @extend_schema(responses={200: DecisionOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        return self.page_of(
            request,
            selectors.decision_list(actor=request.user, case=case),
            DecisionOutputSerializer,
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: DecisionOutputSerializer, **errors(400, 401, 403, 404, 409, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if data.get("corrects"):
            try:
                data["corrects"] = selectors.decision_get_for_actor(
                    actor=request.user, case=case, decision_id=data["corrects"]
                )
            except NotFound as exc:
                raise serializers.ValidationError(
                    {"corrects": ["Choose a decision of this case."]}
                ) from exc
        decision = record_services.decision_record(actor=request.user, case=case, **data)
        return Response(DecisionOutputSerializer(decision).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("cases/<uuid:case_id>/offences/", OffenceListCreateApi.as_view(), name="case-offences"),
    path("cases/<uuid:case_id>/contacts/", ContactListCreateApi.as_view(), name="case-contacts"),
    path("cases/<uuid:case_id>/decisions/", DecisionListCreateApi.as_view(), name="case-decisions"),
]
