"""Suspect welfare: police casework of the owning force only. A granted agency, a
charity, an admin or an auditor never reads it (404 for a case's records, 403 for
the checks list)."""

from datetime import UTC, date, datetime

from tests.authz import RECORD_TARGETS, Endpoint
from tests.authz.rows_case_pages import form_page
from tests.authz.rows_cases import POLICE_CASEWORKERS
from tests.factories import CaseFactory, PartyFactory, UserFactory
from welfare.models import WelfareIncident

ALL_TARGETS = RECORD_TARGETS


def a_case_with_a_suspect(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner, created_by=actor.user, received_on=date(2026, 3, 2))
    suspect = PartyFactory(
        case=case, created_by=case.created_by, person__created_by=case.created_by, role="suspect"
    )
    return {"case": case.id, "suspect": suspect.id, "_case": case}


def an_incident(owner, actor) -> dict:
    values = a_case_with_a_suspect(owner, actor)
    incident = WelfareIncident.objects.create(
        case=values["_case"],
        suspect_id=values["suspect"],
        kind="death",
        stage="before_arrest",
        occurred_at=datetime(2026, 3, 5, 3, 0, tzinfo=UTC),
        serious_harm=False,
        description="Found dead at home.",
        iopc_referral_required=True,
        recorded_by=UserFactory(),
    )
    return {**values, "incident": incident.id, "_version": incident.version}


def an_incident_screened_and_planned(owner, actor) -> dict:
    """A suspect screened, with a safety plan, and an incident: something in each
    of the case's suspect-welfare lists."""
    from welfare.models import SafetyPlan, WelfareScreening

    values = an_incident(owner, actor)
    recorder = UserFactory()
    WelfareScreening.objects.create(
        case=values["_case"],
        suspect_id=values["suspect"],
        screened_at=datetime(2026, 3, 3, 10, 0, tzinfo=UTC),
        screened_by=recorder,
        thoughts_of_suicide="no",
        previous_attempts="no",
        mental_health_concerns="no",
        support_around_them="yes",
        result="not_at_risk",
    )
    SafetyPlan.objects.create(
        case=values["_case"],
        suspect_id=values["suspect"],
        told=["custody_healthcare"],
        support_offered=["samaritans"],
        safe_release_arrangements="Collected by his sister.",
        created_by=recorder,
    )
    return values


SCREENING_FIELDS = frozenset(
    {
        "id",
        "suspect",
        "event",
        "screened_at",
        "screened_by",
        "thoughts_of_suicide",
        "previous_attempts",
        "mental_health_concerns",
        "support_around_them",
        "impact_on_job_and_family",
        "result",
        "result_label",
        "notes",
        "flag_raised",
        "created_at",
    }
)
SAFETY_PLAN_FIELDS = frozenset(
    {
        "id",
        "suspect",
        "screening",
        "told",
        "next_of_kin_consent",
        "support_offered",
        "safe_release_arrangements",
        "notes",
        "released_at",
        "release_event",
        "created_by",
        "created_at",
        "version",
    }
)
INCIDENT_FIELDS = frozenset(
    {
        "id",
        "suspect",
        "kind",
        "stage",
        "occurred_at",
        "serious_harm",
        "description",
        "iopc_referral_required",
        "iopc_referral_outstanding",
        "iopc_reference",
        "iopc_referred_on",
        "recorded_by",
        "created_at",
        "version",
    }
)


def a_welfare_check_owed_by_the_caller(owner, actor) -> dict:
    """A 48-hour welfare check on an arrested suspect, the caller's to make when the
    case is their agency's."""
    from datetime import timedelta

    from django.utils import timezone

    from welfare.models import DutyKind
    from welfare.services.duties import duty_open

    values = a_case_with_a_suspect(owner, actor)
    duty_open(
        actor=None,
        case=values["_case"],
        party=values["_case"].parties.get(pk=values["suspect"]),
        kind=DutyKind.WELFARE_CHECK,
        trigger="event",
        reason="Arrested (suspect): the 48-hour welfare check",
        due_at=timezone.now() + timedelta(hours=40),
        source_key=f"matrix:{values['suspect']}:welfare_check",
        responsible=actor.user if owner == actor.agency else None,
    )
    return values


def _case_rows(name: str, path: str, body, fields) -> list[Endpoint]:
    return [
        Endpoint(
            name,
            "GET",
            path,
            POLICE_CASEWORKERS,
            targets=ALL_TARGETS,
            setup=an_incident_screened_and_planned,
            listing=True,
            fields=fields,
        ),
        Endpoint(
            name,
            "POST",
            path,
            POLICE_CASEWORKERS,
            ok=201,
            body=body,
            targets=ALL_TARGETS,
            setup=a_case_with_a_suspect,
        ),
    ]


ROWS = [
    *_case_rows(
        "case-suspect-welfare-screenings",
        "/api/v1/cases/{case}/suspect-welfare/screenings/",
        lambda values: {
            "suspect": str(values["suspect"]),
            "screened_at": "2026-03-03T10:00:00Z",
            "thoughts_of_suicide": "no",
            "previous_attempts": "no",
            "mental_health_concerns": "no",
            "support_around_them": "yes",
            "result": "not_at_risk",
        },
        SCREENING_FIELDS,
    ),
    *_case_rows(
        "case-suspect-welfare-safety-plans",
        "/api/v1/cases/{case}/suspect-welfare/safety-plans/",
        lambda values: {
            "suspect": str(values["suspect"]),
            "told": ["custody_healthcare"],
            "support_offered": ["samaritans"],
            "safe_release_arrangements": "Collected by his sister.",
        },
        SAFETY_PLAN_FIELDS,
    ),
    *_case_rows(
        "case-suspect-welfare-incidents",
        "/api/v1/cases/{case}/suspect-welfare/incidents/",
        lambda values: {
            "suspect": str(values["suspect"]),
            "kind": "self_harm",
            "stage": "before_arrest",
            "occurred_at": "2026-03-03T10:00:00Z",
            "description": "Cut his arm.",
        },
        INCIDENT_FIELDS,
    ),
    Endpoint(
        "welfare-incident-iopc-referral",
        "POST",
        "/api/v1/welfare-incidents/{incident}/iopc-referral/",
        POLICE_CASEWORKERS,
        body={"iopc_reference": "2026/000123", "iopc_referred_on": "2026-03-06"},
        needs_version=True,
        targets=ALL_TARGETS,
        setup=an_incident,
    ),
    Endpoint(
        "suspect-welfare-checks",
        "GET",
        "/api/v1/suspect-welfare/checks/?status=due",
        POLICE_CASEWORKERS,
        setup=a_welfare_check_owed_by_the_caller,
        per_actor=True,
        listing=True,
        fields=frozenset(
            {
                "id",
                "case",
                "suspect",
                "due_at",
                "countdown",
                "missed",
                "released_at",
                "responsible",
                "version",
            }
        ),
    ),
    # Pages
    *[
        row
        for name, slug in (
            ("suspect-welfare-screening-create", "screening"),
            ("suspect-welfare-safety-plan-create", "safety-plan"),
            ("suspect-welfare-incident-create", "incident"),
        )
        for row in form_page(
            name,
            f"/cases/{{case}}/suspect-welfare/{slug}/new/",
            POLICE_CASEWORKERS,
            setup=a_case_with_a_suspect,
        )
    ],
    *form_page(
        "suspect-welfare-iopc-referral",
        "/welfare-incidents/{incident}/iopc-referral/",
        POLICE_CASEWORKERS,
        setup=an_incident,
    ),
]
