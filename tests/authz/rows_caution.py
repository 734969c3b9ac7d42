"""A conditional caution's compliance and terms (issue 16): only police casework
of the owning force records the compliance (once) or changes the terms, with
If-Match; a granted agency, which reads the outcome, has no say in it (404). The
pages' GET shows the form to the same roles; a POST with nothing filled in comes
back with the errors and changes nothing."""

from datetime import date

from cases.models import Outcome, Task
from tests.authz import RECORD_TARGETS, Endpoint
from tests.authz.rows_case_pages import form_page
from tests.authz.rows_cases import POLICE_CASEWORKERS
from tests.authz.rows_outcomes import a_conditional_caution


def _terms_unchanged(values, column, target) -> str | None:
    due = Outcome.objects.values_list("conditions_due_on", flat=True).get(pk=values["outcome"])
    return None if due == date(2026, 4, 10) else f"the due date moved to {due}"


def _compliance_not_recorded(values, column, target) -> str | None:
    met = Outcome.objects.values_list("conditions_met", flat=True).get(pk=values["outcome"])
    tasks = Task.objects.filter(case=values["_case"]).count()
    if met is None and tasks == 0:
        return None
    return f"conditions_met is {met}, {tasks} task(s) opened"


ROWS = [
    Endpoint(
        "case-outcome-caution-compliance",
        "POST",
        "/api/v1/cases/{case}/outcomes/{outcome}/caution-compliance/",
        POLICE_CASEWORKERS,
        body={"complied": False, "checked_on": "2026-04-13", "note": "Did not attend."},
        needs_version=True,
        targets=RECORD_TARGETS,
        setup=a_conditional_caution,
    ),
    *form_page(
        "case-outcome-caution-compliance",
        "/cases/{case}/outcomes/{outcome}/caution-compliance/",
        POLICE_CASEWORKERS,
        setup=a_conditional_caution,
        then=_compliance_not_recorded,
    ),
    Endpoint(
        "case-outcome-caution-terms",
        "POST",
        "/api/v1/cases/{case}/outcomes/{outcome}/caution-terms/",
        POLICE_CASEWORKERS,
        body={
            "caution_conditions": "Attend a course.",
            "conditions_due_on": "2026-04-24",
            "reason": "The course was rescheduled.",
        },
        needs_version=True,
        targets=RECORD_TARGETS,
        setup=a_conditional_caution,
    ),
    *form_page(
        "case-outcome-caution-terms",
        "/cases/{case}/outcomes/{outcome}/caution-terms/",
        POLICE_CASEWORKERS,
        setup=a_conditional_caution,
        then=_terms_unchanged,
    ),
]
