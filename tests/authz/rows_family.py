"""Support for suspects' families: police casework only, on the force's own cases
(never through a grant: family support is the owning force's duty)."""

from datetime import date

from tests.authz import RECORD_TARGETS, Endpoint
from tests.authz.rows_case_pages import form_page
from tests.authz.rows_cases import POLICE_CASEWORKERS
from tests.factories import CaseFactory, PartyFactory, UserFactory
from welfare.models import Duty, DutyKind
from welfare.services.duties import duty_open


def a_case_with_a_suspect(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner, created_by=actor.user, received_on=date(2026, 3, 2))
    suspect = PartyFactory(
        case=case, created_by=case.created_by, person__created_by=case.created_by, role="suspect"
    )
    PartyFactory(
        case=case,
        created_by=case.created_by,
        person__created_by=case.created_by,
        role="child_in_household",
        related_to=suspect,
        relationship="son",
    )
    return {"case": case.id, "suspect": suspect.id, "_case": case, "_suspect": suspect}


def an_open_family_support_offer(owner, actor) -> dict:
    values = a_case_with_a_suspect(owner, actor)
    case, suspect = values["_case"], values["_suspect"]
    duty: Duty = duty_open(
        actor=UserFactory(),
        case=case,
        party=suspect,
        kind=DutyKind.FAMILY_SUPPORT_OFFER,
        trigger="event",
        reason="Arrested (suspect), 2 March 2026",
        due_at=case.created_at,
        source_key=f"suspect:{suspect.pk}:family_support_offer",
    )
    return {**values, "duty": duty.id}


ROWS = [
    Endpoint(
        "case-family-support",
        "GET",
        "/api/v1/cases/{case}/family-support/",
        POLICE_CASEWORKERS,
        targets=RECORD_TARGETS,
        setup=an_open_family_support_offer,
        fields=frozenset({"suspects", "referrals"}),
    ),
    Endpoint(
        "case-family-support",
        "POST",
        "/api/v1/cases/{case}/family-support/",
        POLICE_CASEWORKERS,
        ok=201,
        body=lambda values: {
            "suspect": str(values["suspect"]),
            "given": False,
            "not_given_reason": "Nobody was at home.",
        },
        targets=RECORD_TARGETS,
        setup=a_case_with_a_suspect,
    ),
    Endpoint(
        "duty-referral",
        "POST",
        "/api/v1/duties/{duty}/referral/",
        POLICE_CASEWORKERS,
        body={"declined_reason": "The family said they have support."},
        targets=RECORD_TARGETS,
        setup=an_open_family_support_offer,
    ),
    # Pages
    *form_page(
        "family-support",
        "/cases/{case}/family-support/",
        POLICE_CASEWORKERS,
        setup=a_case_with_a_suspect,
    ),
    *form_page(
        "duty-referral",
        "/duties/{duty}/referral/",
        POLICE_CASEWORKERS,
        setup=an_open_family_support_offer,
    ),
]
