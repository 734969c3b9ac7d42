"""`GET /api/v1/cases/{id}/agencies/`: every agency's work on one case. Who holds
it and why (its owner, and each live grant with its reason, source and end), and
every referral about it by any agency that holds it, with purpose, receiver, state,
deadlines and outcome summary. Metadata only: never a disclosure."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import CaseNestedMixin, UserRefSerializer
from cases.models import CaseGrant, GrantSource
from common.api.schema import errors
from referrals.api.output import AgencySerializer, DeadlinesSerializer
from referrals.models import (
    CompletionOutcome,
    ReferralPurpose,
    ReferralState,
    ThresholdDecisionKind,
    Urgency,
)
from referrals.selectors.involvement import involvement_get
from referrals.views.display import inbox_due


@extend_schema_serializer(component_name="CaseHolderSource")
class HolderSourceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[("owner", "Owns the case"), *GrantSource.choices],
        help_text="owner; referral: granted on accepting a referral; named: granted by hand.",
    )
    referral_id = serializers.UUIDField(allow_null=True)
    label = serializers.CharField()  # type: ignore[assignment]


@extend_schema_serializer(component_name="CaseHolder")
class HolderSerializer(serializers.Serializer):
    agency = AgencySerializer()
    why = serializers.CharField(help_text="The grant's reason; for the owner, that it owns it.")
    source = HolderSourceSerializer()  # type: ignore[assignment]
    scope = serializers.ChoiceField(
        choices=[("whole_case", "The whole case"), ("parties", "The parties it names")]
    )
    granted_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the grant ends by itself unless renewed; null while it lasts "
        "until revoked (or, for a referral grant, until 20 working days after the "
        "referral is completed).",
    )


@extend_schema_serializer(component_name="CaseInvolvedReferral")
class InvolvedReferralSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    purpose = serializers.ChoiceField(choices=ReferralPurpose.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    from_agency = AgencySerializer()
    to_agency = AgencySerializer()
    state = serializers.ChoiceField(choices=ReferralState.choices)
    sent_at = serializers.DateTimeField(allow_null=True)
    deadlines = serializers.SerializerMethodField()
    next_due = serializers.SerializerMethodField()
    threshold_decision = serializers.SerializerMethodField(
        help_text=(
            "The threshold decision once every child's is recorded, when they all agree; "
            "null while any child is owed one, or when the children's decisions differ "
            "(see `threshold_decisions`)."
        )
    )
    threshold_decisions = serializers.SerializerMethodField(
        help_text="Each child's threshold decision (empty while owed), the soonest due first."
    )
    completed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.ChoiceField(choices=CompletionOutcome.choices, allow_blank=True)
    outcome_summary = serializers.CharField(allow_blank=True)

    @extend_schema_serializer(component_name="CaseInvolvedReferralNextDue")
    class NextDueSerializer(serializers.Serializer):
        label = serializers.CharField()  # type: ignore[assignment]
        at = serializers.DateTimeField(allow_null=True)

    def get_deadlines(self, referral) -> DeadlinesSerializer:
        return DeadlinesSerializer(referral).data  # type: ignore[return-value]

    def get_next_due(self, referral) -> NextDueSerializer(allow_null=True):  # type: ignore[valid-type]
        label, at = inbox_due(referral)
        return {"label": label, "at": at} if label else None

    def get_threshold_decision(self, referral) -> serializers.CharField(allow_null=True):  # type: ignore[valid-type]
        rows = list(referral.threshold_decisions.all())
        decisions = {row.decision for row in rows}
        if not rows or "" in decisions or len(decisions) != 1:
            return None
        return decisions.pop()

    @extend_schema_serializer(component_name="CaseInvolvedReferralThreshold")
    class ChildThresholdSerializer(serializers.Serializer):
        child = serializers.UUIDField(source="child_id")
        due_at = serializers.DateTimeField()
        decision = serializers.ChoiceField(choices=ThresholdDecisionKind.choices, allow_blank=True)
        decided_at = serializers.DateTimeField(allow_null=True)

    def get_threshold_decisions(self, referral) -> ChildThresholdSerializer(many=True):  # type: ignore[valid-type]
        return self.ChildThresholdSerializer(referral.threshold_decisions.all(), many=True).data


@extend_schema_serializer(component_name="CaseAgencies")
class CaseAgenciesSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    reference = serializers.CharField()
    lead_officer = UserRefSerializer(allow_null=True)
    holders = HolderSerializer(many=True)
    referrals = InvolvedReferralSerializer(many=True)


def _holder(grant: CaseGrant) -> dict:
    return {
        "agency": grant.agency,
        "why": grant.reason,
        "source": {
            "kind": grant.source_kind,
            "referral_id": grant.source_id if grant.source_kind == GrantSource.REFERRAL else None,
            "label": grant.source_label,
        },
        "scope": "parties" if grant.party_scoped else "whole_case",
        "granted_at": grant.granted_at,
        "expires_at": grant.expires_at,
    }


class CaseAgenciesApi(CaseNestedMixin, APIView):
    policy = {"GET": "cases.case.view"}

    @extend_schema(responses={200: CaseAgenciesSerializer, **errors(401, 403, 404)})
    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        involvement = involvement_get(actor=request.user, case=case)
        owner = {
            "agency": case.owning_agency,
            "why": "Owns the case.",
            "source": {"kind": "owner", "referral_id": None, "label": ""},
            "scope": "whole_case",
            "granted_at": None,
            "expires_at": None,
        }
        data = {
            "case": case.pk,
            "reference": case.reference,
            "lead_officer": case.lead_officer,
            "holders": [owner, *(_holder(grant) for grant in involvement.grants)],
            "referrals": involvement.referrals,
        }
        return Response(CaseAgenciesSerializer(data).data)


urlpatterns = [
    path("cases/<uuid:case_id>/agencies/", CaseAgenciesApi.as_view(), name="case-agencies"),
]
