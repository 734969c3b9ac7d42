"""Flags: every agency that may see a case sees and raises its flags (granted too),
and clears the flags raised on it."""

from datetime import timedelta

from django.utils import timezone

from tests.authz import RECORD_TARGETS, Endpoint
from tests.authz.rows_case_pages import form_page
from tests.authz.rows_cases import CASEWORKERS, a_case
from tests.factories import UserFactory


def a_case_with_a_flag(owner, actor) -> dict:
    from safeguarding.models import Flag, FlagKind

    values = a_case(owner, actor)
    case = values["_case"]
    victim = case.parties.get(pk=values["party"])
    flag = Flag.objects.create(
        case=case,
        party=victim,
        person=victim.person,
        kind=FlagKind.SUICIDE_SELF_HARM,
        reason="Said they had thought about ending their life.",
        raised_by=UserFactory(),
        raised_at=timezone.now(),
        review_on=timezone.localdate() + timedelta(days=28),
    )
    return {**values, "flag": flag.id}


def a_flag_to_raise(values) -> dict:
    return {
        "party": str(values["party"]),
        "kind": "weapons",
        "reason": "Known to keep a knife at home.",
        "review_on": (timezone.localdate() + timedelta(days=28)).isoformat(),
    }


ROWS = [
    Endpoint(
        "case-flags",
        "GET",
        "/api/v1/cases/{case}/flags/",
        CASEWORKERS,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_case_with_a_flag,
        listing=True,
        fields=frozenset(
            {
                "id",
                "kind",
                "kind_label",
                "party",
                "person",
                "reason",
                "raised_by",
                "raised_at",
                "raised_on_agency",
                "raised_on_case",
                "raised_on_this_case",
                "review_on",
                "is_live",
                "cleared_at",
                "cleared_by",
                "clear_reason",
            }
        ),
    ),
    Endpoint(
        "case-flags",
        "POST",
        "/api/v1/cases/{case}/flags/",
        CASEWORKERS,
        ok=201,
        body=a_flag_to_raise,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_case,
    ),
    Endpoint(
        "case-flag-clear",
        "POST",
        "/api/v1/cases/{case}/flags/{flag}/clear/",
        CASEWORKERS,
        body={"reason": "Reviewed with the family: no longer a risk."},
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_case_with_a_flag,
    ),
    *form_page("case-flag-create", "/cases/{case}/flags/new/", CASEWORKERS, granted_ok=True),
    *form_page(
        "case-flag-clear",
        "/cases/{case}/flags/{flag}/clear/",
        CASEWORKERS,
        granted_ok=True,
        setup=a_case_with_a_flag,
    ),
]
