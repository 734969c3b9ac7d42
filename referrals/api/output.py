"""How a referral is shown, by side.

The sending agency sees its referral with the live fields it chose (the case, the
parties and fields, the lawful basis) and, once sent, the disclosure. The
receiving agency sees only the disclosure snapshot fixed at send, with the
referral's state, deadlines, events, each child's threshold decision and outcome: never the
case's id or anything read live from the case (DESIGN.md, access model)."""

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response

from cases.api.common import UserRefSerializer
from cases.models import PartyRole
from cases.selectors import visible_parties
from common.api.concurrency import etag_for
from referrals import selectors
from referrals.models import (
    CompletionOutcome,
    ConsentStatus,
    LawfulBasis,
    Referral,
    ReferralEvent,
    ReferralPurpose,
    ReferralState,
    SensitiveCondition,
    ThresholdDecision,
    ThresholdDecisionKind,
    Urgency,
)
from referrals.models.threshold import THRESHOLD_ORDER
from referrals.selectors.sides import RECEIVER, SENDER, referral_side_require
from referrals.selectors.threshold import threshold_child_names
from safeguarding.models import FlagKind, SharedLevel


@extend_schema_serializer(component_name="ReferralAgency")
class AgencySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="ReferralTeam")
class TeamSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="ReferralDeadlines")
class DeadlinesSerializer(serializers.Serializer):
    """Every due moment is stored when it is set (17:00 Europe/London on the due
    working day)."""

    decision_due_at = serializers.DateTimeField(
        allow_null=True,
        help_text="Accept or decline by: same working day (immediate), 1 (urgent), 3 (routine).",
    )
    threshold_due_at = serializers.DateTimeField(
        allow_null=True,
        help_text=(
            "A safeguarding or strategy referral to the hub or children's services: the "
            "threshold decision within 1 working day of being sent, for each child; the "
            "earliest deadline of a child still owed one (of all its children once none is)."
        ),
    )
    victim_support_due_at = serializers.DateTimeField(
        allow_null=True,
        help_text=(
            "A victim-support referral: within 2 working days of the crime being recorded "
            "(Victims' Code), unless the victim declined."
        ),
    )
    stale_at = serializers.DateTimeField(
        allow_null=True, help_text="An accepted referral with no update by then is stale."
    )
    last_update_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="ReferralEvent")
class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField(help_text="The move: sent, accepted, progress_note, ...")
    from_state = serializers.ChoiceField(choices=ReferralState.choices, allow_blank=True)
    to_state = serializers.ChoiceField(choices=ReferralState.choices)
    by = UserRefSerializer()
    by_agency = AgencySerializer()
    note = serializers.CharField()


@extend_schema_serializer(component_name="ReferralThresholdDecision")
class ThresholdDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ThresholdDecisionKind.choices)
    rationale = serializers.CharField()
    decided_by = UserRefSerializer()
    decided_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="ReferralChildThresholdDecision")
class ChildThresholdDecisionSerializer(serializers.Serializer):
    """One child's threshold decision: owed (`decided_at` null) or recorded."""

    child = serializers.UUIDField(
        source="child_id", help_text="The child's party id, as the disclosure lists it."
    )
    child_name = serializers.SerializerMethodField(
        help_text="The child as the disclosure names them."
    )
    due_at = serializers.DateTimeField(help_text="1 working day from the referral being sent.")
    decision = serializers.ChoiceField(
        choices=ThresholdDecisionKind.choices, allow_blank=True, help_text="Empty while owed."
    )
    rationale = serializers.CharField(allow_blank=True)
    decided_by = UserRefSerializer(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_child_name(self, row) -> str:
        return self.context.get("names", {}).get(str(row.child_id), "A child")


@extend_schema_serializer(component_name="ReferralConsent")
class ConsentSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ConsentStatus.choices, allow_blank=True)
    given_on = serializers.DateField(allow_null=True)
    how = serializers.CharField()
    given_by = serializers.CharField(help_text="The person, or for a child, the parent.")
    reason = serializers.CharField(help_text="Why consent was not sought, or what was said.")


# --- The disclosure snapshot, as `referrals.disclosure.disclosure_build` fixes it.
# These serializers document its shape; the snapshot itself is returned unchanged.


@extend_schema_serializer(component_name="DisclosureSender")
class DisclosureSenderSerializer(serializers.Serializer):
    full_name = serializers.CharField()


@extend_schema_serializer(component_name="DisclosedParty")
class DisclosedPartySerializer(serializers.Serializer):
    party_id = serializers.UUIDField()
    role = serializers.ChoiceField(choices=PartyRole.choices)
    role_label = serializers.CharField()
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        help_text=(
            "Only the fields the referrer chose to share, by name, as they were when it "
            "was sent: first_name, last_name, aliases, date_of_birth, age, gender, address, "
            "phone, email, safe_to_phone, safe_to_write, safe_to_visit, preferred_channel, "
            "preferred_times, safe_contact_notes, language, interpreter_needed, adjustments."
        ),
    )


@extend_schema_serializer(component_name="DisclosedRisk")
class DisclosedRiskSerializer(serializers.Serializer):
    shared_level = serializers.ChoiceField(choices=SharedLevel.choices)
    sender_grade = serializers.CharField(
        allow_blank=True, help_text="The level in the sending agency's own scale."
    )


@extend_schema_serializer(component_name="DisclosedFlag")
class DisclosedFlagSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FlagKind.choices)
    label = serializers.CharField()  # type: ignore[assignment]
    person = serializers.CharField(help_text="Who the flag is about, named as shared.")
    party_id = serializers.UUIDField()
    reason = serializers.CharField()


@extend_schema_serializer(component_name="DisclosedDocument")
class DisclosedDocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField(help_text="Detected from the file's content.")
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


@extend_schema_serializer(component_name="Disclosure")
class DisclosureSerializer(serializers.Serializer):
    sent_at = serializers.DateTimeField()
    from_agency = AgencySerializer()
    to_agency = AgencySerializer()
    to_team = serializers.CharField(allow_null=True, help_text="The team's name, if one.")
    sender = DisclosureSenderSerializer()
    purpose = serializers.ChoiceField(choices=ReferralPurpose.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    case_reference = serializers.CharField()
    summary = serializers.CharField()
    parties = DisclosedPartySerializer(many=True)
    risk = DisclosedRiskSerializer(allow_null=True, help_text="Null when not shared.")
    flags = DisclosedFlagSerializer(many=True, help_text="Empty when not shared.")
    lawful_basis = serializers.ChoiceField(choices=LawfulBasis.choices)
    sensitive_condition = serializers.ChoiceField(choices=SensitiveCondition.choices)
    consent = ConsentSerializer()
    suspect_details_reason = serializers.CharField(
        help_text="Why a victim-support charity is told about a suspect, when it is."
    )
    documents = DisclosedDocumentSerializer(
        many=True,
        required=False,
        help_text=(
            "The documents shared with the disclosure, fixed when it was sent; each is "
            "downloaded from `/api/v1/referrals/{id}/documents/{document}/download/`. "
            "Absent from referrals sent before documents could be shared."
        ),
    )


# --- The two sides' views.


def _threshold_rows(referral: Referral) -> list:
    # A referral that takes no threshold decision has none to read: no query.
    if referral.threshold_due_at is None:
        return []
    return list(referral.threshold_decisions.all())


class _ReferralBase(serializers.Serializer):
    """What both sides see: the referral's own state, never the live case."""

    id = serializers.UUIDField()
    side = serializers.SerializerMethodField(
        help_text="`sender` or `receiver`: which side of the referral the caller's agency is."
    )
    state = serializers.ChoiceField(choices=ReferralState.choices)
    purpose = serializers.ChoiceField(choices=ReferralPurpose.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    from_agency = AgencySerializer()
    to_agency = AgencySerializer()
    to_team = TeamSerializer(allow_null=True)
    disclosure = serializers.SerializerMethodField(
        help_text="The immutable snapshot fixed when the referral was sent; null before."
    )
    sent_at = serializers.DateTimeField(allow_null=True)
    deadlines = serializers.SerializerMethodField()
    owner = UserRefSerializer(
        allow_null=True, help_text="The receiver's named contact, once accepted."
    )
    decided_at = serializers.DateTimeField(allow_null=True)
    decline_reason = serializers.CharField()
    return_question = serializers.CharField()
    return_answer = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.ChoiceField(choices=CompletionOutcome.choices, allow_blank=True)
    outcome_summary = serializers.CharField(help_text="The feedback to the referrer.")
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdraw_reason = serializers.CharField()
    threshold_decision = serializers.SerializerMethodField(
        help_text=(
            "The threshold decision of a referral about one child, once recorded; null "
            "otherwise (a referral about several children: see `threshold_decisions`)."
        )
    )
    threshold_decisions = serializers.SerializerMethodField(
        help_text="Each child's threshold decision, owed or recorded, the soonest due first."
    )
    events = serializers.SerializerMethodField(help_text="Every move, oldest first.")
    version = serializers.IntegerField()

    side_name = ""

    @extend_schema_field(OpenApiTypes.STR)
    def get_side(self, referral: Referral) -> str:
        return self.side_name

    @extend_schema_field(DisclosureSerializer(allow_null=True))
    def get_disclosure(self, referral: Referral) -> dict | None:
        return referral.disclosure

    @extend_schema_field(DeadlinesSerializer)
    def get_deadlines(self, referral: Referral) -> dict:
        return DeadlinesSerializer(referral).data

    @extend_schema_field(ThresholdDecisionSerializer(allow_null=True))
    def get_threshold_decision(self, referral: Referral) -> dict | None:
        rows = _threshold_rows(referral)
        if len(rows) != 1 or rows[0].decided_at is None:
            return None
        return ThresholdDecisionSerializer(rows[0]).data

    @extend_schema_field(ChildThresholdDecisionSerializer(many=True))
    def get_threshold_decisions(self, referral: Referral) -> list[dict]:
        rows = _threshold_rows(referral)
        names = threshold_child_names(referral) if rows else {}
        return ChildThresholdDecisionSerializer(  # type: ignore[return-value]  # many: a list
            rows, many=True, context={"names": names}
        ).data

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, referral: Referral) -> list[dict]:
        return EventSerializer(referral.events.all(), many=True).data  # type: ignore[return-value]


@extend_schema_serializer(component_name="ReceivedReferral")
class ReceivedReferralSerializer(_ReferralBase):
    """The receiving agency's view: the disclosure, and the referral's own progress."""

    side_name = RECEIVER

    # One value per view, so that `side` tells the two apart for a schema validator
    # too (the discriminator alone is only a hint: oneOf needs exactly one match).
    @extend_schema_field({"type": "string", "enum": [RECEIVER]})
    def get_side(self, referral: Referral) -> str:
        return super().get_side(referral)


@extend_schema_serializer(component_name="ReferralPartyShared")
class SharedPartySerializer(serializers.Serializer):
    party = serializers.UUIDField(source="id")
    role = serializers.ChoiceField(choices=PartyRole.choices)
    full_name = serializers.CharField(source="person.full_name")
    fields = serializers.SerializerMethodField(  # type: ignore[assignment]
        method_name="get_shared_fields", help_text="The fields chosen to share."
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_shared_fields(self, party) -> list[str]:
        return list(self.context["shared_fields"].get(str(party.id), []))


@extend_schema_serializer(component_name="SentReferral")
class SentReferralSerializer(_ReferralBase):
    """The sending agency's view: the referral with its live choices."""

    side_name = SENDER

    @extend_schema_field({"type": "string", "enum": [SENDER]})
    def get_side(self, referral: Referral) -> str:
        return super().get_side(referral)

    case = serializers.UUIDField(source="case_id")
    case_reference = serializers.CharField(source="case.reference")
    created_by = UserRefSerializer()
    parties = serializers.SerializerMethodField(
        help_text="The parties chosen to share (those the caller may see), with their fields."
    )
    summary_for_receiver = serializers.CharField()
    share_risk = serializers.BooleanField()
    share_flags = serializers.BooleanField()
    suspect_details_reason = serializers.CharField()
    lawful_basis = serializers.ChoiceField(choices=LawfulBasis.choices, allow_blank=True)
    sensitive_condition = serializers.ChoiceField(
        choices=SensitiveCondition.choices, allow_blank=True
    )
    consent = serializers.SerializerMethodField()
    sent_by = UserRefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(SharedPartySerializer(many=True))
    def get_parties(self, referral: Referral) -> list[dict]:
        parties = getattr(referral, "visible_parties", None)
        if parties is None:
            parties = referral.parties.none()
        return SharedPartySerializer(  # type: ignore[return-value]  # many=True: a list
            parties, many=True, context={"shared_fields": referral.shared_fields or {}}
        ).data

    @extend_schema_field(ConsentSerializer)
    def get_consent(self, referral: Referral) -> dict:
        return {
            "status": referral.consent_status,
            "given_on": referral.consent_given_on,
            "how": referral.consent_how,
            "given_by": referral.consent_given_by,
            "reason": referral.consent_reason,
        }


REFERRAL_VIEW = PolymorphicProxySerializer(
    component_name="Referral",
    serializers={SENDER: SentReferralSerializer, RECEIVER: ReceivedReferralSerializer},
    resource_type_field_name="side",
    many=False,
)
REFERRAL_VIEWS = PolymorphicProxySerializer(
    component_name="Referral",
    serializers={SENDER: SentReferralSerializer, RECEIVER: ReceivedReferralSerializer},
    resource_type_field_name="side",
    many=True,
)


def _related_prefetches(actor) -> list[Prefetch]:
    """The events, and the parties narrowed to those the caller may see, in the
    query; the parties are shown to the sending side only."""
    return [
        Prefetch(
            "events",
            queryset=ReferralEvent.objects.select_related("by", "by_agency").order_by("at", "id"),
        ),
        Prefetch(
            "parties",
            queryset=visible_parties(actor).select_related("person").order_by("created_at", "id"),
            to_attr="visible_parties",
        ),
    ]


def threshold_decisions_prefetch(referrals: Iterable[Referral]) -> None:
    """Each child's decision, for the referrals that take them, in one query; none
    when none on the page does (a charity's inbox costs what it did)."""
    owed = [referral for referral in referrals if referral.threshold_due_at is not None]
    if owed:
        prefetch_related_objects(
            owed,
            Prefetch(
                "threshold_decisions",
                queryset=ThresholdDecision.objects.select_related("decided_by").order_by(
                    *THRESHOLD_ORDER
                ),
            ),
        )


def with_related(
    actor, referrals: QuerySet[Referral], related: tuple[str, ...] = selectors.REFERRAL_RELATED
) -> QuerySet[Referral]:
    """What the two views read, loaded in a constant number of queries whatever the
    number of referrals (`related`: fewer for the inbox, whose selector says why)."""
    return referrals.select_related(*related).prefetch_related(*_related_prefetches(actor))


def referral_data(actor, referral: Referral) -> dict:
    """The referral as the caller's side sees it."""
    if referral_side_require(actor, referral) == SENDER:
        return SentReferralSerializer(referral).data
    return ReceivedReferralSerializer(referral).data


def referrals_data(actor, referrals) -> list[dict]:
    threshold_decisions_prefetch(referrals)
    return [referral_data(actor, referral) for referral in referrals]


def referral_response(actor, referral_id, *, status: int = 200) -> Response:
    """Re-read after a change (so the events and decision are current), with its ETag."""
    # Not logged again: the change's service logged the access.
    found = selectors.referral_get_for_actor(actor=actor, referral_id=referral_id, logged=False)
    prefetch_related_objects([found], *_related_prefetches(actor))
    threshold_decisions_prefetch([found])
    response = Response(referral_data(actor, found), status=status)
    response["ETag"] = etag_for(found.version)
    return response
