"""Offences, contacts and key decisions of a case: nested lists and creates."""

from django.urls import path
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from cases import selectors
from cases.api.common import CaseRecordsApi, PartyField, PartyRefSerializer, UserRefSerializer
from cases.models import (
    ContactChannel,
    ContactDirection,
    ContactLog,
    KeyDecision,
    Offence,
    OffenceType,
)
from cases.services import records as record_services
from common.api.pagination import CursorPagination
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


class OffenceListCreateApi(CaseRecordsApi):
    policy = {"GET": "cases.case.view", "POST": "cases.offence.add"}
    output_serializer = OffenceOutputSerializer

    @extend_schema_serializer(component_name="OffenceCreate")
    class InputSerializer(serializers.Serializer):
        offence_type = serializers.ChoiceField(choices=OffenceType.choices)
        description = serializers.CharField(max_length=300, required=False, allow_blank=True)
        committed_from = serializers.DateField()
        committed_to = serializers.DateField(required=False, allow_null=True)
        platform = serializers.CharField(max_length=200, required=False, allow_blank=True)
        parties = serializers.ListField(child=PartyField(), required=False, default=list)

    pagination_class = CursorPagination.ordered_by("committed_from", "created_at", "id")

    def records(self, request, case):
        return selectors.offence_list(actor=request.user, case=case)

    def record(self, request, case, data):
        offence = record_services.offence_add(actor=request.user, case=case, **data)
        # Read back through the selector: the parties it names are those the caller may see.
        return self.records(request, case).get(pk=offence.pk)


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


@extend_schema_serializer(component_name="ContactUpdateMet")
class ContactUpdateMetSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The duty met.")
    reason = serializers.CharField(source="label", help_text="Why it was owed.")
    told_about = serializers.CharField(help_text="The event the contact told of.")


@extend_schema_serializer(component_name="ContactCreated")
class ContactCreatedOutputSerializer(ContactOutputSerializer):
    updates_met = ContactUpdateMetSerializer(
        many=True, help_text="The updates owed to the person that this contact met."
    )
    told_about = serializers.SerializerMethodField(
        help_text=(
            "What the contact told them of: 'arrested on 3 November 2026; released on "
            "pre-charge bail on 4 November 2026'; empty when it met no update."
        )
    )

    class Meta(ContactOutputSerializer.Meta):
        fields = [*ContactOutputSerializer.Meta.fields, "updates_met", "told_about"]

    def get_told_about(self, contact) -> str:
        return "; ".join(update.told_about for update in getattr(contact, "updates_met", []))


class ContactListCreateApi(CaseRecordsApi):
    policy = {"GET": "cases.case.view", "POST": "cases.contact.add"}
    output_serializer = ContactOutputSerializer

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
        duties = serializers.ListField(
            child=serializers.UUIDField(),
            required=False,
            default=list,
            max_length=50,
            help_text=(
                "The updates owed to this person that the contact meets (one call telling "
                "a victim of the arrest and the release meets both): ids of open victim "
                "updates of this party. All are met or none: any other answers 400 on "
                "`duties`, with nothing stored."
            ),
        )

    pagination_class = CursorPagination.ordered_by("-contacted_at", "-id")
    create_responses = {201: ContactCreatedOutputSerializer}

    def records(self, request, case):
        return selectors.contact_list(actor=request.user, case=case)

    def record(self, request, case, data):
        return record_services.contact_log(actor=request.user, case=case, **data)

    def created(self, record):
        return Response(ContactCreatedOutputSerializer(record).data, status=status.HTTP_201_CREATED)


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


class DecisionListCreateApi(CaseRecordsApi):
    policy = {"GET": "cases.case.view", "POST": "cases.decision.add"}
    output_serializer = DecisionOutputSerializer
    create_errors = (400, 401, 403, 404, 409, 422)

    @extend_schema_serializer(component_name="DecisionCreate")
    class InputSerializer(serializers.Serializer):
        decision = serializers.CharField()
        rationale = serializers.CharField()
        decided_at = serializers.DateTimeField(required=False, help_text="Defaults to now.")
        corrects = serializers.UUIDField(
            required=False, allow_null=True, help_text="The decision this one corrects."
        )

    pagination_class = CursorPagination.ordered_by("-decided_at", "-id")

    def records(self, request, case):
        return selectors.decision_list(actor=request.user, case=case)

    def record(self, request, case, data):
        if data.get("corrects"):
            try:
                data["corrects"] = selectors.decision_get_for_actor(
                    actor=request.user, case=case, decision_id=data["corrects"]
                )
            except NotFound as exc:
                raise serializers.ValidationError(
                    {"corrects": ["Choose a decision of this case."]}
                ) from exc
        return record_services.decision_record(actor=request.user, case=case, **data)


urlpatterns = [
    path("cases/<uuid:case_id>/offences/", OffenceListCreateApi.as_view(), name="case-offences"),
    path("cases/<uuid:case_id>/contacts/", ContactListCreateApi.as_view(), name="case-contacts"),
    path("cases/<uuid:case_id>/decisions/", DecisionListCreateApi.as_view(), name="case-decisions"),
]
