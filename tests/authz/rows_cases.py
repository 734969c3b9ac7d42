from agencies.access import CASEWORK
from agencies.models import Role
from tests.authz import Endpoint
from tests.factories import AgencyFactory, CaseFactory, PartyFactory, UserFactory

MANAGERS = frozenset({Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR})


def a_case(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner)
    victim = PartyFactory(case=case, role="victim")
    PartyFactory(case=case, role="suspect")
    return {
        "case": case.id,
        "party": victim.id,
        "person": victim.person.id,
        "_case": case,
        "_version": case.version,
    }


def a_case_with_grant(owner, actor) -> dict:
    from django.utils import timezone

    from cases.models import CaseGrant

    values = a_case(owner, actor)
    third = AgencyFactory(slug="matrix-third-force")
    grant = CaseGrant.objects.create(
        case=values["_case"],
        agency=third,
        reason="joint investigation",
        granted_by=UserFactory(),
        granted_at=timezone.now(),
    )
    return {**values, "grant": grant.id}


def a_person(owner, actor) -> dict:
    values = a_case(owner, actor)
    person = values["_case"].parties.get(role="victim").person
    return {**values, "_version": person.version}


ALL_TARGETS = ("own", "other", "granted")

ROWS = [
    Endpoint("case-list", "GET", "/api/v1/cases/", CASEWORK),
    Endpoint(
        "case-list",
        "POST",
        "/api/v1/cases/",
        CASEWORK,
        ok=201,
        body={"title": "New case", "source": "school", "received_on": "2026-03-02"},
    ),
    Endpoint(
        "case-detail",
        "GET",
        "/api/v1/cases/{case}/",
        CASEWORK,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case,
    ),
    Endpoint(
        "case-detail",
        "PATCH",
        "/api/v1/cases/{case}/",
        CASEWORK,
        body={"title": "Renamed", "reason": "clearer title"},
        needs_version=True,
        targets=ALL_TARGETS,
        setup=a_case,
    ),
    Endpoint(
        "case-close",
        "POST",
        "/api/v1/cases/{case}/close/",
        CASEWORK,
        body={"closing_reason": "no_crime"},
        targets=ALL_TARGETS,
        setup=a_case,
    ),
    Endpoint(
        "case-history",
        "GET",
        "/api/v1/cases/{case}/history/",
        CASEWORK | {Role.AUDITOR},
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case,
    ),
    Endpoint(
        "case-grants",
        "GET",
        "/api/v1/cases/{case}/grants/",
        CASEWORK,
        targets=ALL_TARGETS,
        setup=a_case,
    ),
    Endpoint(
        "case-grants",
        "POST",
        "/api/v1/cases/{case}/grants/",
        MANAGERS,
        ok=201,
        body={"agency": "matrix-third-force", "reason": "joint investigation"},
        targets=ALL_TARGETS,
        setup=lambda owner, actor: {
            **a_case(owner, actor),
            "_third": AgencyFactory(slug="matrix-third-force"),
        },
    ),
    Endpoint(
        "case-grant-revoke",
        "POST",
        "/api/v1/cases/{case}/grants/{grant}/revoke/",
        MANAGERS,
        body={"reason": "no longer needed"},
        targets=ALL_TARGETS,
        setup=a_case_with_grant,
    ),
    Endpoint("person-list", "GET", "/api/v1/persons/", CASEWORK),
    Endpoint(
        "person-list",
        "POST",
        "/api/v1/persons/",
        CASEWORK,
        ok=201,
        body={"first_name": "Jo", "last_name": "Fictional"},
    ),
    Endpoint(
        "person-detail",
        "GET",
        "/api/v1/persons/{person}/",
        CASEWORK,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_person,
    ),
    Endpoint(
        "person-detail",
        "PATCH",
        "/api/v1/persons/{person}/",
        CASEWORK,
        body={"language": "Welsh", "reason": "asked for Welsh"},
        needs_version=True,
        targets=ALL_TARGETS,
        setup=a_person,
    ),
    Endpoint(
        "case-parties",
        "GET",
        "/api/v1/cases/{case}/parties/",
        CASEWORK,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case,
    ),
    Endpoint(
        "case-parties",
        "POST",
        "/api/v1/cases/{case}/parties/",
        CASEWORK,
        ok=201,
        body={"new_person": {"first_name": "Wyn", "last_name": "Witness"}, "role": "witness"},
        targets=ALL_TARGETS,
        setup=a_case,
    ),
    Endpoint(
        "case-offences",
        "GET",
        "/api/v1/cases/{case}/offences/",
        CASEWORK,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case,
    ),
    Endpoint(
        "case-offences",
        "POST",
        "/api/v1/cases/{case}/offences/",
        CASEWORK,
        ok=201,
        body={"offence_type": "sexual_communication", "committed_from": "2026-01-05"},
        targets=ALL_TARGETS,
        setup=a_case,
    ),
    Endpoint(
        "case-contacts",
        "GET",
        "/api/v1/cases/{case}/contacts/",
        CASEWORK,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case,
    ),
    Endpoint(
        "case-contacts",
        "POST",
        "/api/v1/cases/{case}/contacts/",
        CASEWORK,
        ok=201,
        body=lambda values: {
            "party": str(values["party"]),
            "channel": "phone",
            "summary": "Update on the investigation.",
        },
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case,
    ),
    Endpoint(
        "case-decisions",
        "GET",
        "/api/v1/cases/{case}/decisions/",
        CASEWORK,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case,
    ),
    Endpoint(
        "case-decisions",
        "POST",
        "/api/v1/cases/{case}/decisions/",
        CASEWORK,
        ok=201,
        body={"decision": "Seize devices", "rationale": "Risk of further offending."},
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case,
    ),
]
