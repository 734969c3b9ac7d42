"""Closing's other half and transfers between forces: reopening a case (a police
supervisor's), asking another force to take a case over (the lead officer's, an
investigator's or a supervisor's), and the receiving force's supervisor accepting
or declining it. A transfer has two sides, like a referral: the targets are which
side the caller's force is on (`own`: the side the row is about; `other-side`: the
transferring force for the receiver's rows, the receiving force for the sender's),
a transfer between two other forces, and one about a case granted to the caller's
agency (which gives no say in its transfer)."""

from django.utils import timezone

from agencies.models import Role
from tests.authz import RECORD_TARGETS, REFERRAL_TARGETS, Endpoint
from tests.authz.rows_cases import a_case, a_case_the_caller_leads
from tests.factories import AgencyFactory, CaseFactory, MembershipFactory, UserFactory

# Written out, never imported from the policy: the matrix must fail when it changes.
POLICE_CASEWORKERS = frozenset(
    {Role.GENERALIST_OFFICER, Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR}
)
SUPERVISORS = frozenset({Role.POLICE_SUPERVISOR})

TRANSFER_FIELDS = frozenset(
    {
        "id",
        "case",
        "from_agency",
        "to_agency",
        "state",
        "reason",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "decision_reason",
        "lead_officer",
    }
)

# The force a case is asked to move to, in the rows aimed at a case.
DESTINATION = "matrix-other-police"


def a_closed_case(owner, actor) -> dict:
    values = a_case(owner, actor)
    case = values["_case"]
    case.status, case.closing_reason, case.closed_on = "closed", "no_crime", timezone.localdate()
    case.save(update_fields=["status", "closing_reason", "closed_on"])
    return values


def _transfer(case, sender, receiver, requested_by=None):
    from cases.models import CaseTransfer

    return CaseTransfer.objects.create(
        case=case,
        from_agency=sender,
        to_agency=receiver,
        reason="The suspect lives in their area.",
        requested_by=requested_by or UserFactory(),
        requested_at=timezone.now(),
    )


def a_case_asked_of_another_force(owner, actor) -> dict:
    """The caller's case, with a transfer to another force waiting (so that the
    case's list of transfers has one to judge the fields by)."""
    values = a_case(owner, actor)
    _transfer(values["_case"], owner, AgencyFactory(slug="matrix-transfer-destination"))
    return values


def a_transfer_asked_of(owner, actor) -> dict:
    """A transfer to the caller's force, from another, waiting for its decision."""
    sender = AgencyFactory(slug="matrix-transfer-sender")
    _transfer(CaseFactory(owning_agency=sender), sender, owner)
    return {}


def a_transfer(sender, receiver, actor) -> dict:
    """A transfer from `sender` to `receiver`, waiting; the sender's case is led by
    the caller when the caller is the sender's; the receiver has an officer who can
    lead it."""
    lead = actor.user if actor.agency == sender else None
    case = CaseFactory(owning_agency=sender, lead_officer=lead)
    transfer = _transfer(case, sender, receiver, requested_by=lead)
    officer = MembershipFactory(agency=receiver, role=Role.GENERALIST_OFFICER)
    return {
        "transfer": transfer.id,
        "_transfer": transfer,
        "_case": case,
        "_lead": officer.user,
    }


def state_unchanged_unless(moved_to: str, movers):
    """A refused move leaves the transfer waiting and the case where it was."""

    def then(values, column, target) -> str | None:
        transfer = values["_transfer"]
        transfer.refresh_from_db()
        moved = target == "own" and column.role in movers
        expected = moved_to if moved else "requested"
        if transfer.state != expected:
            return f"the transfer is {transfer.state}, expected {expected}"
        values["_case"].refresh_from_db()
        owner_expected = transfer.to_agency_id if moved_to == "accepted" and moved else None
        if owner_expected and values["_case"].owning_agency_id != owner_expected:
            return "accepted, but the case did not move"
        if not moved and values["_case"].owning_agency_id != transfer.from_agency_id:
            return "refused, but the case moved"
        return None

    return then


def _transfer_row(method, path, allowed, side, **extra) -> Endpoint:
    extra.setdefault("setup", a_transfer)
    return Endpoint(
        extra.pop("name"), method, path, allowed, targets=REFERRAL_TARGETS, side=side, **extra
    )


ROWS = [
    # --- Reopening: a police supervisor's, on their own force's case.
    Endpoint(
        "case-reopen",
        "POST",
        "/api/v1/cases/{case}/reopen/",
        SUPERVISORS,
        body={"reason": "New evidence from the victim's school."},
        targets=RECORD_TARGETS,
        setup=a_closed_case,
    ),
    *[
        Endpoint(
            "case-reopen",
            method,
            "/cases/{case}/reopen/",
            SUPERVISORS,
            page=True,
            ok=200 if method == "GET" else 302,
            body={"reason": "New evidence from the victim's school."},
            targets=RECORD_TARGETS,
            setup=a_closed_case,
        )
        for method in ("GET", "POST")
    ],
    # --- A case's transfers: its own force's police caseworkers read them.
    Endpoint(
        "case-transfers",
        "GET",
        "/api/v1/cases/{case}/transfers/",
        POLICE_CASEWORKERS,
        targets=RECORD_TARGETS,
        setup=a_case_asked_of_another_force,
        listing=True,
        fields=TRANSFER_FIELDS,
    ),
    # Asking: investigators and supervisors on any of their force's cases; a
    # generalist officer on the case they lead (they lead it here).
    Endpoint(
        "case-transfers",
        "POST",
        "/api/v1/cases/{case}/transfers/",
        POLICE_CASEWORKERS,
        ok=201,
        body={"to_agency": DESTINATION, "reason": "The suspect lives in their area."},
        targets=RECORD_TARGETS,
        setup=a_case_the_caller_leads,
    ),
    *[
        Endpoint(
            "case-transfer-request",
            method,
            "/cases/{case}/transfer/",
            POLICE_CASEWORKERS,
            page=True,
            ok=200 if method == "GET" else 302,
            body={"to_agency": DESTINATION, "reason": "The suspect lives in their area."},
            targets=RECORD_TARGETS,
            setup=a_case_the_caller_leads,
        )
        for method in ("GET", "POST")
    ],
    # --- The force's transfers, both ways.
    Endpoint(
        "transfer-list",
        "GET",
        "/api/v1/transfers/",
        POLICE_CASEWORKERS,
        setup=a_transfer_asked_of,
        listing=True,
        fields=TRANSFER_FIELDS,
    ),
    Endpoint(
        "transfer-list-page",
        "GET",
        "/transfers/",
        POLICE_CASEWORKERS,
        page=True,
        setup=a_transfer_asked_of,
    ),
    # One transfer: both forces read it.
    _transfer_row(
        "GET",
        "/api/v1/transfers/{transfer}/",
        POLICE_CASEWORKERS,
        "receiver",
        name="transfer-detail",
        other_side=200,
        fields=TRANSFER_FIELDS,
    ),
    _transfer_row(
        "GET",
        "/transfers/{transfer}/",
        POLICE_CASEWORKERS,
        "receiver",
        name="transfer-detail",
        page=True,
        other_side=200,
    ),
    # --- The receiving force's supervisor decides; the transferring force's sees
    # the transfer but may not decide on it (403 from the API; no such page, 404).
    _transfer_row(
        "POST",
        "/api/v1/transfers/{transfer}/accept/",
        SUPERVISORS,
        "receiver",
        name="transfer-accept",
        body=lambda values: {"lead_officer": values["_lead"].username},
        other_side=403,
        then=state_unchanged_unless("accepted", SUPERVISORS),
    ),
    _transfer_row(
        "POST",
        "/transfers/{transfer}/accept/",
        SUPERVISORS,
        "receiver",
        name="transfer-accept",
        page=True,
        ok=302,
        body=lambda values: {"lead_officer": str(values["_lead"].pk)},
        other_side=404,
        then=state_unchanged_unless("accepted", SUPERVISORS),
    ),
    _transfer_row(
        "POST",
        "/api/v1/transfers/{transfer}/decline/",
        SUPERVISORS,
        "receiver",
        name="transfer-decline",
        body={"reason": "The suspect is in prison in Northshire."},
        other_side=403,
        then=state_unchanged_unless("declined", SUPERVISORS),
    ),
    _transfer_row(
        "POST",
        "/transfers/{transfer}/decline/",
        SUPERVISORS,
        "receiver",
        name="transfer-decline",
        page=True,
        ok=302,
        body={"decline-reason": "The suspect is in prison in Northshire."},
        other_side=404,
        then=state_unchanged_unless("declined", SUPERVISORS),
    ),
    # --- The transferring force takes a request back; the receiving force declines
    # instead (403 from the API; no such page, 404).
    _transfer_row(
        "POST",
        "/api/v1/transfers/{transfer}/withdraw/",
        POLICE_CASEWORKERS,
        "sender",
        name="transfer-withdraw",
        body={"reason": "The suspect has moved back."},
        other_side=403,
        then=state_unchanged_unless("withdrawn", POLICE_CASEWORKERS),
    ),
    _transfer_row(
        "POST",
        "/transfers/{transfer}/withdraw/",
        POLICE_CASEWORKERS,
        "sender",
        name="transfer-withdraw",
        page=True,
        ok=302,
        body={"withdraw-reason": "The suspect has moved back."},
        other_side=404,
        then=state_unchanged_unless("withdrawn", POLICE_CASEWORKERS),
    ),
]
