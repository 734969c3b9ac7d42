# ruff: noqa: RUF001 -- the official outcome titles are written with en dashes.
"""Outcomes through /api/v1/cases/{id}/outcomes/ and their pages: one per suspect,
Outcome 21 only for a child with every condition confirmed, conditional cautions
and the prosecution decision they need when their conditions go unmet."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import AccessLogEntry, AgencyKind, Role
from cases import reports
from cases.models import Offence, Outcome, OutcomeCode
from cases.models.outcome import CONDITIONAL_CAUTION_CODES, OUTCOME_21_CONDITIONS
from cases.services.outcomes import outcome_record
from common.errors import ValidationError
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    PersonFactory,
    TOTPDeviceFactory,
    UserFactory,
    grant_case,
)

# A Monday in June 2026, mid-morning in London.
NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
TODAY = date(2026, 6, 15)
OFFENCE_ON = date(2026, 2, 1)
ALL_CONFIRMED = dict.fromkeys(OUTCOME_21_CONDITIONS, True)


pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north, received_on=date(2026, 3, 2))


def _suspect(case, *, born: date | None = date(1990, 1, 1), offence_on=OFFENCE_ON, **person):
    """A suspect whose offence (if any) is dated `offence_on`."""
    suspect = PartyFactory(
        case=case,
        role="suspect",
        person=PersonFactory(recorded_by_agency=case.owning_agency, date_of_birth=born, **person),
    )
    if offence_on is not None:
        offence = Offence.objects.create(
            case=case,
            offence_type="iioc_making",
            committed_from=offence_on,
            created_by=UserFactory(),
        )
        offence.parties.set([suspect])
    return suspect


@pytest.fixture
def suspect(case):
    return _suspect(case)


@pytest.fixture
def youth(case):
    # 17 at the offence: their 18th birthday is the day after it.
    return _suspect(case, born=date(2008, 2, 2))


def _url(case) -> str:
    return f"/api/v1/cases/{case.id}/outcomes/"


def _conditions_url(outcome) -> str:
    return f"/api/v1/cases/{outcome.case_id}/outcomes/{outcome.id}/conditions/"


def _body(suspect, **overrides) -> dict:
    return {
        "suspect": str(suspect.id),
        "code": "1",
        "outcome_on": "2026-06-10",
        "rationale": "Sufficient evidence; the CPS authorised a charge.",
        **overrides,
    }


def _outcome_21(suspect, **overrides) -> dict:
    values = {
        "code": "21",
        "rationale": "Consensual sharing between two 16-year-olds; no aggravating factors.",
        "outcome_21_confirmations": ALL_CONFIRMED,
        **overrides,
    }
    return _body(suspect, **values)


def _member(agency, role):
    membership = MembershipFactory(agency=agency, role=role)
    TOTPDeviceFactory(user=membership.user)
    return membership


def _refused(response, field: str) -> list[str]:
    assert response.status_code == 400, response.content
    assert Outcome.objects.count() == 0
    return response.json()["errors"][field]


def _recorded(actor, case, suspect, **overrides) -> Outcome:
    values = {
        "code": "1",
        "outcome_on": date(2026, 6, 10),
        "rationale": "Charged.",
        **overrides,
    }
    return outcome_record(actor=actor.user, case=case, suspect=suspect, **values)


def _caution(actor, case, suspect, *, due=date(2026, 6, 20)) -> Outcome:
    return _recorded(
        actor,
        case,
        suspect,
        code="3",
        rationale="Admitted possession; first offence; suitable for diversion.",
        caution_conditions="Attend the Inform Plus course.",
        conditions_due_on=due,
    )


# --- Outcome 21


def test_outcome_21_for_a_17_year_old_with_every_confirmation_is_recorded(
    api_for, officer_north, case, youth
):
    # given
    api = api_for(officer_north)
    # when
    response = api.post(_url(case), _outcome_21(youth), format="json")
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "21"
    assert body["code_label"] == (
        "21: Further investigation to support formal action not in the public interest "
        "– police decision"
    )
    assert body["group"] == "outcome_21"
    assert body["suspect"] == {
        "id": str(youth.id),
        "role": "suspect",
        "full_name": youth.person.full_name,
    }
    assert body["outcome_on"] == "2026-06-10"
    assert body["outcome_21_confirmations"] == ALL_CONFIRMED
    assert body["is_conditional_caution"] is False
    assert body["prosecution_decision_due"] is False
    outcome = Outcome.objects.get()
    assert outcome.suspect == youth
    assert outcome.outcome_21_confirmations == ALL_CONFIRMED
    assert outcome.recorded_by == officer_north.user
    assert outcome.history.get().history_change_reason == "outcome 21 recorded"
    assert AccessLogEntry.objects.filter(
        action="cases.outcome.recorded", object_id=str(outcome.id)
    ).exists()


def test_outcome_21_for_a_suspect_18_at_the_offence_is_refused_naming_code(
    api_for, officer_north, case
):
    # given: their 18th birthday is the day of the offence
    adult = _suspect(case, born=date(2008, 2, 1))
    # when
    response = api_for(officer_north).post(_url(case), _outcome_21(adult), format="json")
    # then
    assert _refused(response, "code") == [
        "Outcome 21 is for suspects under 18; this suspect was 18 at the offence."
    ]


def test_outcome_21_age_is_judged_at_the_case_received_date_without_an_offence(
    api_for, officer_north, case
):
    # given: 17 on the date the case was received, 18 by the outcome
    suspect = _suspect(case, born=date(2008, 3, 3), offence_on=None)
    # when
    response = api_for(officer_north).post(_url(case), _outcome_21(suspect), format="json")
    # then
    assert response.status_code == 201, response.content


def test_outcome_21_accepts_an_estimated_age_under_18(api_for, officer_north, case):
    # given
    suspect = _suspect(case, born=None, estimated_age=15, estimated_age_on=date(2026, 1, 10))
    # when
    response = api_for(officer_north).post(_url(case), _outcome_21(suspect), format="json")
    # then
    assert response.status_code == 201, response.content


def test_outcome_21_with_the_age_unknown_is_refused_naming_code(api_for, officer_north, case):
    # given
    suspect = _suspect(case, born=None)
    # when
    response = api_for(officer_north).post(_url(case), _outcome_21(suspect), format="json")
    # then
    assert _refused(response, "code") == [
        "Outcome 21 is for suspects under 18, and this suspect's age at the offence is "
        "unknown: record their date of birth or an estimated age first."
    ]


@pytest.mark.parametrize("missing", list(OUTCOME_21_CONDITIONS))
def test_outcome_21_names_each_condition_not_confirmed(
    api_for, officer_north, case, youth, missing
):
    # given: one condition left out, and the others confirmed
    confirmations = {key: True for key in OUTCOME_21_CONDITIONS if key != missing}
    # when
    response = api_for(officer_north).post(
        _url(case), _outcome_21(youth, outcome_21_confirmations=confirmations), format="json"
    )
    # then
    assert _refused(response, "outcome_21_confirmations") == [
        f"Confirm this condition of Outcome 21: {OUTCOME_21_CONDITIONS[missing]}."
    ]


def test_outcome_21_treats_a_condition_answered_false_as_not_confirmed(
    api_for, officer_north, case, youth
):
    # given
    confirmations = {**ALL_CONFIRMED, "no_adult_involved": False}
    # when
    response = api_for(officer_north).post(
        _url(case), _outcome_21(youth, outcome_21_confirmations=confirmations), format="json"
    )
    # then
    assert _refused(response, "outcome_21_confirmations") == [
        "Confirm this condition of Outcome 21: No adult was involved."
    ]


def test_outcome_21_without_confirmations_names_all_seven(api_for, officer_north, case, youth):
    # when
    response = api_for(officer_north).post(
        _url(case), _outcome_21(youth, outcome_21_confirmations={}), format="json"
    )
    # then
    assert _refused(response, "outcome_21_confirmations") == [
        f"Confirm this condition of Outcome 21: {text}." for text in OUTCOME_21_CONDITIONS.values()
    ]


def test_outcome_21_needs_a_rationale(api_for, officer_north, case, youth):
    # when
    response = api_for(officer_north).post(
        _url(case), _outcome_21(youth, rationale="  "), format="json"
    )
    # then
    assert _refused(response, "rationale") == [
        "Enter the rationale: why Outcome 21 is right for this suspect."
    ]


def test_confirmations_for_another_code_are_refused(api_for, officer_north, case, suspect):
    # when
    response = api_for(officer_north).post(
        _url(case), _body(suspect, outcome_21_confirmations=ALL_CONFIRMED), format="json"
    )
    # then
    assert _refused(response, "outcome_21_confirmations") == [
        "Conditions are confirmed only for Outcome 21; leave them unconfirmed."
    ]


# --- Codes, suspects, dates


def test_the_codes_carry_their_official_home_office_titles():
    # then: 19 (fraud only) is not offered; conditional cautions come under 2, 2A, 3, 3A
    assert OutcomeCode.choices == [
        ("1", "1: Charged/summonsed"),
        ("1A", "1A: Charged/summonsed – alternate offence"),
        ("2", "2: Caution – youths"),
        ("2A", "2A: Caution – youths – alternate offence"),
        ("3", "3: Caution – adults"),
        ("3A", "3A: Caution – adults – alternate offence"),
        ("4", "4: Taken into consideration"),
        ("5", "5: The offender has died"),
        ("6", "6: Penalty Notice for Disorder"),
        ("7", "7: Cannabis/Khat warning"),
        ("8", "8: Community resolution"),
        ("9", "9: Prosecution not in the public interest (CPS)"),
        ("10", "10: Formal action against the offender is not in the public interest (police)"),
        (
            "11",
            "11: Prosecution prevented – named suspect identified but below the age of "
            "criminal responsibility",
        ),
        (
            "12",
            "12: Prosecution prevented – named suspect identified but too ill (physical or "
            "mental health) to prosecute",
        ),
        (
            "13",
            "13: Prosecution prevented – named suspect identified but the victim or key "
            "witness is dead or too ill to give evidence",
        ),
        ("14", "14: Evidential difficulties victim based – named suspect not identified"),
        (
            "15",
            "15: Evidential difficulties – named suspect identified; the victim supports action",
        ),
        (
            "16",
            "16: Evidential difficulties victim based – named suspect identified; the victim "
            "does not support (or has withdrawn support from) police action",
        ),
        ("17", "17: Prosecution time limit expired"),
        ("18", "18: Investigation complete – no suspect identified"),
        (
            "20",
            "20: Further action resulting from the crime report undertaken by another body "
            "or agency",
        ),
        (
            "21",
            "21: Further investigation to support formal action not in the public interest "
            "– police decision",
        ),
        (
            "22",
            "22: Diversionary, educational or intervention activity, resulting from the "
            "crime report, has been undertaken and it is not in the public interest to take "
            "any further action",
        ),
    ]
    assert set(CONDITIONAL_CAUTION_CODES) == {"2", "2A", "3", "3A"}


def test_outcome_19_is_refused_naming_code(api_for, officer_north, case, suspect):
    # when
    response = api_for(officer_north).post(_url(case), _body(suspect, code="19"), format="json")
    # then
    assert _refused(response, "code") == [
        '"19" is not an outcome code offered here (19 applies to fraud only).'
    ]


def test_the_service_refuses_outcome_19_and_unknown_codes_naming_code(officer_north, case, suspect):
    # when
    with pytest.raises(ValidationError) as fraud:
        _recorded(officer_north, case, suspect, code="19")
    with pytest.raises(ValidationError) as unknown:
        _recorded(officer_north, case, suspect, code="99")
    # then
    assert fraud.value.message_dict == {
        "code": ["Outcome 19 applies to fraud only and is not offered."]
    }
    assert unknown.value.message_dict == {"code": ["Choose one of the Home Office outcome codes."]}
    assert Outcome.objects.count() == 0


def test_the_alternate_offence_variants_are_offered(api_for, officer_north, case, suspect):
    # when
    response = api_for(officer_north).post(_url(case), _body(suspect, code="1A"), format="json")
    # then
    assert response.status_code == 201, response.content
    assert response.json()["code_label"] == "1A: Charged/summonsed – alternate offence"
    assert response.json()["group"] == "charged_or_summonsed"


def test_a_suspect_of_another_case_is_refused_naming_suspect(api_for, officer_north, case):
    # given
    elsewhere = _suspect(CaseFactory(owning_agency=case.owning_agency))
    # when
    response = api_for(officer_north).post(_url(case), _body(elsewhere), format="json")
    # then
    assert _refused(response, "suspect") == ["Choose a suspect in this case."]


def test_a_victim_as_the_suspect_is_refused_naming_suspect(api_for, officer_north, case):
    # given
    victim = PartyFactory(case=case, role="victim")
    # when
    response = api_for(officer_north).post(_url(case), _body(victim), format="json")
    # then
    assert _refused(response, "suspect") == ["Choose a suspect in this case."]


def test_a_second_outcome_for_the_same_suspect_is_409(api_for, officer_north, case, suspect):
    # given
    first = _recorded(officer_north, case, suspect)
    # when
    response = api_for(officer_north).post(_url(case), _body(suspect, code="3"), format="json")
    # then
    assert response.status_code == 409
    assert response.json() == {
        "detail": "An outcome is already recorded for this suspect.",
        "state": "outcome_recorded",
    }
    assert list(Outcome.objects.values_list("id", "code")) == [(first.id, "1")]


def test_each_suspect_has_their_own_outcome(api_for, officer_north, case, suspect):
    # given
    other = _suspect(case)
    _recorded(officer_north, case, suspect)
    # when
    response = api_for(officer_north).post(_url(case), _body(other, code="16"), format="json")
    # then
    assert response.status_code == 201
    assert Outcome.objects.count() == 2


def test_an_outcome_dated_tomorrow_is_refused_naming_outcome_on(
    api_for, officer_north, case, suspect
):
    # when
    response = api_for(officer_north).post(
        _url(case), _body(suspect, outcome_on="2026-06-16"), format="json"
    )
    # then
    assert _refused(response, "outcome_on") == ["Must not be in the future."]


def test_an_outcome_dated_today_is_accepted(api_for, officer_north, case, suspect):
    # when
    response = api_for(officer_north).post(
        _url(case), _body(suspect, outcome_on="2026-06-15"), format="json"
    )
    # then
    assert response.status_code == 201


def test_an_outcome_before_the_case_was_received_is_refused(api_for, officer_north, case, suspect):
    # when
    response = api_for(officer_north).post(
        _url(case), _body(suspect, outcome_on="2026-03-01"), format="json"
    )
    # then
    assert _refused(response, "outcome_on") == [
        "Must not be before the date the case was received."
    ]


def test_an_outcome_needs_a_rationale(api_for, officer_north, case, suspect):
    # when
    response = api_for(officer_north).post(_url(case), _body(suspect, rationale=""), format="json")
    # then
    assert _refused(response, "rationale") == ["Enter the rationale: why this outcome was chosen."]


# --- Conditional cautions


def test_a_conditional_caution_records_its_conditions(api_for, officer_north, case, suspect):
    # when
    response = api_for(officer_north).post(
        _url(case),
        _body(
            suspect,
            code="3",
            caution_conditions="Attend the Inform Plus course.",
            conditions_due_on="2026-07-31",
        ),
        format="json",
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["group"] == "caution"
    assert body["is_conditional_caution"] is True
    assert body["caution_conditions"] == "Attend the Inform Plus course."
    assert body["conditions_due_on"] == "2026-07-31"
    assert body["conditions_met"] is None
    assert body["prosecution_decision_due"] is False


def test_a_conditional_caution_due_the_day_after_the_outcome_is_accepted(
    api_for, officer_north, case, suspect
):
    # when
    response = api_for(officer_north).post(
        _url(case),
        _body(
            suspect,
            code="3",
            caution_conditions="Attend the Inform Plus course.",
            conditions_due_on="2026-06-11",
        ),
        format="json",
    )
    # then: recorded late, its conditions are already overdue
    assert response.status_code == 201, response.content
    assert response.json()["prosecution_decision_due"] is True


def test_a_conditional_caution_needs_a_due_date(api_for, officer_north, case, suspect):
    # when
    response = api_for(officer_north).post(
        _url(case),
        _body(suspect, code="3", caution_conditions="Attend the Inform Plus course."),
        format="json",
    )
    # then
    assert _refused(response, "conditions_due_on") == [
        "Enter the date by which the conditions must be met."
    ]


def test_a_conditional_caution_due_on_the_outcome_date_is_refused(
    api_for, officer_north, case, suspect
):
    # when
    response = api_for(officer_north).post(
        _url(case),
        _body(
            suspect,
            code="3",
            caution_conditions="Attend the Inform Plus course.",
            conditions_due_on="2026-06-10",
        ),
        format="json",
    )
    # then
    assert _refused(response, "conditions_due_on") == ["Must be after the date of the outcome."]


@pytest.mark.parametrize("code", ["2", "2A", "3", "3A"])
def test_every_caution_can_be_conditional(api_for, officer_north, case, suspect, code):
    # when
    response = api_for(officer_north).post(
        _url(case),
        _body(
            suspect,
            code=code,
            caution_conditions="Attend the Inform Plus course.",
            conditions_due_on="2026-07-31",
        ),
        format="json",
    )
    # then
    assert response.status_code == 201, response.content
    assert response.json()["is_conditional_caution"] is True
    assert response.json()["group"] == "caution"


@pytest.mark.parametrize("code", ["1", "4", "8", "22"])
def test_conditions_with_a_code_that_is_not_a_caution_are_refused(
    api_for, officer_north, case, suspect, code
):
    # when: 4 is "taken into consideration", not a caution
    response = api_for(officer_north).post(
        _url(case),
        _body(suspect, code=code, caution_conditions="Apologise.", conditions_due_on="2026-07-01"),
        format="json",
    )
    # then
    assert _refused(response, "caution_conditions") == [
        "Conditions are recorded only with a caution (outcome 2, 2A, 3 or 3A)."
    ]


@pytest.mark.parametrize("code", ["2", "3"])
def test_a_caution_without_conditions_is_a_simple_caution(
    api_for, officer_north, case, suspect, code
):
    # when
    response = api_for(officer_north).post(_url(case), _body(suspect, code=code), format="json")
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["group"], body["is_conditional_caution"]) == ("caution", False)
    assert (body["caution_conditions"], body["conditions_due_on"]) == ("", None)
    assert body["prosecution_decision_due"] is False


def test_a_due_date_without_conditions_is_refused(api_for, officer_north, case, suspect):
    # when
    response = api_for(officer_north).post(
        _url(case), _body(suspect, code="3", conditions_due_on="2026-07-01"), format="json"
    )
    # then
    assert _refused(response, "conditions_due_on") == [
        "A due date is recorded only with the conditions of a conditional caution."
    ]


def test_conditions_met_are_recorded_once(api_for, officer_north, case, suspect):
    # given
    caution = _caution(officer_north, case, suspect)
    api = api_for(officer_north)
    # when
    response = api.post(_conditions_url(caution), {"met": True}, format="json")
    again = api.post(_conditions_url(caution), {"met": False}, format="json")
    # then
    assert response.status_code == 200, response.content
    assert response.json()["conditions_met"] is True
    assert response.json()["conditions_checked_on"] == "2026-06-15"
    assert response.json()["prosecution_decision_due"] is False
    assert again.status_code == 409
    assert again.json() == {
        "detail": "Whether the conditions were complied with is already recorded.",
        "state": "complied",
    }
    caution.refresh_from_db()
    assert (caution.conditions_met, caution.version) == (True, 2)


def test_conditions_unmet_flag_the_case_for_a_prosecution_decision(
    api_for, officer_north, case, suspect
):
    # given
    caution = _caution(officer_north, case, suspect)
    # when
    response = api_for(officer_north).post(
        _conditions_url(caution), {"met": False, "checked_on": "2026-06-12"}, format="json"
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json()["conditions_met"] is False
    assert response.json()["conditions_checked_on"] == "2026-06-12"
    assert response.json()["prosecution_decision_due"] is True
    assert reports.case_needs_prosecution_decision(case) is True
    assert list(reports.prosecution_decisions_due(actor=officer_north.user)) == [caution]


def test_conditions_checked_before_the_caution_are_refused(api_for, officer_north, case, suspect):
    # given
    caution = _caution(officer_north, case, suspect)
    # when
    response = api_for(officer_north).post(
        _conditions_url(caution), {"met": True, "checked_on": "2026-06-09"}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"checked_on": ["Must not be before the caution."]}
    caution.refresh_from_db()
    assert (caution.conditions_met, caution.conditions_checked_on) == (None, None)


def test_conditions_of_an_outcome_that_is_not_a_conditional_caution_are_409(
    api_for, officer_north, case, suspect
):
    # given
    charged = _recorded(officer_north, case, suspect)
    # when
    response = api_for(officer_north).post(_conditions_url(charged), {"met": True}, format="json")
    # then
    assert response.status_code == 409
    assert response.json()["state"] == "not_conditional_caution"
    charged.refresh_from_db()
    assert charged.conditions_met is None


def test_the_prosecution_decision_flag_flips_the_day_after_the_due_date(
    api_for, officer_north, case, suspect, clock
):
    # given: conditions due on Saturday 20 June, nothing recorded
    caution = _caution(officer_north, case, suspect, due=date(2026, 6, 20))
    api = api_for(officer_north)
    # when: on the due date itself
    clock.move_to(datetime(2026, 6, 20, 22, 30, tzinfo=UTC))  # 23:30 in London
    on_the_day = api.get(_url(case)).json()["results"][0]["prosecution_decision_due"]
    due_on_the_day = list(reports.prosecution_decisions_due(actor=officer_north.user))
    # and the day after
    clock.move_to(datetime(2026, 6, 20, 23, 30, tzinfo=UTC))  # 00:30 on the 21st in London
    next_day = api.get(_url(case)).json()["results"][0]["prosecution_decision_due"]
    due_next_day = list(reports.prosecution_decisions_due(actor=officer_north.user))
    # then
    assert (on_the_day, due_on_the_day) == (False, [])
    assert (next_day, due_next_day) == (True, [caution])
    assert reports.case_needs_prosecution_decision(case) is True


def test_conditions_met_late_clear_the_flag(api_for, officer_north, case, suspect, clock):
    # given
    caution = _caution(officer_north, case, suspect, due=date(2026, 6, 20))
    clock.move_to(datetime(2026, 6, 25, 9, tzinfo=UTC))
    # when
    api_for(officer_north).post(_conditions_url(caution), {"met": True}, format="json")
    # then
    assert list(reports.prosecution_decisions_due(actor=officer_north.user)) == []
    assert reports.case_needs_prosecution_decision(case) is False


def test_prosecution_decisions_due_holds_nothing_of_another_force(
    officer_north, officer_south, case, suspect, clock
):
    # given
    _caution(officer_north, case, suspect, due=date(2026, 6, 20))
    clock.move_to(datetime(2026, 6, 25, 9, tzinfo=UTC))
    # when
    due = list(reports.prosecution_decisions_due(actor=officer_south.user))
    # then
    assert due == []


# --- Who may read and record


def test_a_granted_agency_may_read_outcomes_but_not_record_one(
    api_for, officer_north, officer_south, case, suspect
):
    # given
    other = _suspect(case)
    outcome = _recorded(officer_north, case, suspect)
    grant_case(case, officer_south.agency)
    api = api_for(officer_south)
    # when
    read = api.get(_url(case))
    record = api.post(_url(case), _body(other), format="json")
    conditions = api.post(_conditions_url(outcome), {"met": True}, format="json")
    # then
    assert read.status_code == 200
    assert [item["id"] for item in read.json()["results"]] == [str(outcome.id)]
    assert record.status_code == 404
    assert conditions.status_code == 404
    assert Outcome.objects.count() == 1


def test_a_social_worker_may_not_record_an_outcome(api_for, browser_for, officer_north, case):
    # given: a children's services social worker whose agency was granted the case
    suspect = _suspect(case)
    childrens = AgencyFactory(kind=AgencyKind.CHILDRENS_SERVICES)
    grant_case(case, childrens)
    social_worker = _member(childrens, Role.SOCIAL_WORKER)
    # when
    api_response = api_for(social_worker).post(_url(case), _body(suspect), format="json")
    page = browser_for(social_worker).get(f"/cases/{case.id}/outcomes/new/")
    # then
    assert api_response.status_code == 404
    assert page.status_code == 404
    assert Outcome.objects.count() == 0


def test_another_force_gets_404(api_for, officer_south, case, suspect):
    # when
    read = api_for(officer_south).get(_url(case))
    record = api_for(officer_south).post(_url(case), _body(suspect), format="json")
    # then
    assert (read.status_code, record.status_code) == (404, 404)
    assert Outcome.objects.count() == 0


def test_the_outcome_list_query_count_does_not_grow_with_outcomes(api_for, officer_north, case):
    # given
    api = api_for(officer_north)
    _recorded(officer_north, case, _suspect(case))
    with CaptureQueriesContext(connection) as one:
        api.get(_url(case))
    for _ in range(4):
        _recorded(officer_north, case, _suspect(case))
    # when
    with CaptureQueriesContext(connection) as five:
        response = api.get(_url(case))
    # then
    assert len(response.json()["results"]) == 5
    assert len(five) == len(one)


# --- Pages


def _page(case) -> str:
    return f"/cases/{case.id}/outcomes/new/"


def _form(suspect, **overrides) -> dict:
    return {
        "suspect": str(suspect.id),
        "code": "21",
        "outcome_on": "10/6/2026",
        "rationale": "Consensual sharing between two 16-year-olds.",
        "outcome_21_confirmations": list(OUTCOME_21_CONDITIONS),
        "caution_conditions": "",
        "conditions_due_on": "",
        **overrides,
    }


def test_the_outcome_form_offers_the_suspects_codes_and_confirmations(
    browser_for, officer_north, case, youth
):
    # given: a suspect who already has an outcome is not offered again
    done = _suspect(case, first_name="Dana")
    _recorded(officer_north, case, done)
    # when
    response = browser_for(officer_north).get(_page(case))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{youth.id}"' in html
    assert f"{youth.person.full_name} (17 at the offence)" in html
    assert f'value="{done.id}"' not in html
    assert '<option value="21">21: Further investigation' in html
    assert 'value="19"' not in html
    assert "Required only for Outcome 21 (youth-produced imagery)" in html
    assert html.count('class="govuk-checkboxes__input"') == 7
    assert "There is no evidence of grooming" in html


def test_the_outcome_form_records_outcome_21_and_returns_to_the_case(
    browser_for, officer_north, case, youth
):
    # when
    response = browser_for(officer_north).post(_page(case), _form(youth))
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.id}/events/#outcomes"
    outcome = Outcome.objects.get()
    assert (outcome.code, outcome.outcome_on) == ("21", date(2026, 6, 10))
    assert outcome.outcome_21_confirmations == ALL_CONFIRMED


def test_the_outcome_form_shows_the_service_errors_in_the_summary(
    browser_for, officer_north, case, youth
):
    # when: one condition unticked
    confirmations = [key for key in OUTCOME_21_CONDITIONS if key != "no_grooming"]
    response = browser_for(officer_north).post(
        _page(case), _form(youth, outcome_21_confirmations=confirmations)
    )
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert (
        '<a href="#id_outcome_21_confirmations">Confirm this condition of Outcome 21: '
        "There is no evidence of grooming.</a>"
    ) in html
    assert Outcome.objects.count() == 0


def test_the_outcome_form_refuses_an_adult_for_outcome_21(
    browser_for, officer_north, case, suspect
):
    # when
    response = browser_for(officer_north).post(_page(case), _form(suspect))
    # then
    assert response.status_code == 200
    assert (
        '<a href="#id_code">Outcome 21 is for suspects under 18; this suspect was 36 at the '
        "offence.</a>"
    ) in response.content.decode()
    assert Outcome.objects.count() == 0


def test_a_granted_agency_gets_404_for_the_outcome_form(browser_for, officer_south, case, suspect):
    # given
    grant_case(case, officer_south.agency)
    # when
    response = browser_for(officer_south).post(_page(case), _form(suspect, code="1"))
    # then
    assert response.status_code == 404
    assert Outcome.objects.count() == 0


def test_the_conditions_page_records_unmet_conditions(browser_for, officer_north, case, suspect):
    # given
    caution = _caution(officer_north, case, suspect)
    browser = browser_for(officer_north)
    path = f"/cases/{case.id}/outcomes/{caution.id}/conditions/"
    # when
    looked = browser.get(path)
    response = browser.post(path, {"met": "no"})
    # then
    assert looked.status_code == 405
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.id}/events/#outcomes"
    caution.refresh_from_db()
    assert (caution.conditions_met, caution.conditions_checked_on) == (False, TODAY)


def test_the_conditions_page_needs_an_answer(browser_for, officer_north, case, suspect):
    # given
    caution = _caution(officer_north, case, suspect)
    # when
    response = browser_for(officer_north).post(
        f"/cases/{case.id}/outcomes/{caution.id}/conditions/", {}
    )
    # then
    assert response.status_code == 302
    caution.refresh_from_db()
    assert caution.conditions_met is None


def test_outcome_dates_move_with_the_clock(api_for, officer_north, case, suspect, clock):
    # given: a week on, the date that was in the future is allowed
    clock.move_to(NOW + timedelta(days=7))
    # when
    response = api_for(officer_north).post(
        _url(case), _body(suspect, outcome_on="2026-06-16"), format="json"
    )
    # then
    assert response.status_code == 201
