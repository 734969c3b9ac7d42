"""Issue #17: a party's identifiers and a case's. Every caseworker who may read the
case reads the identifiers of the parties they may see (a granted agency too); only
the owning agency's caseworkers add or remove them. Charities, admins and auditors
never see them. Written out literally, never imported from the policy."""

from datetime import UTC, datetime

from agencies.models import Role
from tests.authz import EVERY_OWNER, RECORD_TARGETS, Endpoint
from tests.authz.rows_cases import a_case

CASEWORKERS = frozenset(
    {
        Role.GENERALIST_OFFICER,
        Role.SPECIALIST_INVESTIGATOR,
        Role.POLICE_SUPERVISOR,
        Role.MASH_COORDINATOR,
        Role.SOCIAL_WORKER,
    }
)

IDENTIFIER_FIELDS = frozenset(
    {"id", "party", "kind", "value", "given", "platform", "seen_at", "port", "created_at"}
)


def a_case_with_identifiers(owner, actor) -> dict:
    """A case (a victim and a suspect) whose victim has an email and an IP address, and
    which holds its own CyberTip number."""
    from cases.models import CaseParty
    from cases.models.identifier import IdentifierKind
    from tests.intake.factories import identifier_make

    values = a_case(owner, actor)
    case = values["_case"]
    victim = CaseParty.objects.get(pk=values["party"])
    email = identifier_make(
        kind=IdentifierKind.EMAIL, given="Jo@Example.com", agency=owner, party=victim
    )
    identifier_make(
        kind=IdentifierKind.IP_ADDRESS,
        given="203.0.113.7",
        seen_at=datetime(2026, 3, 1, 22, 15, tzinfo=UTC),
        port=443,
        agency=owner,
        party=victim,
    )
    identifier_make(kind=IdentifierKind.SOURCE_REPORT, given="123456789", agency=owner, case=case)
    return {**values, "identifier": email.id}


def _row(name, method, path, allowed, **extra) -> Endpoint:
    extra.setdefault("setup", a_case_with_identifiers)
    extra.setdefault("targets", RECORD_TARGETS)
    return Endpoint(name, method, path, allowed, **extra)


PARTY = "/api/v1/cases/{case}/parties/{party}/identifiers/"

ROWS = [
    _row(
        "case-identifiers",
        "GET",
        "/api/v1/cases/{case}/identifiers/",
        CASEWORKERS,
        granted_ok=True,
        listing=True,
        targets=EVERY_OWNER,
        fields=IDENTIFIER_FIELDS,
    ),
    _row(
        "case-party-identifiers",
        "GET",
        PARTY,
        CASEWORKERS,
        granted_ok=True,
        listing=True,
        fields=IDENTIFIER_FIELDS,
    ),
    _row(
        "case-party-identifiers",
        "POST",
        PARTY,
        CASEWORKERS,
        ok=201,
        body={"kind": "username", "value": "@NewName", "platform": "Snapchat"},
    ),
    _row(
        "case-party-identifier-remove",
        "POST",
        PARTY + "{identifier}/remove/",
        CASEWORKERS,
        ok=204,
        body={"reason": "Recorded on the wrong person."},
    ),
    *[
        _row(
            "case-party-identifier-create",
            method,
            "/cases/{case}/parties/{party}/identifiers/new/",
            CASEWORKERS,
            page=True,
        )
        for method in ("GET", "POST")
    ],
    *[
        _row(
            "case-party-identifier-remove-page",
            method,
            "/cases/{case}/parties/{party}/identifiers/{identifier}/remove/",
            CASEWORKERS,
            page=True,
        )
        for method in ("GET", "POST")
    ],
]
