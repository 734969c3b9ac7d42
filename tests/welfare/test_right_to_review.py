"""The Victims' Right to Review (docs/adr/0017), through its services: a decision not
to charge opens the duty to tell each victim of their right (not a charge, not an
outcome the schemes leave out); the request's window and review deadline; a reviewer
who had no part in the case; the result told to the victim; every refusal names its
field and changes nothing."""

from datetime import UTC, date, datetime

import pytest

from agencies.models import Role
from cases.events import INVESTIGATION_EVENT_RECORDED, PARTY_ADDED, handlers_for
from cases.models import ContactLog, EventKind, KeyDecision, PartyRole
from cases.services.events import investigation_event_record
from cases.services.records import contact_log
from common.errors import AccessDenied, InvalidState, ValidationError
from tests.factories import CaseFactory, PartyFactory
from tests.factories_vrr import decision_record, member
from welfare.models import (
    Duty,
    DutyKind,
    DutyStatus,
    ReviewRequest,
    ReviewScheme,
    ReviewStatus,
    ServiceLevel,
    VictimCare,
)
from welfare.services.duty_meet import duty_meet_by_contact
from welfare.services.right_to_review import (
    review_assign,
    review_decide,
    review_request_record,
    review_withdraw,
)

# Monday 15 June 2026, 10:30 in London.
NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def investigator_north(north, north_team):
    return member(north, Role.SPECIALIST_INVESTIGATOR, "investigator.north", north_team)


@pytest.fixture
def case(north, north_team, officer_north, supervisor_north):
    return CaseFactory(
        owning_agency=north,
        team=north_team,
        lead_officer=officer_north.user,
        received_on=date(2026, 1, 5),
        opened_on=date(2026, 1, 5),
    )


@pytest.fixture
def victim(case):
    return PartyFactory(case=case, role=PartyRole.VICTIM)


@pytest.fixture
def suspect(case):
    return PartyFactory(case=case, role=PartyRole.SUSPECT)


def _tell_duty(victim) -> Duty:
    return Duty.objects.get(party=victim, kind=DutyKind.RIGHT_TO_REVIEW)


def _told(officer, victim, at: datetime, channel="phone") -> Duty:
    return duty_meet_by_contact(
        actor=officer.user,
        duty=_tell_duty(victim),
        channel=channel,
        summary="Told them of the decision and of their right to ask for a review.",
        contacted_at=at,
    )


def _request(officer, case, victim, outcome, received_on=date(2026, 6, 15), **more):
    values = {"requested_by": "victim", "representative": "", "grounds": ""} | more
    return review_request_record(
        actor=officer.user,
        case=case,
        victim=victim,
        outcome=outcome,
        received_on=received_on,
        **values,
    )


def test_the_handlers_are_registered():
    assert "welfare.right_to_review" in handlers_for(INVESTIGATION_EVENT_RECORDED)
    assert "welfare.right_to_review" in handlers_for(PARTY_ADDED)


# --- The duty to tell the victim


def test_a_decision_not_to_charge_opens_the_duty_to_tell_each_victim(
    case, victim, suspect, officer_north
):
    # given another victim
    second = PartyFactory(case=case, role=PartyRole.VICTIM)
    # when
    outcome = decision_record(officer_north.user, case, suspect, code="15")
    # then one duty per victim, in the victim compartment, on their named contact
    duties = Duty.objects.filter(kind=DutyKind.RIGHT_TO_REVIEW).order_by("created_at")
    assert {d.party_id for d in duties} == {victim.pk, second.pk}
    duty = _tell_duty(victim)
    assert duty.compartment == "victim"
    assert duty.status == DutyStatus.OPEN
    assert duty.responsible == officer_north.user
    assert duty.trigger == "decision_not_to_charge"
    assert duty.reason == "Decision not to charge, 10 June 2026: outcome 15 (the police scheme)"
    assert duty.source_key == f"outcome:{outcome.pk}:right_to_review:{victim.pk}"
    # the enhanced service (a sexual offence): 1 working day from the decision (noon,
    # Wednesday 10 June), so 17:00 BST on Thursday 11 June
    assert duty.due_at == datetime(2026, 6, 11, 16, 0, tzinfo=UTC)


def test_a_standard_victim_is_told_within_5_working_days(case, victim, suspect, officer_north):
    # given
    VictimCare.objects.create(
        case=case, party=victim, service_level=ServiceLevel.STANDARD, enhanced_reason=""
    )
    # when
    decision_record(officer_north.user, case, suspect, code="10")
    # then Wednesday 10 June + 5 working days: Wednesday 17 June, 17:00 BST
    assert _tell_duty(victim).due_at == datetime(2026, 6, 17, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("code", ["9", "10", "12", "13", "15"])
def test_each_decision_not_to_charge_opens_it(code, case, victim, suspect, officer_north):
    decision_record(officer_north.user, case, suspect, code=code)
    assert Duty.objects.filter(party=victim, kind=DutyKind.RIGHT_TO_REVIEW).count() == 1


@pytest.mark.parametrize(
    "code",
    ["1", "1A", "3", "4", "5", "6", "8", "11", "14", "16", "17", "18", "20", "22"],
)
def test_a_charge_or_an_outcome_the_schemes_leave_out_opens_none(
    code, case, victim, suspect, officer_north
):
    decision_record(officer_north.user, case, suspect, code=code)
    assert not Duty.objects.filter(kind=DutyKind.RIGHT_TO_REVIEW).exists()
    # the victim's update about the outcome is still owed
    assert Duty.objects.filter(party=victim, kind=DutyKind.VICTIM_UPDATE).count() == 1


def test_a_victim_added_after_the_decision_is_owed_it_too(case, suspect, officer_north):
    from cases.services.people import party_add_for_person

    decision_record(officer_north.user, case, suspect, code="15")
    # when
    late = party_add_for_person(
        actor=officer_north.user,
        case=case,
        person=None,
        new_person={"first_name": "Late", "last_name": "Victim"},
        role="victim",
    )
    # then
    assert _tell_duty(late).status == DutyStatus.OPEN


def test_the_duty_is_met_by_a_logged_contact_a_letter_included(
    case, victim, suspect, officer_north
):
    decision_record(officer_north.user, case, suspect)
    # when
    met = _told(officer_north, victim, datetime(2026, 6, 11, 9, 0, tzinfo=UTC), channel="letter")
    # then
    assert met.status == DutyStatus.MET
    assert met.contact.channel == "letter"
    assert met.resolved_at == datetime(2026, 6, 11, 9, 0, tzinfo=UTC)


# --- The request


def test_a_request_stores_its_window_and_review_deadline(case, victim, suspect, officer_north):
    # given told on Thursday 11 June
    outcome = decision_record(officer_north.user, case, suspect)
    _told(officer_north, victim, datetime(2026, 6, 11, 9, 0, tzinfo=UTC))
    # when
    request = _request(
        officer_north,
        case,
        victim,
        outcome,
        requested_by="representative",
        representative="Mother, Jane Smith",
    )
    # then 3 months from being told; 30 working days from receipt (Monday 15 June)
    assert request.scheme == ReviewScheme.POLICE
    assert request.status == ReviewStatus.REQUESTED
    assert request.window_ends_on == date(2026, 9, 11)
    assert request.review_due_at == datetime(2026, 7, 27, 16, 0, tzinfo=UTC)
    assert request.representative == "Mother, Jane Smith"
    assert request.history.count() == 1


@pytest.fixture
def told_in_january(case, victim, suspect, officer_north):
    """Decided Monday 12 January, told Tuesday 13 January: the window ends 13 April."""
    outcome = decision_record(officer_north.user, case, suspect, on=date(2026, 1, 12))
    _told(officer_north, victim, datetime(2026, 1, 13, 10, 0, tzinfo=UTC))
    return outcome


def test_a_request_on_the_windows_last_day_is_in_time(told_in_january, case, victim, officer_north):
    request = _request(officer_north, case, victim, told_in_january, received_on=date(2026, 4, 13))
    assert request.window_ends_on == date(2026, 4, 13)


def _nothing_recorded():
    assert ReviewRequest.objects.count() == 0


def test_a_request_out_of_time_is_refused_on_received_on(
    told_in_january, case, victim, officer_north
):
    with pytest.raises(ValidationError) as refused:
        _request(officer_north, case, victim, told_in_january, received_on=date(2026, 4, 14))
    assert refused.value.message_dict == {
        "received_on": [
            "Out of time: the victim could ask until 13 April 2026 (3 months from being told "
            "of the decision), and asked on 14 April 2026."
        ]
    }
    _nothing_recorded()


def test_a_request_on_a_case_with_no_decision_not_to_charge_is_refused(case, victim, officer_north):
    with pytest.raises(ValidationError) as refused:
        _request(officer_north, case, victim, None)
    assert refused.value.message_dict == {
        "outcome": ["This case has no decision not to charge to review."]
    }
    _nothing_recorded()


def test_a_request_about_a_charge_is_refused(case, victim, suspect, officer_north):
    charged = decision_record(officer_north.user, case, suspect, code="1")
    with pytest.raises(ValidationError) as refused:
        _request(officer_north, case, victim, charged)
    assert refused.value.message_dict["outcome"] == [
        "Outcome 1 is not a decision not to charge: the scheme reviews outcomes 9, 10, 12, "
        "13 and 15 only."
    ]
    _nothing_recorded()


def test_a_cps_decision_is_told_but_its_review_is_the_cps_s(case, victim, suspect, officer_north):
    # given the file went to the prosecutor, who decided not to charge on the evidence
    investigation_event_record(
        actor=officer_north.user,
        case=case,
        suspect=suspect,
        kind=EventKind.PASSED_TO_PROSECUTOR,
        occurred_at=datetime(2026, 6, 1, 9, 0, tzinfo=UTC),
    )
    outcome = decision_record(officer_north.user, case, suspect, code="15")
    assert _tell_duty(victim).reason.endswith("(the CPS's scheme)")
    # when / then
    with pytest.raises(ValidationError) as refused:
        _request(officer_north, case, victim, outcome)
    assert list(refused.value.message_dict) == ["outcome"]
    _nothing_recorded()


def test_a_representative_must_be_named_and_a_date_given(case, victim, suspect, officer_north):
    outcome = decision_record(officer_north.user, case, suspect)
    with pytest.raises(ValidationError) as refused:
        _request(
            officer_north, case, victim, outcome, received_on=None, requested_by="representative"
        )
    assert set(refused.value.message_dict) == {"representative", "received_on"}
    _nothing_recorded()


def test_a_second_open_request_about_the_same_decision_is_a_conflict(
    case, victim, suspect, officer_north
):
    outcome = decision_record(officer_north.user, case, suspect)
    _request(officer_north, case, victim, outcome)
    with pytest.raises(InvalidState) as refused:
        _request(officer_north, case, victim, outcome)
    assert refused.value.state == "requested"
    assert ReviewRequest.objects.count() == 1


# --- The reviewer: independent of the case


@pytest.fixture
def request_(case, victim, suspect, officer_north):
    outcome = decision_record(officer_north.user, case, suspect)
    _told(officer_north, victim, datetime(2026, 6, 11, 9, 0, tzinfo=UTC))
    return _request(officer_north, case, victim, outcome)


def _unchanged(request) -> None:
    request.refresh_from_db()
    assert (request.status, request.reviewer_id, request.version) == ("requested", None, 1)


def test_a_supervisor_assigns_an_officer_who_had_no_part(
    request_, supervisor_north, investigator_north
):
    assigned = review_assign(
        actor=supervisor_north.user, request=request_, reviewer=investigator_north.user
    )
    assert (assigned.status, assigned.reviewer, assigned.assigned_by, assigned.version) == (
        ReviewStatus.ASSIGNED,
        investigator_north.user,
        supervisor_north.user,
        2,
    )


@pytest.mark.parametrize(
    ("who", "why"),
    [
        ("lead", "is the case's lead officer"),
        ("recorder", "recorded the decision under review"),
        ("contact", "logged a contact in the case"),
    ],
)
def test_an_officer_involved_in_the_case_is_refused(
    who, why, request_, case, victim, north, north_team, supervisor_north, officer_north
):
    other = member(north, Role.SPECIALIST_INVESTIGATOR, "investigator.two", north_team)
    if who == "lead":
        case.lead_officer = other.user
        case.save(update_fields=["lead_officer"])
    elif who == "recorder":
        request_.outcome.recorded_by = other.user
        request_.outcome.save(update_fields=["recorded_by"])
    else:
        contact_log(
            actor=other.user, case=case, party=victim, channel="phone", summary="Spoke to mum."
        )
    with pytest.raises(ValidationError) as refused:
        review_assign(actor=supervisor_north.user, request=request_, reviewer=other.user)
    assert refused.value.message_dict == {
        "reviewer": [
            f"{other.full_name} {why}: the review must be by an officer who had no part in "
            "the case."
        ]
    }
    _unchanged(request_)


def test_a_generalist_officer_does_not_review(request_, north, north_team, supervisor_north):
    other = member(north, Role.GENERALIST_OFFICER, "officer.two", north_team)
    with pytest.raises(ValidationError) as refused:
        review_assign(actor=supervisor_north.user, request=request_, reviewer=other.user)
    assert list(refused.value.message_dict) == ["reviewer"]
    _unchanged(request_)


def test_only_a_supervisor_assigns(request_, officer_north, investigator_north):
    with pytest.raises(AccessDenied):
        review_assign(actor=officer_north.user, request=request_, reviewer=investigator_north.user)
    _unchanged(request_)


# --- The result


@pytest.fixture
def assigned(request_, supervisor_north, investigator_north):
    return review_assign(
        actor=supervisor_north.user, request=request_, reviewer=investigator_north.user
    )


def test_the_reviewer_decides_and_the_victim_is_owed_the_result(
    assigned, investigator_north, officer_north, victim
):
    # when
    decided = review_decide(
        actor=investigator_north.user,
        request=assigned,
        result="overturned",
        reason="The platform's login records were never requested: they may attribute it.",
    )
    # then
    assert (decided.status, decided.closed_by, decided.closed_at) == (
        ReviewStatus.OVERTURNED,
        investigator_north.user,
        NOW,
    )
    decision = KeyDecision.objects.get(case=assigned.case)
    assert decision.decided_by == investigator_north.user
    assert "overturned: the investigation goes on" in decision.decision
    result = Duty.objects.get(party=victim, kind=DutyKind.RIGHT_TO_REVIEW_RESULT)
    # 1 working day from the decision: Tuesday 16 June, 17:00 BST
    assert result.due_at == datetime(2026, 6, 16, 16, 0, tzinfo=UTC)
    assert result.responsible == officer_north.user
    assert result.reason == "Review decided on 15 June 2026: the decision was overturned"
    # and a logged contact meets it
    met = duty_meet_by_contact(
        actor=officer_north.user,
        duty=result,
        channel="visit",
        summary="Told Ruby and her mother the review's result and what happens next.",
    )
    assert met.status == DutyStatus.MET
    assert assigned.history.count() == 3


def test_a_result_without_a_reason_is_refused(assigned, investigator_north):
    with pytest.raises(ValidationError) as refused:
        review_decide(actor=investigator_north.user, request=assigned, result="upheld", reason=" ")
    assert refused.value.message_dict == {
        "reason": ["Enter the reasons for the result: the victim is told them."]
    }
    assigned.refresh_from_db()
    assert (assigned.status, assigned.version) == ("assigned", 2)
    assert not Duty.objects.filter(kind=DutyKind.RIGHT_TO_REVIEW_RESULT).exists()
    assert not KeyDecision.objects.exists()


def test_a_reviewer_who_came_to_work_the_case_may_not_decide(assigned, investigator_north, victim):
    contact_log(
        actor=investigator_north.user,
        case=assigned.case,
        party=victim,
        channel="phone",
        summary="Called the mother back.",
    )
    contacts = ContactLog.objects.count()
    with pytest.raises(ValidationError) as refused:
        review_decide(
            actor=investigator_north.user, request=assigned, result="upheld", reason="Stands."
        )
    assert list(refused.value.message_dict) == ["reviewer"]
    assigned.refresh_from_db()
    assert assigned.status == "assigned"
    assert ContactLog.objects.count() == contacts


def test_only_the_assigned_reviewer_decides(assigned, supervisor_north):
    with pytest.raises(AccessDenied):
        review_decide(actor=supervisor_north.user, request=assigned, result="upheld", reason="x")
    assigned.refresh_from_db()
    assert assigned.status == "assigned"


def test_an_unassigned_request_cannot_be_decided(request_, investigator_north):
    with pytest.raises(InvalidState) as refused:
        review_decide(actor=investigator_north.user, request=request_, result="upheld", reason="x")
    assert refused.value.state == "requested"
    _unchanged(request_)


def test_a_withdrawal_needs_what_the_victim_said(request_, officer_north):
    with pytest.raises(ValidationError) as refused:
        review_withdraw(actor=officer_north.user, request=request_, reason="")
    assert list(refused.value.message_dict) == ["reason"]
    _unchanged(request_)
    withdrawn = review_withdraw(
        actor=officer_north.user, request=request_, reason="Mum no longer wants it reviewed."
    )
    assert withdrawn.status == ReviewStatus.WITHDRAWN
    assert not Duty.objects.filter(kind=DutyKind.RIGHT_TO_REVIEW_RESULT).exists()
