"""One intake item (its reports, identifiers, triage factors and the cases of the
force it could be attached to) and its one decision: open a case, attach to a case,
pass to another force, or no further action (intake.services.decisions)."""

from typing import Any
from uuid import UUID

from django.urls import URLPattern, path, reverse
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency
from cases.models import IdentifierKind
from cases.selectors import case_get_for_actor
from common.api.fields import optional_text
from common.api.idempotency import idempotent_create
from common.api.schema import errors
from intake.api.queue import STATE_HELP, QueueItemSerializer
from intake.models import IncidentType, IntakeDecision, IntakeItem, ReportSource
from intake.selectors.items import (
    attach_suggestions,
    item_case_proposal,
    item_get_for_actor,
    item_reports,
    pass_force_choices,
)
from intake.services.decisions import (
    item_attach,
    item_no_further_action,
    item_open_case,
    item_pass_to_force,
)

# --- What an item answers with

_KINDS_HELP = "One of: " + ", ".join(IdentifierKind.values) + "."
_DECISION_HELP = "Empty until decided; then one of: " + ", ".join(IntakeDecision.values) + "."


@extend_schema_serializer(component_name="IntakeTriageFactor")
class TriageFactorSerializer(serializers.Serializer):
    factor = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    weight = serializers.IntegerField()
    value = serializers.JSONField(help_text="What the reports said; null: not known.")
    points = serializers.IntegerField()


@extend_schema_serializer(component_name="IntakeIdentifier")
class IdentifierSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_KINDS_HELP)
    value = serializers.CharField(help_text="Normalised: what every match compares.")
    given = serializers.CharField(help_text="As the report gave it.")
    platform = serializers.CharField()
    seen_at = serializers.DateTimeField(allow_null=True)
    port = serializers.IntegerField(allow_null=True)


@extend_schema_serializer(component_name="IntakeChild")
class ChildSerializer(serializers.Serializer):
    estimated_age = serializers.IntegerField(allow_null=True, required=False)
    location = serializers.CharField(required=False)


@extend_schema_serializer(component_name="IntakeIndicators")
class IndicatorsSerializer(serializers.Serializer):
    child_at_imminent_risk = serializers.BooleanField(allow_null=True)
    sextortion = serializers.BooleanField(allow_null=True)
    self_harm = serializers.BooleanField(allow_null=True)
    meeting_arranged = serializers.BooleanField(allow_null=True)
    contact_offending = serializers.BooleanField(allow_null=True)
    suspect_has_access_to_children = serializers.BooleanField(allow_null=True)


@extend_schema_serializer(component_name="IntakeItemReport")
class ReportSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    source = serializers.ChoiceField(choices=ReportSource.choices)  # type: ignore[assignment]
    source_report_id = serializers.CharField()
    package_reference = serializers.CharField()
    received_at = serializers.DateTimeField()
    incident_at = serializers.DateTimeField(allow_null=True)
    service_provider = serializers.CharField()
    incident_type = serializers.ChoiceField(choices=IncidentType.choices)
    indicators = IndicatorsSerializer(help_text="Each null: the provider did not say.")
    files_total = serializers.IntegerField(allow_null=True)
    files_viewed_by_provider = serializers.IntegerField(allow_null=True)
    files_hash_matched = serializers.IntegerField(allow_null=True)
    children = ChildSerializer(many=True)
    youngest_age = serializers.IntegerField(allow_null=True)
    country = serializers.CharField()
    postcode = serializers.CharField()
    area = serializers.CharField()
    identifiers = IdentifierSerializer(many=True)


@extend_schema_serializer(component_name="IntakeCaseRef")
class CaseRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    title = serializers.CharField()


@extend_schema_serializer(component_name="IntakeAttachSuggestion")
class SuggestionSerializer(serializers.Serializer):
    case = CaseRefSerializer()
    matched_kinds = serializers.ListField(child=serializers.CharField(), help_text=_KINDS_HELP)


@extend_schema_serializer(component_name="IntakeAgencyRef")
class AgencyRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="IntakeProposedParty")
class ProposedPartySerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Name it in `parties` to record this party.")
    role = serializers.CharField()
    description = serializers.CharField()
    estimated_age = serializers.IntegerField(allow_null=True)
    identifiers = IdentifierSerializer(many=True)


@extend_schema_serializer(component_name="IntakeItemDecision")
class DecisionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    state = serializers.CharField(help_text=STATE_HELP)
    decision = serializers.CharField(help_text=_DECISION_HELP)
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.CharField(allow_null=True, help_text="A username.")
    decision_reason = serializers.CharField()
    case = CaseRefSerializer(allow_null=True)
    passed_to = AgencyRefSerializer(allow_null=True)


@extend_schema_serializer(component_name="IntakeItem")
class ItemSerializer(QueueItemSerializer):
    decision = serializers.CharField(help_text=_DECISION_HELP)
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.CharField(allow_null=True, help_text="A username.")
    decision_reason = serializers.CharField()
    case = CaseRefSerializer(allow_null=True)
    passed_to = AgencyRefSerializer(allow_null=True)
    preservation_reference = serializers.CharField()
    triage_factors = TriageFactorSerializer(many=True)
    reports = ReportSerializer(many=True)
    attach_suggestions = SuggestionSerializer(many=True)
    proposed_title = serializers.CharField(help_text="The title `open-case` uses when given none.")
    proposed_parties = ProposedPartySerializer(
        many=True, help_text="The parties `open-case` records unless `parties` names fewer."
    )


_INDICATORS: tuple[str, ...] = (
    "child_at_imminent_risk",
    "sextortion",
    "self_harm",
    "meeting_arranged",
    "contact_offending",
    "suspect_has_access_to_children",
)
_QUEUE_FIELDS: tuple[str, ...] = (
    "state",
    "level",
    "agency_grade",
    "band",
    "triage_score",
    "action_due_at",
    "preservation_due_at",
    "preservation_sent_at",
    "report_count",
    "youngest_age",
    "received_at",
)
_REPORT_FIELDS: tuple[str, ...] = (
    "id",
    "source",
    "source_report_id",
    "package_reference",
    "received_at",
    "incident_at",
    "service_provider",
    "incident_type",
    "files_total",
    "files_viewed_by_provider",
    "files_hash_matched",
    "children",
    "youngest_age",
    "country",
    "postcode",
    "area",
)


def _case_ref(case: Any) -> dict[str, Any] | None:
    if case is None:
        return None
    return {"id": case.pk, "reference": case.reference, "title": case.title}


def _agency_ref(agency: Agency | None) -> dict[str, Any] | None:
    return None if agency is None else {"slug": agency.slug, "name": agency.name}


def _identifier(row: Any) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "value": row.value,
        "given": row.given,
        "platform": row.platform,
        "seen_at": row.seen_at,
        "port": row.port,
    }


def _decision(item: IntakeItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "state": item.state,
        "decision": item.decision,
        "decided_at": item.decided_at,
        "decided_by": item.decided_by.get_username() if item.decided_by else None,
        "decision_reason": item.decision_reason,
        "case": _case_ref(item.case),
        "passed_to": _agency_ref(item.passed_to),
    }


def item_body(request, item: IntakeItem) -> dict[str, Any]:
    reports = item_reports(actor=request.user, item=item)
    proposal = item_case_proposal(item=item, reports=reports)
    body: dict[str, Any] = {name: getattr(item, name) for name in _QUEUE_FIELDS}
    body.update(_decision(item))
    body.update(
        {
            "preservation_reference": item.preservation_reference,
            "triage_factors": [
                {
                    "factor": factor.get("factor", ""),
                    "label": factor.get("label", ""),
                    "weight": factor.get("weight", 0),
                    "value": factor.get("value"),
                    "points": factor.get("points", 0),
                }
                for factor in (item.triage_factors or [])
                if isinstance(factor, dict)
            ],
            "reports": [
                {
                    **{name: getattr(entry.report, name) for name in _REPORT_FIELDS},
                    "indicators": {name: getattr(entry.report, name) for name in _INDICATORS},
                    "identifiers": [_identifier(row) for row in entry.identifiers],
                }
                for entry in reports
            ],
            "attach_suggestions": [
                {"case": _case_ref(found.case), "matched_kinds": found.matched_kinds}
                for found in attach_suggestions(actor=request.user, item=item, reports=reports)
            ],
            "proposed_title": proposal.title,
            "proposed_parties": [
                {
                    "key": party.key,
                    "role": party.role,
                    "description": party.description,
                    "estimated_age": party.estimated_age,
                    "identifiers": [_identifier(row) for row in party.identifiers],
                }
                for party in proposal.parties
            ],
        }
    )
    return body


class IntakeItemApi(APIView):
    policy = {"GET": "intake.item.view"}

    @extend_schema(responses={200: ItemSerializer, **errors(401, 404)})
    def get(self, request, item_id: UUID):
        """One item of the caller's force: its reports and their identifiers, each
        triage factor with its weight and points, and the open cases of the force
        that hold one of its identifiers."""
        item = item_get_for_actor(actor=request.user, item_id=item_id)
        return Response(ItemSerializer(item_body(request, item)).data)


class _DecisionApi(APIView):
    policy = {"POST": "intake.item.decide"}

    def item(self, request, item_id: UUID) -> IntakeItem:
        return item_get_for_actor(
            actor=request.user, item_id=item_id, action="intake.item.decide", log=False
        )

    def decided(self, item_id: UUID, request, code: int = 200):
        item = item_get_for_actor(actor=request.user, item_id=item_id, log=False)
        return Response(DecisionSerializer(_decision(item)).data, status=code)


class ItemOpenCaseApi(_DecisionApi):
    @extend_schema_serializer(component_name="IntakeOpenCase")
    class InputSerializer(serializers.Serializer):
        title = optional_text(max_length=200, help_text="Left out: the proposed title.")
        summary = optional_text()
        reason = optional_text(max_length=2000)
        parties = serializers.ListField(
            child=serializers.CharField(max_length=40),
            required=False,
            help_text="The keys of the proposed parties to record; left out: all of them.",
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: DecisionSerializer, **errors(400, 401, 403, 404, 409, 422)},
    )
    @idempotent_create
    def post(self, request, item_id: UUID):
        """Open a case from the item, with its parties and identifiers filled in:
        each apparent child as a victim, the account holder as a suspect carrying
        the reported identifiers, and the case holding every report's number."""
        item = self.item(request, item_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        proposal = item_case_proposal(
            item=item, reports=item_reports(actor=request.user, item=item)
        )
        keys = data.get("parties")
        if keys is not None:
            unknown = sorted(set(keys) - {party.key for party in proposal.parties})
            if unknown:
                raise serializers.ValidationError(
                    {"parties": [f"Not a proposed party: {', '.join(unknown)}."]}
                )
        case = item_open_case(
            actor=request.user,
            item=item,
            title=data["title"] or proposal.title,
            summary=data["summary"],
            reason=data["reason"],
            parties=proposal.parties_chosen(keys),
        )
        response = self.decided(item_id, request, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:case-detail", args=[case.pk])
        return response


class ItemAttachApi(_DecisionApi):
    @extend_schema_serializer(component_name="IntakeAttach")
    class InputSerializer(serializers.Serializer):
        case = serializers.UUIDField(help_text="An open case of your force you may change.")
        reason = optional_text(max_length=2000)

    @extend_schema(
        request=InputSerializer,
        responses={200: DecisionSerializer, **errors(400, 401, 403, 404, 409, 422)},
    )
    @idempotent_create
    def post(self, request, item_id: UUID):
        """Attach the item to a case of the force: the reports' identifiers and
        numbers are copied to the case. A case the caller cannot see is 404."""
        item = self.item(request, item_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        case = case_get_for_actor(
            actor=request.user,
            case_id=payload.validated_data["case"],
            action="cases.case.change",
            log=False,
        )
        item_attach(
            actor=request.user, item=item, case=case, reason=payload.validated_data["reason"]
        )
        return self.decided(item_id, request)


class ItemPassApi(_DecisionApi):
    @extend_schema_serializer(component_name="IntakePass")
    class InputSerializer(serializers.Serializer):
        agency = serializers.SlugField(help_text="The slug of another police force.")
        reason = serializers.CharField(max_length=2000)

    @extend_schema(
        request=InputSerializer,
        responses={200: DecisionSerializer, **errors(400, 401, 403, 404, 409, 422)},
    )
    @idempotent_create
    def post(self, request, item_id: UUID):
        """Pass the item to another police force; its supervisors are told that a
        referral was passed to them, and nothing more."""
        item = self.item(request, item_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        agency = (
            pass_force_choices(actor=request.user)
            .filter(slug=payload.validated_data["agency"])
            .first()
        )
        item_pass_to_force(
            actor=request.user, item=item, agency=agency, reason=payload.validated_data["reason"]
        )
        return self.decided(item_id, request)


class ItemNoFurtherActionApi(_DecisionApi):
    @extend_schema_serializer(component_name="IntakeNoFurtherAction")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000)

    @extend_schema(
        request=InputSerializer,
        responses={200: DecisionSerializer, **errors(400, 401, 403, 404, 409, 422)},
    )
    @idempotent_create
    def post(self, request, item_id: UUID):
        """Take no further action on the item, with the reason."""
        item = self.item(request, item_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        item_no_further_action(
            actor=request.user, item=item, reason=payload.validated_data["reason"]
        )
        return self.decided(item_id, request)


urlpatterns: list[URLPattern] = [
    path("intake/items/<uuid:item_id>/", IntakeItemApi.as_view(), name="intake-item"),
    path(
        "intake/items/<uuid:item_id>/open-case/",
        ItemOpenCaseApi.as_view(),
        name="intake-item-open-case",
    ),
    path("intake/items/<uuid:item_id>/attach/", ItemAttachApi.as_view(), name="intake-item-attach"),
    path("intake/items/<uuid:item_id>/pass/", ItemPassApi.as_view(), name="intake-item-pass"),
    path(
        "intake/items/<uuid:item_id>/no-further-action/",
        ItemNoFurtherActionApi.as_view(),
        name="intake-item-no-further-action",
    ),
]
