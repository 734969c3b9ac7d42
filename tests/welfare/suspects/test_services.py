"""Screenings, safety plans and incidents: the rules, and refusals that store nothing."""

from datetime import date

import pytest

from agencies.models import AccessLogEntry
from cases.models import EventKind
from common.errors import AccessDenied, NotFound, PreconditionFailed, ValidationError
from safeguarding.models import Flag, FlagKind
from tests.welfare.suspects.conftest import at
from welfare.models import (
    Duty,
    DutyKind,
    DutyStatus,
    SafetyPlan,
    WelfareIncident,
    WelfareScreening,
)
from welfare.services.suspect_incidents import iopc_referral_record, welfare_incident_record
from welfare.services.suspect_screenings import safety_plan_record, welfare_screening_record

pytestmark = pytest.mark.django_db

ANSWERS = {
    "thoughts_of_suicide": "no",
    "previous_attempts": "no",
    "mental_health_concerns": "no",
    "support_around_them": "yes",
}


def screen(actor, case, suspect, result, **answers):
    return welfare_screening_record(
        actor=actor,
        case=case,
        suspect=suspect,
        screened_at=at(2026, 3, 10, 8, 0),
        **{**ANSWERS, **answers},
        impact_on_job_and_family="Fears losing his job.",
        result=result,
    )


@pytest.fixture
def arrested(clock, suspect, record_event):
    return record_event(suspect, EventKind.ARRESTED, at(2026, 3, 10, 7, 0))


# --- Screening


@pytest.mark.parametrize("result", ["at_risk", "unknown"])
def test_at_risk_or_unknown_raises_the_flag_and_calls_for_a_plan(
    arrested, officer_north, case, suspect, result
):
    screening = screen(officer_north.user, case, suspect, result)
    # the flag, on the person, reviewed in 28 days
    flag = Flag.objects.get(person=suspect.person, kind=FlagKind.SUICIDE_SELF_HARM)
    assert screening.flag == flag
    assert flag.review_on == date(2026, 4, 7)
    # the screening duty met, linked to its event
    [duty] = Duty.objects.filter(party=suspect, kind=DutyKind.WELFARE_SCREENING)
    assert duty.status == DutyStatus.MET
    assert duty.resolved_at == at(2026, 3, 10, 8, 0)
    assert screening.event == arrested
    # a safety plan due within 4 hours
    [plan_duty] = Duty.objects.filter(party=suspect, kind=DutyKind.SAFETY_PLAN)
    assert plan_duty.due_at == at(2026, 3, 10, 12, 0)
    assert plan_duty.due_by_clock is True
    assert AccessLogEntry.objects.filter(action="welfare.screening.recorded").count() == 1


def test_not_at_risk_raises_no_flag_and_no_plan(arrested, officer_north, case, suspect):
    screen(officer_north.user, case, suspect, "not_at_risk")
    assert not Flag.objects.filter(person=suspect.person).exists()
    assert not Duty.objects.filter(party=suspect, kind=DutyKind.SAFETY_PLAN).exists()


def test_a_live_flag_is_not_raised_twice(arrested, officer_north, case, suspect):
    first = screen(officer_north.user, case, suspect, "at_risk")
    second = screen(officer_north.user, case, suspect, "unknown")
    assert first.flag is not None
    assert second.flag is None
    assert Flag.objects.filter(person=suspect.person).count() == 1


@pytest.mark.parametrize("answer", ["thoughts_of_suicide", "previous_attempts"])
def test_a_yes_cannot_be_screened_not_at_risk(arrested, officer_north, case, suspect, answer):
    with pytest.raises(ValidationError) as refused:
        screen(officer_north.user, case, suspect, "not_at_risk", **{answer: "yes"})
    assert list(refused.value.message_dict) == ["result"]
    assert WelfareScreening.objects.count() == 0
    assert Duty.objects.get(party=suspect, kind=DutyKind.WELFARE_SCREENING).is_open


def test_answers_and_result_must_be_from_their_lists(arrested, officer_north, case, suspect):
    with pytest.raises(ValidationError) as refused:
        screen(officer_north.user, case, suspect, "fine", mental_health_concerns="maybe")
    assert set(refused.value.message_dict) == {"result", "mental_health_concerns"}
    assert WelfareScreening.objects.count() == 0


def test_a_screening_in_the_future_is_refused(arrested, officer_north, case, suspect):
    with pytest.raises(ValidationError) as refused:
        welfare_screening_record(
            actor=officer_north.user,
            case=case,
            suspect=suspect,
            screened_at=at(2026, 3, 12, 8, 0),
            **ANSWERS,
            result="not_at_risk",
        )
    assert "screened_at" in refused.value.message_dict


def test_screened_at_risk_at_release_opens_the_48_hour_check(
    clock, officer_north, case, suspect, record_event
):
    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 9, 7, 0))
    screen(officer_north.user, case, suspect, "not_at_risk")  # meets the arrest's
    released = record_event(suspect, EventKind.RELEASED_UNDER_INVESTIGATION, at(2026, 3, 10, 9, 0))
    screening = welfare_screening_record(
        actor=officer_north.user,
        case=case,
        suspect=suspect,
        screened_at=at(2026, 3, 10, 9, 30),
        **{**ANSWERS, "thoughts_of_suicide": "yes"},
        result="at_risk",
    )
    assert screening.event == released
    [check] = Duty.objects.filter(party=suspect, kind=DutyKind.WELFARE_CHECK)
    assert check.due_at == at(2026, 3, 12, 9, 0)


def test_partners_admins_and_auditors_cannot_record(
    arrested, case, suspect, caseworker_harbour, caseworker_lighthouse, admin_north, auditor_north
):
    for member in (caseworker_harbour, caseworker_lighthouse, admin_north, auditor_north):
        with pytest.raises((NotFound, AccessDenied)):
            screen(member.user, case, suspect, "at_risk")
    assert WelfareScreening.objects.count() == 0


def test_another_force_cannot_record(arrested, case, suspect, officer_south):
    with pytest.raises(NotFound):
        screen(officer_south.user, case, suspect, "at_risk")


# --- Safety plan


def plan(actor, case, suspect, **overrides):
    values = {
        "told": ["custody_healthcare"],
        "next_of_kin_consent": None,
        "support_offered": ["samaritans"],
        "safe_release_arrangements": "Collected by his sister.",
        **overrides,
    }
    return safety_plan_record(actor=actor, case=case, suspect=suspect, **values)


def test_a_plan_meets_the_plan_duty(arrested, officer_north, case, suspect):
    screening = screen(officer_north.user, case, suspect, "at_risk")
    made = plan(officer_north.user, case, suspect, told=["next_of_kin"], next_of_kin_consent=True)
    assert made.screening == screening
    [duty] = Duty.objects.filter(party=suspect, kind=DutyKind.SAFETY_PLAN)
    assert duty.status == DutyStatus.MET


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"told": ["next_of_kin"], "next_of_kin_consent": None}, "next_of_kin_consent"),
        ({"told": ["next_of_kin"], "next_of_kin_consent": False}, "next_of_kin_consent"),
        ({"told": ["neighbour"]}, "told"),
        ({"support_offered": ["prayer"]}, "support_offered"),
        ({"safe_release_arrangements": "  "}, "safe_release_arrangements"),
    ],
)
def test_a_plan_is_refused_naming_the_field(
    arrested, officer_north, case, suspect, overrides, field
):
    with pytest.raises(ValidationError) as refused:
        plan(officer_north.user, case, suspect, **overrides)
    assert field in refused.value.message_dict
    assert SafetyPlan.objects.count() == 0


# --- Incidents


def incident(actor, case, suspect, stage, occurred_at, kind="self_harm", serious_harm=False):
    return welfare_incident_record(
        actor=actor,
        case=case,
        suspect=suspect,
        kind=kind,
        stage=stage,
        occurred_at=occurred_at,
        serious_harm=serious_harm,
        description="Found with cuts to his arms.",
    )


@pytest.fixture
def history(clock, suspect, record_event):
    """Arrested Monday 07:00, released under investigation 18:00."""
    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 2, 7, 0))
    record_event(suspect, EventKind.RELEASED_UNDER_INVESTIGATION, at(2026, 3, 2, 18, 0))


@pytest.mark.parametrize(
    ("stage", "occurred_at"),
    [
        ("before_arrest", at(2026, 3, 2, 6, 0)),
        ("in_custody", at(2026, 3, 2, 12, 0)),
        ("within_48_hours", at(2026, 3, 4, 17, 59)),
        ("under_investigation", at(2026, 3, 5, 12, 0)),
    ],
)
def test_a_stage_that_agrees_with_the_events_is_recorded(
    history, officer_north, case, suspect, stage, occurred_at
):
    recorded = incident(officer_north.user, case, suspect, stage, occurred_at)
    assert recorded.stage == stage


@pytest.mark.parametrize(
    ("stage", "occurred_at"),
    [
        ("before_arrest", at(2026, 3, 2, 12, 0)),
        ("in_custody", at(2026, 3, 2, 6, 0)),
        ("in_custody", at(2026, 3, 3, 12, 0)),
        ("within_48_hours", at(2026, 3, 4, 18, 1)),
        ("under_investigation", at(2026, 3, 2, 12, 0)),
        ("after_charge", at(2026, 3, 5, 12, 0)),
        ("after_outcome", at(2026, 3, 5, 12, 0)),
    ],
)
def test_a_stage_that_contradicts_the_events_is_refused(
    history, officer_north, case, suspect, stage, occurred_at
):
    with pytest.raises(ValidationError) as refused:
        incident(officer_north.user, case, suspect, stage, occurred_at)
    assert list(refused.value.message_dict) == ["stage"]
    assert WelfareIncident.objects.count() == 0


def test_after_a_decision_he_is_no_longer_under_investigation(
    history, officer_north, case, suspect, record_event
):
    record_event(suspect, EventKind.CHARGED, at(2026, 3, 6, 10, 0))
    with pytest.raises(ValidationError):
        incident(officer_north.user, case, suspect, "under_investigation", at(2026, 3, 7, 10, 0))
    assert incident(officer_north.user, case, suspect, "after_charge", at(2026, 3, 7, 10, 0))


def test_a_death_after_police_contact_requires_an_iopc_referral(
    history, officer_north, case, suspect
):
    death = incident(
        officer_north.user, case, suspect, "under_investigation", at(2026, 3, 6, 3, 0), "death"
    )
    assert death.iopc_referral_required is True
    harm = incident(
        officer_north.user,
        case,
        suspect,
        "within_48_hours",
        at(2026, 3, 3, 9, 0),
        serious_harm=True,
    )
    assert harm.iopc_referral_required is True
    minor = incident(officer_north.user, case, suspect, "within_48_hours", at(2026, 3, 3, 10, 0))
    assert minor.iopc_referral_required is False


def test_no_iopc_referral_before_any_police_contact(clock, officer_north, case, suspect):
    death = incident(
        officer_north.user, case, suspect, "before_arrest", at(2026, 3, 6, 3, 0), "death"
    )
    assert death.iopc_referral_required is False


def test_an_incident_in_the_future_is_refused(history, officer_north, case, suspect):
    with pytest.raises(ValidationError) as refused:
        incident(officer_north.user, case, suspect, "under_investigation", at(2026, 3, 12, 9, 0))
    assert "occurred_at" in refused.value.message_dict
    assert WelfareIncident.objects.count() == 0


def test_the_iopc_referral_is_recorded_with_its_version(history, officer_north, case, suspect):
    death = incident(
        officer_north.user, case, suspect, "under_investigation", at(2026, 3, 6, 3, 0), "death"
    )
    with pytest.raises(PreconditionFailed):
        iopc_referral_record(
            actor=officer_north.user,
            incident=death,
            expected_version=7,
            iopc_reference="2026/012345",
            iopc_referred_on=date(2026, 3, 6),
        )
    with pytest.raises(ValidationError) as refused:
        iopc_referral_record(
            actor=officer_north.user,
            incident=death,
            expected_version=1,
            iopc_reference="",
            iopc_referred_on=date(2026, 3, 5),
        )
    assert set(refused.value.message_dict) == {"iopc_reference", "iopc_referred_on"}
    referred = iopc_referral_record(
        actor=officer_north.user,
        incident=death,
        expected_version=1,
        iopc_reference="2026/012345",
        iopc_referred_on=date(2026, 3, 6),
    )
    assert (referred.iopc_reference, referred.version) == ("2026/012345", 2)
