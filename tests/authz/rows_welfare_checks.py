"""Welfare checks on a suspect (issue 16): recorded by police casework of the owning
force only, as the other duties are (never through a grant: the force that owns the
case owes the check), on the check's own page and API."""

from datetime import date, timedelta

from django.utils import timezone

from tests.authz import RECORD_TARGETS, Endpoint
from tests.authz.rows_case_pages import form_page
from tests.authz.rows_cases import POLICE_CASEWORKERS
from tests.factories import CaseFactory, PartyFactory
from welfare.models import DutyKind, DutyTrigger
from welfare.services.duties import duty_open


def a_suspect_with_a_check_owed(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner, created_by=actor.user, received_on=date(2026, 3, 2))
    suspect = PartyFactory(
        case=case, created_by=case.created_by, person__created_by=case.created_by, role="suspect"
    )
    duty = duty_open(
        actor=None,
        case=case,
        party=suspect,
        kind=DutyKind.WELFARE_CHECK,
        trigger=DutyTrigger.EVENT,
        reason="Released at risk of suicide",
        due_at=timezone.now() + timedelta(hours=48),
        due_by_clock=True,
        source_key=f"matrix:{suspect.pk}:welfare_check",
    )
    return {"case": case.id, "duty": duty.id, "_case": case}


def _spoke(values: dict) -> dict:
    return {
        "outcome": "spoke",
        "channel": "phone",
        "made_at": timezone.now().isoformat(),
        "risk_now": "unchanged",
        "what_was_said": "He is at home with his brother.",
        "support_offered": "Samaritans again.",
    }


ROWS = [
    Endpoint(
        "duty-welfare-check",
        "POST",
        "/api/v1/duties/{duty}/welfare-check/",
        POLICE_CASEWORKERS,
        ok=201,
        body=_spoke,
        targets=RECORD_TARGETS,
        setup=a_suspect_with_a_check_owed,
    ),
    *form_page(
        "duty-welfare-check",
        "/duties/{duty}/welfare-check/",
        POLICE_CASEWORKERS,
        setup=a_suspect_with_a_check_owed,
    ),
]
