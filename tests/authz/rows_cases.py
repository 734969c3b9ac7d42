"""Cases, people and the records of a case. Police casework, the hub and children's
services read and work their own agency's cases; a granted agency reads the case
and adds contacts and decisions. Charities, admins and auditors never see a case
(an auditor reads its history)."""

from datetime import date

from django.utils import timezone

from agencies.models import Role
from tests.authz import EVERY_OWNER, RECORD_TARGETS, Endpoint
from tests.factories import AgencyFactory, CaseFactory, PartyFactory, UserFactory

# Written out, never imported from the policy: the matrix must fail when it changes.
CASEWORKERS = frozenset(
    {
        Role.GENERALIST_OFFICER,
        Role.SPECIALIST_INVESTIGATOR,
        Role.POLICE_SUPERVISOR,
        Role.MASH_COORDINATOR,
        Role.SOCIAL_WORKER,
    }
)
# Casework that only a police force does (duties of care, events, outcomes).
POLICE_CASEWORKERS = frozenset(
    {Role.GENERALIST_OFFICER, Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR}
)
# Grants on any of the agency's cases: investigators and supervisors.
GRANT_MANAGERS = frozenset({Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR})
# The other casework roles see the case, so a grant they may not make is a 403.
NOT_THE_LEAD = {
    Role.GENERALIST_OFFICER: 403,
    Role.MASH_COORDINATOR: 403,
    Role.SOCIAL_WORKER: 403,
}

ALL_TARGETS = RECORD_TARGETS

CASE_FIELDS = frozenset(
    {
        "id",
        "reference",
        "title",
        "summary",
        "status",
        "closing_reason",
        "closing_note",
        "owning_agency",
        "lead_officer",
        "team",
        "source",
        "source_reference",
        "received_on",
        "opened_on",
        "closed_on",
        "version",
        "created_at",
        "updated_at",
    }
)
PERSON_FIELDS = frozenset(
    {
        "id",
        "first_name",
        "last_name",
        "full_name",
        "aliases",
        "date_of_birth",
        "estimated_age",
        "estimated_age_on",
        "gender",
        "address",
        "phone",
        "email",
        "safe_to_phone",
        "safe_to_write",
        "safe_to_visit",
        "preferred_channel",
        "preferred_times",
        "safe_contact_notes",
        "language",
        "interpreter_needed",
        "adjustments",
        "version",
    }
)


def a_case(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner, created_by=actor.user)
    victim = PartyFactory(
        case=case, created_by=case.created_by, person__created_by=case.created_by, role="victim"
    )
    PartyFactory(
        case=case, created_by=case.created_by, person__created_by=case.created_by, role="suspect"
    )
    return {
        "case": case.id,
        "party": victim.id,
        "person": victim.person.id,
        "_case": case,
        "_version": case.version,
    }


def a_case_with_records(owner, actor) -> dict:
    """A case with an offence, a contact with its victim and a key decision, so that
    every list of the case has something in it to judge the fields by."""
    from cases.models import ContactLog, KeyDecision, Offence

    values = a_case(owner, actor)
    case, recorder = values["_case"], UserFactory()
    Offence.objects.create(
        case=case,
        offence_type="sexual_communication",
        committed_from=date(2026, 1, 5),
        created_by=recorder,
    )
    ContactLog.objects.create(
        case=case,
        party_id=values["party"],
        contacted_at=timezone.now(),
        channel="phone",
        made_by=recorder,
        summary="Told them what happens next.",
    )
    KeyDecision.objects.create(
        case=case,
        decision="Seize devices",
        rationale="Risk of further offending.",
        decided_by=recorder,
        decided_at=timezone.now(),
    )
    return values


def a_case_the_caller_leads(owner, actor) -> dict:
    """The caller is the case's lead officer, when it is their agency's."""
    values = a_case(owner, actor)
    if owner == actor.agency:
        values["_case"].lead_officer = actor.user
        values["_case"].save(update_fields=["lead_officer"])
    return values


def a_case_with_grant(owner, actor) -> dict:
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


def a_led_case_with_grant(owner, actor) -> dict:
    values = a_case_with_grant(owner, actor)
    if owner == actor.agency:
        values["_case"].lead_officer = actor.user
        values["_case"].save(update_fields=["lead_officer"])
    return values


def a_person(owner, actor) -> dict:
    values = a_case(owner, actor)
    person = values["_case"].parties.get(role="victim").person
    return {**values, "_version": person.version}


def _case_row(name, method, path, allowed, **extra) -> Endpoint:
    extra.setdefault("setup", a_case_with_records)
    extra.setdefault("targets", ALL_TARGETS)
    return Endpoint(name, method, f"/api/v1/cases/{{case}}/{path}", allowed, **extra)


ROWS = [
    Endpoint(
        "case-list",
        "GET",
        "/api/v1/cases/",
        CASEWORKERS,
        setup=a_case,
        listing=True,
        fields=CASE_FIELDS,
    ),
    Endpoint(
        "case-list",
        "POST",
        "/api/v1/cases/",
        CASEWORKERS,
        ok=201,
        body={"title": "New case", "source": "school", "received_on": "2026-03-02"},
    ),
    Endpoint(
        "case-detail",
        "GET",
        "/api/v1/cases/{case}/",
        CASEWORKERS,
        targets=EVERY_OWNER,
        granted_ok=True,
        setup=a_case,
        fields=CASE_FIELDS,
    ),
    Endpoint(
        "case-detail",
        "PATCH",
        "/api/v1/cases/{case}/",
        CASEWORKERS,
        body={"title": "Renamed", "reason": "clearer title"},
        needs_version=True,
        targets=EVERY_OWNER,
        setup=a_case,
    ),
    Endpoint(
        "case-close",
        "POST",
        "/api/v1/cases/{case}/close/",
        CASEWORKERS,
        body={"closing_reason": "no_crime"},
        targets=ALL_TARGETS,
        setup=a_case,
    ),
    Endpoint(
        "case-history",
        "GET",
        "/api/v1/cases/{case}/history/",
        CASEWORKERS | {Role.AUDITOR},
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case,
        fields=frozenset({"results"}),
    ),
    Endpoint(
        "case-grants",
        "GET",
        "/api/v1/cases/{case}/grants/",
        CASEWORKERS,
        targets=ALL_TARGETS,
        setup=a_case_with_grant,
        listing=True,
        fields=frozenset(
            {
                "id",
                "agency",
                "source",
                "scope",
                "parties",
                "reason",
                "granted_by",
                "granted_at",
                "expires_at",
                "expired",
                "renewed_at",
                "renewed_by",
                "renew_reason",
                "revoked_at",
                "revoked_by",
                "revoke_reason",
            }
        ),
    ),
    # Not the case's lead: only investigators and supervisors grant and revoke.
    Endpoint(
        "case-grants",
        "POST",
        "/api/v1/cases/{case}/grants/",
        GRANT_MANAGERS,
        ok=201,
        body={"agency": "matrix-third-force", "reason": "joint investigation"},
        targets=ALL_TARGETS,
        setup=a_case,
        denied=NOT_THE_LEAD,
    ),
    # The case's lead officer grants too, whatever their casework role.
    Endpoint(
        "case-grants",
        "POST",
        "/api/v1/cases/{case}/grants/",
        CASEWORKERS,
        ok=201,
        body={"agency": "matrix-third-force", "reason": "joint investigation"},
        targets=ALL_TARGETS,
        setup=a_case_the_caller_leads,
        per_actor=True,
    ),
    Endpoint(
        "case-grant-revoke",
        "POST",
        "/api/v1/cases/{case}/grants/{grant}/revoke/",
        GRANT_MANAGERS,
        body={"reason": "no longer needed"},
        targets=ALL_TARGETS,
        setup=a_case_with_grant,
        denied=NOT_THE_LEAD,
    ),
    Endpoint(
        "case-grant-revoke",
        "POST",
        "/api/v1/cases/{case}/grants/{grant}/revoke/",
        CASEWORKERS,
        body={"reason": "no longer needed"},
        targets=ALL_TARGETS,
        setup=a_led_case_with_grant,
        per_actor=True,
    ),
    Endpoint(
        "person-list",
        "GET",
        "/api/v1/persons/",
        CASEWORKERS,
        setup=a_case,
        listing=True,
        fields=PERSON_FIELDS,
    ),
    Endpoint(
        "person-list",
        "POST",
        "/api/v1/persons/",
        CASEWORKERS,
        ok=201,
        body={"first_name": "Jo", "last_name": "Fictional"},
    ),
    Endpoint(
        "person-detail",
        "GET",
        "/api/v1/persons/{person}/",
        CASEWORKERS,
        targets=EVERY_OWNER,
        granted_ok=True,
        setup=a_person,
        fields=PERSON_FIELDS,
    ),
    Endpoint(
        "person-detail",
        "PATCH",
        "/api/v1/persons/{person}/",
        CASEWORKERS,
        body={"language": "Welsh", "reason": "asked for Welsh"},
        needs_version=True,
        targets=ALL_TARGETS,
        setup=a_person,
    ),
    _case_row(
        "case-parties",
        "GET",
        "parties/",
        CASEWORKERS,
        granted_ok=True,
        listing=True,
        targets=EVERY_OWNER,
        fields=frozenset(
            {
                "id",
                "role",
                "compartment",
                "person",
                "related_to",
                "relationship",
                "is_child",
                "age_at_offence",
                "notes",
                "created_at",
                "version",
            }
        ),
    ),
    _case_row(
        "case-parties",
        "POST",
        "parties/",
        CASEWORKERS,
        ok=201,
        body={"new_person": {"first_name": "Wyn", "last_name": "Witness"}, "role": "witness"},
    ),
    _case_row(
        "case-offences",
        "GET",
        "offences/",
        CASEWORKERS,
        granted_ok=True,
        listing=True,
        fields=frozenset(
            {
                "id",
                "offence_type",
                "description",
                "committed_from",
                "committed_to",
                "platform",
                "parties",
                "created_at",
            }
        ),
    ),
    _case_row(
        "case-offences",
        "POST",
        "offences/",
        CASEWORKERS,
        ok=201,
        body={"offence_type": "sexual_communication", "committed_from": "2026-01-05"},
    ),
    _case_row(
        "case-contacts",
        "GET",
        "contacts/",
        CASEWORKERS,
        granted_ok=True,
        listing=True,
        fields=frozenset(
            {
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
            }
        ),
    ),
    _case_row(
        "case-contacts",
        "POST",
        "contacts/",
        CASEWORKERS,
        ok=201,
        body=lambda values: {
            "party": str(values["party"]),
            "channel": "phone",
            "summary": "Update on the investigation.",
        },
        granted_ok=True,
    ),
    _case_row(
        "case-decisions",
        "GET",
        "decisions/",
        CASEWORKERS,
        granted_ok=True,
        listing=True,
        fields=frozenset(
            {
                "id",
                "decision",
                "rationale",
                "decided_by",
                "decided_at",
                "corrects",
                "corrected_by",
                "created_at",
            }
        ),
    ),
    _case_row(
        "case-decisions",
        "POST",
        "decisions/",
        CASEWORKERS,
        ok=201,
        body={"decision": "Seize devices", "rationale": "Risk of further offending."},
        granted_ok=True,
    ),
]
