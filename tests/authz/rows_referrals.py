"""Referrals. The targets here are not whose case it is but which side of the
referral the caller's agency is on:

* ``own``: the caller's agency is the side that may make the move (the receiver
  for accept, decline, return, start, update, complete and the threshold
  decision; the sender for change, send, answer and withdraw);
* ``other``: a referral between two other agencies (always 404).

Partner caseworkers belong to a victim-support charity in the matrix world, so a
referral to the caller's agency has the purpose that agency takes. The builder
writes the rows directly (no disclosure checks, no notifications) to keep the
matrix fast; the services and API tests go through the real moves.
"""

from datetime import date

from django.utils import timezone

from agencies.access import CASEWORK
from agencies.models import AgencyKind, CharityService, Role
from agencies.working_days import add_working_days
from referrals.models import Referral, ReferralEvent, ReferralPurpose, ReferralState
from tests.authz import Endpoint
from tests.factories import AgencyFactory, CaseFactory, PartyFactory, UserFactory

VIEWERS = CASEWORK | {Role.PARTNER_CASEWORKER}
RECEIVERS = CASEWORK | {Role.PARTNER_CASEWORKER}
SENDERS = CASEWORK
THRESHOLD = frozenset({Role.MASH_COORDINATOR, Role.SOCIAL_WORKER})
REPORT_READERS = CASEWORK | {Role.PARTNER_CASEWORKER, Role.AUDITOR}
SIDES = ("own", "other")

_DECISION_DAYS = {"immediate": 0, "urgent": 1, "routine": 3}


def purpose_for(agency) -> str:
    """The purpose a referral to `agency` fits."""
    if agency.kind in (AgencyKind.SAFEGUARDING_HUB, AgencyKind.CHILDRENS_SERVICES):
        return ReferralPurpose.SAFEGUARDING
    if agency.kind == AgencyKind.CHARITY:
        if agency.charity_service == CharityService.FAMILY_SUPPORT:
            return ReferralPurpose.FAMILY_SUPPORT
        return ReferralPurpose.VICTIM_SUPPORT
    return ReferralPurpose.REQUEST_FOR_INFORMATION


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
    party_role: str = "victim",
    **fields,
) -> Referral:
    """A referral written straight to the database, as the services would leave it
    in `state` (without the moves' checks, events beyond `sent`, or notifications)."""
    purpose = purpose or purpose_for(to_agency)
    case = case or CaseFactory(owning_agency=from_agency, received_on=date(2026, 3, 2))
    party = PartyFactory(case=case, role=party_role)
    creator = created_by or UserFactory()
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


def _sender_agency():
    return AgencyFactory(slug="matrix-referral-sender", name="Matrix Referral Sender")


def _receiver_agency():
    return AgencyFactory(slug="matrix-referral-receiver", name="Matrix Referral Receiver")


def received(state: str, **fields):
    """A referral from another agency to `owner`, in `state`."""

    def setup(owner, actor) -> dict:
        referral = make_referral(
            from_agency=_sender_agency(), to_agency=owner, state=state, **fields
        )
        return {"referral": referral.id, "_version": referral.version}

    return setup


def sent(state: str, **fields):
    """A referral from `owner` to another agency, in `state`, drafted by the actor
    (a draft must be valid to be sent)."""

    def setup(owner, actor) -> dict:
        referral = make_referral(
            from_agency=owner,
            to_agency=_receiver_agency(),
            state=state,
            created_by=actor.user,
            **fields,
        )
        return {"referral": referral.id, "_version": referral.version}

    return setup


def a_case_to_refer(owner, actor) -> dict:
    _receiver_agency()
    case = CaseFactory(owning_agency=owner, received_on=date(2026, 3, 2))
    party = PartyFactory(case=case, role="victim")
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


def _move(name: str, allowed, setup, body=None) -> Endpoint:
    return Endpoint(
        f"referral-{name}",
        "POST",
        f"/api/v1/referrals/{{referral}}/{name}/",
        allowed,
        body=body,
        targets=SIDES,
        setup=setup,
    )


ROWS = [
    Endpoint("referral-list", "GET", "/api/v1/referrals/", VIEWERS),
    Endpoint(
        "referral-list",
        "POST",
        "/api/v1/referrals/",
        SENDERS,
        ok=201,
        body=a_new_referral,
        setup=a_case_to_refer,
    ),
    Endpoint("referral-inbox", "GET", "/api/v1/referrals/inbox/", VIEWERS),
    Endpoint("referral-sent", "GET", "/api/v1/referrals/sent/", VIEWERS),
    Endpoint(
        "referral-detail",
        "GET",
        "/api/v1/referrals/{referral}/",
        VIEWERS,
        targets=SIDES,
        setup=received(ReferralState.SENT),
    ),
    Endpoint(
        "referral-detail",
        "PATCH",
        "/api/v1/referrals/{referral}/",
        SENDERS,
        body={"urgency": "urgent"},
        needs_version=True,
        targets=SIDES,
        setup=sent(ReferralState.DRAFT),
    ),
    _move("send", SENDERS, sent(ReferralState.DRAFT)),
    _move(
        "answer",
        SENDERS,
        sent(ReferralState.RETURNED, return_question="Is the child safe at home?"),
        body={"answer": "Yes, with her mother."},
    ),
    _move("withdraw", SENDERS, sent(ReferralState.SENT), body={"reason": "Sent in error."}),
    _move("accept", RECEIVERS, received(ReferralState.SENT)),
    _move("decline", RECEIVERS, received(ReferralState.SENT), body={"reason": "Not our area."}),
    _move(
        "return",
        RECEIVERS,
        received(ReferralState.SENT),
        body={"question": "Is the child safe at home?"},
    ),
    _move("start", RECEIVERS, received(ReferralState.ACCEPTED)),
    _move(
        "update",
        RECEIVERS,
        received(ReferralState.IN_PROGRESS),
        body={"note": "First session held."},
    ),
    _move(
        "complete",
        RECEIVERS,
        received(ReferralState.IN_PROGRESS),
        body={"outcome": "support_provided", "summary": "Six sessions; she is doing well."},
    ),
    _move(
        "threshold-decision",
        THRESHOLD,
        received(ReferralState.SENT, purpose=ReferralPurpose.SAFEGUARDING),
        body={"decision": "early_help", "rationale": "Needs met by early help."},
    ),
    Endpoint(
        "report-referrals",
        "GET",
        "/api/v1/reports/referrals/?from=2026-03-01&to=2026-03-31",
        REPORT_READERS,
    ),
]
