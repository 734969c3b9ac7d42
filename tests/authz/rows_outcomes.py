from datetime import date

from agencies.access import CASEWORK, POLICE_CASEWORK
from agencies.models import Role
from cases.models import Outcome
from tests.authz import Endpoint
from tests.factories import CaseFactory, PartyFactory, UserFactory

ALL_TARGETS = ("own", "other", "granted")
REPORT_READERS = POLICE_CASEWORK | {Role.AUDITOR}


def a_case_with_a_suspect(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner, received_on=date(2026, 3, 2))
    suspect = PartyFactory(case=case, role="suspect")
    return {"case": case.id, "suspect": suspect.id, "_case": case, "_version": case.version}


def a_conditional_caution(owner, actor) -> dict:
    values = a_case_with_a_suspect(owner, actor)
    outcome = Outcome.objects.create(
        case=values["_case"],
        suspect_id=values["suspect"],
        code="3",
        outcome_on=date(2026, 3, 10),
        rationale="Admitted; suitable for diversion.",
        is_conditional_caution=True,
        caution_conditions="Attend a course.",
        conditions_due_on=date(2026, 4, 10),
        recorded_by=UserFactory(),
    )
    return {**values, "outcome": outcome.id, "_version": outcome.version}


ROWS = [
    Endpoint(
        "case-outcomes",
        "GET",
        "/api/v1/cases/{case}/outcomes/",
        CASEWORK,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case_with_a_suspect,
    ),
    Endpoint(
        "case-outcomes",
        "POST",
        "/api/v1/cases/{case}/outcomes/",
        POLICE_CASEWORK,
        ok=201,
        body=lambda values: {
            "suspect": str(values["suspect"]),
            "code": "1",
            "outcome_on": "2026-03-10",
            "rationale": "Charged.",
        },
        targets=ALL_TARGETS,
        setup=a_case_with_a_suspect,
    ),
    Endpoint(
        "case-outcome-conditions",
        "POST",
        "/api/v1/cases/{case}/outcomes/{outcome}/conditions/",
        POLICE_CASEWORK,
        body={"met": True, "checked_on": "2026-04-01"},
        targets=ALL_TARGETS,
        setup=a_conditional_caution,
    ),
    Endpoint("report-outcomes", "GET", "/api/v1/reports/outcomes/?year=2026", REPORT_READERS),
    # Pages
    Endpoint(
        "case-outcome-create",
        "GET",
        "/cases/{case}/outcomes/new/",
        POLICE_CASEWORK,
        page=True,
        targets=ALL_TARGETS,
        setup=a_case_with_a_suspect,
    ),
    # A POST-only page: the matrix's GET finds the outcome (or 404s) before the method
    # is refused, so the allowed roles see 405 and everyone else 404.
    Endpoint(
        "case-outcome-conditions",
        "GET",
        "/cases/{case}/outcomes/{outcome}/conditions/",
        POLICE_CASEWORK,
        ok=405,
        page=True,
        targets=ALL_TARGETS,
        setup=a_conditional_caution,
    ),
    Endpoint("outcome-report", "GET", "/reports/outcomes/", REPORT_READERS, page=True),
]
