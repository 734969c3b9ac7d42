"""Outcomes: every agency that works a case reads them (a granted one too); only
police casework of the owning force records them and checks a caution's
conditions. The outcome statistics are for police casework and auditors."""

from datetime import date

from agencies.models import Role
from cases.models import Outcome
from tests.authz import RECORD_TARGETS, Endpoint
from tests.authz.rows_case_pages import form_page
from tests.authz.rows_cases import CASEWORKERS, POLICE_CASEWORKERS
from tests.factories import CaseFactory, PartyFactory, UserFactory

REPORT_READERS = frozenset(
    {
        Role.GENERALIST_OFFICER,
        Role.SPECIALIST_INVESTIGATOR,
        Role.POLICE_SUPERVISOR,
        Role.AUDITOR,
    }
)


def a_case_with_a_suspect(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner, created_by=actor.user, received_on=date(2026, 3, 2))
    suspect = PartyFactory(
        case=case, created_by=case.created_by, person__created_by=case.created_by, role="suspect"
    )
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
        CASEWORKERS,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_conditional_caution,
        listing=True,
        envelope=frozenset({"results"}),
        fields=frozenset(
            {
                "id",
                "suspect",
                "code",
                "code_label",
                "group",
                "outcome_on",
                "rationale",
                "is_conditional_caution",
                "caution_conditions",
                "conditions_due_on",
                "conditions_checked_on",
                "conditions_met",
                "caution_state",
                "outcome_21_confirmations",
                "prosecution_decision_due",
                "recorded_by",
                "created_at",
                "version",
            }
        ),
    ),
    Endpoint(
        "case-outcomes",
        "POST",
        "/api/v1/cases/{case}/outcomes/",
        POLICE_CASEWORKERS,
        ok=201,
        body=lambda values: {
            "suspect": str(values["suspect"]),
            "code": "1",
            "outcome_on": "2026-03-10",
            "rationale": "Charged.",
        },
        targets=RECORD_TARGETS,
        setup=a_case_with_a_suspect,
    ),
    Endpoint(
        "case-outcome-conditions",
        "POST",
        "/api/v1/cases/{case}/outcomes/{outcome}/conditions/",
        POLICE_CASEWORKERS,
        body={"met": True, "checked_on": "2026-04-01"},
        targets=RECORD_TARGETS,
        setup=a_conditional_caution,
    ),
    Endpoint(
        "report-outcomes",
        "GET",
        "/api/v1/reports/outcomes/?year=2026",
        REPORT_READERS,
        fields=frozenset({"agency", "year", "total", "groups", "codes"}),
    ),
    # Pages
    *form_page(
        "case-outcome-create",
        "/cases/{case}/outcomes/new/",
        POLICE_CASEWORKERS,
        setup=a_case_with_a_suspect,
    ),
    # A POST-only page that finds the outcome (or 404s) before judging the method:
    # those who may see 405 for a GET; a POST without an answer goes back to the
    # case's outcomes (302).
    Endpoint(
        "case-outcome-conditions",
        "GET",
        "/cases/{case}/outcomes/{outcome}/conditions/",
        POLICE_CASEWORKERS,
        ok=405,
        page=True,
        targets=RECORD_TARGETS,
        setup=a_conditional_caution,
    ),
    Endpoint(
        "case-outcome-conditions",
        "POST",
        "/cases/{case}/outcomes/{outcome}/conditions/",
        POLICE_CASEWORKERS,
        ok=302,
        page=True,
        targets=RECORD_TARGETS,
        setup=a_conditional_caution,
    ),
    Endpoint("outcome-report", "GET", "/reports/outcomes/", REPORT_READERS, page=True),
]
