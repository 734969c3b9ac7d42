"""Suspect welfare: police casework of the owning force only. A granted agency, a
charity, an admin or an auditor never reads it (404 for a case's records, 403 for
the checks list)."""

from datetime import UTC, date, datetime

from agencies.access import POLICE_CASEWORK
from tests.authz import Endpoint
from tests.factories import CaseFactory, PartyFactory, UserFactory
from welfare.models import WelfareIncident

ALL_TARGETS = ("own", "other", "granted")


def a_case_with_a_suspect(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner, received_on=date(2026, 3, 2))
    suspect = PartyFactory(case=case, role="suspect")
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


def _case_rows(name: str, path: str, body) -> list[Endpoint]:
    return [
        Endpoint(
            name, "GET", path, POLICE_CASEWORK, targets=ALL_TARGETS, setup=a_case_with_a_suspect
        ),
        Endpoint(
            name,
            "POST",
            path,
            POLICE_CASEWORK,
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
    ),
    Endpoint(
        "welfare-incident-iopc-referral",
        "POST",
        "/api/v1/welfare-incidents/{incident}/iopc-referral/",
        POLICE_CASEWORK,
        body={"iopc_reference": "2026/000123", "iopc_referred_on": "2026-03-06"},
        needs_version=True,
        targets=ALL_TARGETS,
        setup=an_incident,
    ),
    Endpoint(
        "suspect-welfare-checks",
        "GET",
        "/api/v1/suspect-welfare/checks/?status=due",
        POLICE_CASEWORK,
    ),
    # Pages
    *[
        Endpoint(
            name,
            "GET",
            f"/cases/{{case}}/suspect-welfare/{slug}/new/",
            POLICE_CASEWORK,
            page=True,
            targets=ALL_TARGETS,
            setup=a_case_with_a_suspect,
        )
        for name, slug in (
            ("suspect-welfare-screening-create", "screening"),
            ("suspect-welfare-safety-plan-create", "safety-plan"),
            ("suspect-welfare-incident-create", "incident"),
        )
    ],
]
