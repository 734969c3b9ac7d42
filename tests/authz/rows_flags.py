"""Flags: every agency that may see a case sees and raises its flags (granted too),
and clears the flags raised on it."""

from datetime import timedelta

from django.utils import timezone

from agencies.access import CASEWORK
from tests.authz import Endpoint
from tests.authz.rows_cases import ALL_TARGETS, a_case
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
        CASEWORK,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case_with_a_flag,
    ),
    Endpoint(
        "case-flags",
        "POST",
        "/api/v1/cases/{case}/flags/",
        CASEWORK,
        ok=201,
        body=a_flag_to_raise,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case,
    ),
    Endpoint(
        "case-flag-clear",
        "POST",
        "/api/v1/cases/{case}/flags/{flag}/clear/",
        CASEWORK,
        body={"reason": "Reviewed with the family: no longer a risk."},
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case_with_a_flag,
    ),
    Endpoint(
        "case-flag-create",
        "GET",
        "/cases/{case}/flags/new/",
        CASEWORK,
        page=True,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case,
    ),
    Endpoint(
        "case-flag-clear",
        "GET",
        "/cases/{case}/flags/{flag}/clear/",
        CASEWORK,
        page=True,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case_with_a_flag,
    ),
]
