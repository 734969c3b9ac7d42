"""Referrals. The targets here are not whose case it is but which side of the
referral the caller's agency is on (see tests/authz/__init__.py): ``own`` is the
side that may make the move (the receiver for accept, decline, return, start,
update, complete and the threshold decision; the sender for change, send, answer
and withdraw); ``other-side`` is the other side of the same referral, where the
move is refused with 409 naming the state (a draft does not exist for the
receiver: 404); ``other`` is a referral between two other agencies, and
``granted`` one between two other agencies about a case granted to the caller's
agency (both 404).

A referral to a charity has the purpose that charity takes: victim support names
the victim; family support a member of the suspect's family. The builder writes
the rows directly (no disclosure checks, no notifications) to keep the matrix
fast; the services and API tests go through the real moves.
"""

from datetime import date

from django.utils import timezone

from agencies.models import AgencyKind, CharityService, Role
from agencies.working_days import add_working_days
from referrals.models import Referral, ReferralEvent, ReferralPurpose, ReferralState
from tests.authz import (
    FAMILY_SUPPORT_PARTNER,
    OTHER_SIDE,
    OWN,
    RECORD_TARGETS,
    REFERRAL_TARGETS,
    VICTIM_SUPPORT_PARTNER,
    Endpoint,
)
from tests.authz.rows_cases import CASEWORKERS
from tests.factories import AgencyFactory, CaseFactory, PartyFactory, UserFactory

# Both sides read their referrals: casework of every kind, and the charities'
# caseworkers (who only ever receive).
VIEWERS = CASEWORKERS | {VICTIM_SUPPORT_PARTNER, FAMILY_SUPPORT_PARTNER}
RECEIVERS = CASEWORKERS | {VICTIM_SUPPORT_PARTNER, FAMILY_SUPPORT_PARTNER}
SENDERS = CASEWORKERS
THRESHOLD = frozenset({Role.MASH_COORDINATOR, Role.SOCIAL_WORKER})
REPORT_READERS = CASEWORKERS | {VICTIM_SUPPORT_PARTNER, FAMILY_SUPPORT_PARTNER, Role.AUDITOR}

_DECISION_DAYS = {"immediate": 0, "urgent": 1, "routine": 3}

# What each side is shown. The receiver: the referral's own progress and the
# disclosure snapshot, never the live case. The sender: its live choices as well.
RECEIVER_FIELDS = frozenset(
    {
        "id",
        "side",
        "state",
        "purpose",
        "urgency",
        "from_agency",
        "to_agency",
        "to_team",
        "disclosure",
        "sent_at",
        "deadlines",
        "owner",
        "decided_at",
        "decline_reason",
        "return_question",
        "return_answer",
        "started_at",
        "completed_at",
        "outcome",
        "outcome_summary",
        "withdrawn_at",
        "withdraw_reason",
        "threshold_decision",
        "threshold_decisions",
        "events",
        "version",
    }
)
SENDER_FIELDS = RECEIVER_FIELDS | {
    "case",
    "case_reference",
    "created_by",
    "parties",
    "summary_for_receiver",
    "share_risk",
    "share_flags",
    "suspect_details_reason",
    "lawful_basis",
    "sensitive_condition",
    "consent",
    "sent_by",
    "created_at",
    "updated_at",
}


def purpose_for(agency) -> str:
    """The purpose a referral to `agency` fits."""
    if agency.kind in (AgencyKind.SAFEGUARDING_HUB, AgencyKind.CHILDRENS_SERVICES):
        return ReferralPurpose.SAFEGUARDING
    if agency.kind == AgencyKind.CHARITY:
        if agency.charity_service == CharityService.FAMILY_SUPPORT:
            return ReferralPurpose.FAMILY_SUPPORT
        return ReferralPurpose.VICTIM_SUPPORT
    return ReferralPurpose.REQUEST_FOR_INFORMATION


def _party_role_for(purpose: str, *agencies) -> str:
    """Whom a referral names: a member of the suspect's family when it is for family
    support or a family-support charity is at either end; else the victim."""
    family_support = any(
        agency.kind == AgencyKind.CHARITY
        and agency.charity_service == CharityService.FAMILY_SUPPORT
        for agency in agencies
    )
    if purpose == ReferralPurpose.FAMILY_SUPPORT or family_support:
        return "family_member"
    return "victim"


def make_referral(
    *,
    from_agency,
    to_agency,
    state: str = ReferralState.SENT,
    purpose: str = "",
    urgency: str = "routine",
    sent_at=None,
    created_by=None,
    case=None,
    party_role: str = "",
    **fields,
) -> Referral:
    """A referral written straight to the database, as the services would leave it
    in `state` (without the moves' checks, events beyond `sent`, or notifications)."""
    purpose = purpose or purpose_for(to_agency)
    creator = created_by or UserFactory()
    case = case or CaseFactory(
        owning_agency=from_agency, received_on=date(2026, 3, 2), created_by=creator
    )
    party = PartyFactory(
        case=case,
        role=party_role or _party_role_for(purpose, from_agency, to_agency),
        created_by=creator,
        person__created_by=creator,
    )
    values = {
        "lawful_basis": "public_task",
        "sensitive_condition": "safeguarding",
        "consent_status": "not_sought",
        "consent_reason": "Seeking consent could put the child at risk.",
        "summary_for_receiver": "A child needs support after online abuse.",
        "shared_fields": {str(party.pk): ["first_name", "age"]},
        **fields,
    }
    if state != ReferralState.DRAFT:
        sent_at = sent_at or timezone.now()
        values.setdefault("sent_by", creator)
        values.setdefault("sent_at", sent_at)
        values.setdefault("last_update_at", sent_at)
        values.setdefault("decision_due_at", add_working_days(sent_at, _DECISION_DAYS[urgency]))
        values.setdefault(
            "disclosure",
            {
                "sent_at": sent_at.isoformat(),
                "from_agency": {"slug": from_agency.slug, "name": from_agency.name},
                "purpose": purpose,
                "urgency": urgency,
                "case_reference": case.reference,
                "summary": values["summary_for_receiver"],
                "parties": [
                    {
                        "party_id": str(party.pk),
                        "role": party.role,
                        "fields": {"first_name": party.person.first_name},
                    }
                ],
                "risk": None,
                "flags": [],
            },
        )
    referral = Referral.objects.create(
        case=case,
        from_agency=from_agency,
        created_by=creator,
        to_agency=to_agency,
        purpose=purpose,
        urgency=urgency,
        state=state,
        **values,
    )
    referral.parties.set([party])
    if state != ReferralState.DRAFT:
        ReferralEvent.objects.create(
            referral=referral,
            from_state=ReferralState.DRAFT,
            to_state=ReferralState.SENT,
            action="sent",
            by=creator,
            by_agency=from_agency,
            at=values["sent_at"],
        )
    return referral


def a_referral(state: str, **fields):
    """A referral from `sender` to `receiver` in `state` (the matrix picks the two
    ends by the target: see tests/authz/__init__.py)."""

    def setup(sender, receiver, actor) -> dict:
        created_by = actor.user if actor.agency == sender else None
        referral = make_referral(
            from_agency=sender, to_agency=receiver, state=state, created_by=created_by, **fields
        )
        return {
            "referral": referral.id,
            "_referral": referral,
            "_case": referral.case,
            "_version": referral.version,
            "_state": state,
        }

    return setup


def received_by_owner(state: str = ReferralState.SENT):
    """For the lists: a referral another agency sent to the caller's agency."""

    def setup(owner, actor) -> dict:
        sender = AgencyFactory(slug="matrix-referral-sender")
        referral = make_referral(from_agency=sender, to_agency=owner, state=state)
        return {"_referral": referral, "_case": referral.case}

    return setup


def sent_by_owner(owner, actor) -> dict:
    receiver = AgencyFactory(slug="matrix-referral-receiver")
    referral = make_referral(from_agency=owner, to_agency=receiver, state=ReferralState.SENT)
    return {"_referral": referral, "_case": referral.case}


def a_case_to_refer(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner, received_on=date(2026, 3, 2), created_by=actor.user)
    party = PartyFactory(
        case=case, role="victim", created_by=actor.user, person__created_by=actor.user
    )
    return {"_case": case, "_party": party}


def a_new_referral(values) -> dict:
    return {
        "case": str(values["_case"].id),
        "to_agency": "matrix-referral-receiver",
        "purpose": "request_for_information",
        "urgency": "routine",
        "parties": [{"party": str(values["_party"].id), "fields": ["first_name", "age"]}],
        "summary_for_receiver": "What do you know about this child?",
        "lawful_basis": "public_task",
        "sensitive_condition": "safeguarding",
        "consent": {"status": "not_sought", "reason": "Seeking it could alert the suspect."},
    }


def the_snapshot_as_sent(values, column, target, answer) -> str | None:
    """Either side is shown the disclosure exactly as it was fixed when sent: nothing
    read live from the case is added to it."""
    stored = Referral.objects.values_list("disclosure", flat=True).get(pk=values["referral"])
    return None if answer.get("disclosure") == stored else "a disclosure unlike the snapshot"


def state_unchanged_unless_moved(moved_to: str, movers):
    """After a move: the referral is in `moved_to` when one of `movers` made it on
    its own side, and otherwise exactly as it was."""

    def then(values, column, target) -> str | None:
        state = Referral.objects.values_list("state", flat=True).get(pk=values["referral"])
        made = target == OWN and (column in movers or column.role in movers)
        wanted = moved_to if made else values["_state"]
        return None if state == wanted else f"the referral is {state}, not {wanted}"

    return then


def _move(
    name: str,
    allowed,
    side: str,
    state: str,
    body=None,
    *,
    moved_to: str,
    other_side=409,
    **fields,
) -> Endpoint:
    return Endpoint(
        f"referral-{name}",
        "POST",
        f"/api/v1/referrals/{{referral}}/{name}/",
        allowed,
        body=body,
        targets=REFERRAL_TARGETS,
        side=side,
        other_side=other_side,
        setup=a_referral(state, **fields),
        then=state_unchanged_unless_moved(moved_to, allowed),
    )


ROWS = [
    Endpoint(
        "referral-list",
        "GET",
        "/api/v1/referrals/",
        VIEWERS,
        setup=received_by_owner(),
        listing=True,
        fields=RECEIVER_FIELDS,
    ),
    # A referral is drafted from the caller's own case, or from a case granted to
    # their agency (the hub refers on the children of a case it was granted).
    Endpoint(
        "referral-list",
        "POST",
        "/api/v1/referrals/",
        SENDERS,
        ok=201,
        body=a_new_referral,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_case_to_refer,
        elsewhere=400,
    ),
    Endpoint(
        "referral-inbox",
        "GET",
        "/api/v1/referrals/inbox/",
        VIEWERS,
        setup=received_by_owner(),
        listing=True,
        fields=RECEIVER_FIELDS,
    ),
    Endpoint(
        "referral-sent",
        "GET",
        "/api/v1/referrals/sent/",
        VIEWERS,
        setup=sent_by_owner,
        listing=True,
        fields=SENDER_FIELDS,
    ),
    # Both sides read a sent referral, each as its side sees it.
    Endpoint(
        "referral-detail",
        "GET",
        "/api/v1/referrals/{referral}/",
        VIEWERS,
        targets=REFERRAL_TARGETS,
        side="receiver",
        other_side=200,
        setup=a_referral(ReferralState.SENT),
        fields={OWN: RECEIVER_FIELDS, OTHER_SIDE: SENDER_FIELDS},
        judge=the_snapshot_as_sent,
    ),
    Endpoint(
        "referral-detail",
        "PATCH",
        "/api/v1/referrals/{referral}/",
        SENDERS,
        body={"urgency": "urgent"},
        needs_version=True,
        targets=REFERRAL_TARGETS,
        side="sender",
        other_side=404,
        setup=a_referral(ReferralState.DRAFT),
    ),
    # The sender's moves.
    _move(
        "send",
        SENDERS,
        "sender",
        ReferralState.DRAFT,
        moved_to=ReferralState.SENT,
        other_side=404,
    ),
    _move(
        "answer",
        SENDERS,
        "sender",
        ReferralState.RETURNED,
        {"answer": "Yes, with her mother."},
        moved_to=ReferralState.SENT,
        return_question="Is the child safe at home?",
    ),
    _move(
        "withdraw",
        SENDERS,
        "sender",
        ReferralState.SENT,
        {"reason": "Sent in error."},
        moved_to=ReferralState.WITHDRAWN,
    ),
    # The receiver's moves.
    _move("accept", RECEIVERS, "receiver", ReferralState.SENT, moved_to=ReferralState.ACCEPTED),
    _move(
        "decline",
        RECEIVERS,
        "receiver",
        ReferralState.SENT,
        {"reason": "Not our area."},
        moved_to=ReferralState.DECLINED,
    ),
    _move(
        "return",
        RECEIVERS,
        "receiver",
        ReferralState.SENT,
        {"question": "Is the child safe at home?"},
        moved_to=ReferralState.RETURNED,
    ),
    _move(
        "start", RECEIVERS, "receiver", ReferralState.ACCEPTED, moved_to=ReferralState.IN_PROGRESS
    ),
    _move(
        "update",
        RECEIVERS,
        "receiver",
        ReferralState.IN_PROGRESS,
        {"note": "First session held."},
        moved_to=ReferralState.IN_PROGRESS,
    ),
    _move(
        "complete",
        RECEIVERS,
        "receiver",
        ReferralState.IN_PROGRESS,
        {"outcome": "support_provided", "summary": "Six sessions; she is doing well."},
        moved_to=ReferralState.COMPLETED,
    ),
    _move(
        "threshold-decision",
        THRESHOLD,
        "receiver",
        ReferralState.SENT,
        {"decision": "early_help", "rationale": "Needs met by early help."},
        moved_to=ReferralState.SENT,
        purpose=ReferralPurpose.SAFEGUARDING,
        party_role="victim",
    ),
    Endpoint(
        "report-referrals",
        "GET",
        "/api/v1/reports/referrals/?from=2026-03-01&to=2026-03-31",
        REPORT_READERS,
        fields=frozenset({"agency", "from", "to", "median_unit", "rows", "totals"}),
    ),
]
