"""Strategy discussions and the deadlines they set, from the one working-day
calendar: across weekends, bank holidays and the clock change."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from agencies.models import AccessLogEntry, Role
from agencies.working_days import deadline_status
from common.errors import AccessDenied, InvalidState, ValidationError
from safeguarding.deadlines import (
    strategy_children_with_deadlines,
)
from safeguarding.models import StrategyDiscussion, StrategyDiscussionChild
from safeguarding.services.child_protection import (
    strategy_assessment_completed,
    strategy_conference_held,
    strategy_discussion_record,
)
from safeguarding.views.strategy import strategy_section
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TOTPDeviceFactory,
    grant_case,
)
from tests.safeguarding.pages import error_summary

LONDON = ZoneInfo("Europe/London")
# Tuesday 22 December 2026, 10:00: Christmas (Fri 25), Boxing Day's substitute
# (Mon 28) and New Year's Day (Fri 1 January 2027) fall in the next 15 working days.
HELD_AT = datetime(2026, 12, 22, 10, 0, tzinfo=LONDON)
RECORDED_AT = datetime(2026, 12, 22, 11, 30, tzinfo=LONDON)


def _member(agency, role, username):
    membership = MembershipFactory(agency=agency, role=role, user__username=username)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def childrens(db):
    return AgencyFactory(
        slug="northshire-childrens-services",
        name="Northshire Children's Services",
        childrens_services=True,
    )


@pytest.fixture
def mash(db):
    return AgencyFactory(slug="northshire-mash", name="Northshire MASH", mash=True)


@pytest.fixture
def social_worker(childrens):
    return _member(childrens, Role.SOCIAL_WORKER, "social.worker")


@pytest.fixture
def coordinator(mash):
    return _member(mash, Role.MASH_COORDINATOR, "coordinator.mash")


@pytest.fixture
def case(childrens):
    return CaseFactory(
        owning_agency=childrens, reference="NC-2026-000001", received_on=date(2026, 12, 22)
    )


@pytest.fixture
def child(case):
    return PartyFactory(
        case=case,
        role="victim",
        person__first_name="Robin",
        person__last_name="Fictional",
        person__date_of_birth=date(2013, 6, 1),
    )


def _body(subject, **changes) -> dict:
    return {
        "child": str(subject.id),
        "held_at": HELD_AT.isoformat(),
        "agencies_present": "Police, children's services, school nurse",
        "section_47_started": True,
        "rationale": "Reasonable cause to suspect the child is suffering significant harm.",
        **changes,
    }


def _post(client, case, body):
    return client.post(
        reverse("api:case-strategy-discussions", args=[case.id]), body, format="json"
    )


# --- The deadlines


def test_the_conference_and_assessment_are_due_by_the_one_calendar(
    social_worker, case, child, api_for
):
    # when
    with time_machine.travel(RECORDED_AT, tick=False):
        response = _post(api_for(social_worker), case, _body(child))
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    # 15 working days from Tuesday 22 December 2026 skip 25 and 28 December and
    # 1 January 2027 (and the weekends): Friday 15 January 2027 at 17:00 (GMT).
    assert body["children"][0]["conference_due_at"] == "2027-01-15T17:00:00Z"
    # 45 working days from the referral (the day the case was received).
    assert body["children"][0]["assessment_due_at"] == "2027-02-26T17:00:00Z"
    assert body["referral_received_on"] == "2026-12-22"
    assert body["children"][0]["conference"] == {
        "due_at": "2027-01-15T17:00:00Z",
        "done_on": None,
        "overdue": False,
        "working_days_left": 15,
        "working_days_late": None,
        "summary": "Due in 15 working days",
    }
    assert body["children"][0]["assessment"]["working_days_left"] == 45
    discussion = StrategyDiscussion.objects.get()
    assert discussion.decisions.get().conference_due_at == datetime(
        2027, 1, 15, 17, 0, tzinfo=LONDON
    )
    assert discussion.recorded_by_id == social_worker.user_id
    assert AccessLogEntry.objects.filter(action="safeguarding.strategy.recorded").count() == 1


def test_the_conference_deadline_crosses_easter_and_the_clock_change(social_worker, case, child):
    # given: Friday 20 March 2026; clocks go forward on 29 March; Good Friday is
    # 3 April and Easter Monday 6 April.
    held_at = datetime(2026, 3, 20, 10, 0, tzinfo=LONDON)
    # when
    with time_machine.travel(held_at + timedelta(hours=1), tick=False):
        discussion = strategy_discussion_record(
            actor=social_worker.user,
            case=case,
            child=child,
            held_at=held_at,
            agencies_present="Police, children's services",
            section_47_started=True,
            rationale="Significant harm suspected.",
            referral_received_on=date(2026, 3, 19),
        )
    # then: Tuesday 14 April 2026, 17:00 British Summer Time (16:00 UTC)
    assert discussion.decisions.get().conference_due_at == datetime(2026, 4, 14, 16, 0, tzinfo=UTC)


def test_a_discussion_after_the_working_day_counts_from_the_next(social_worker, case, child):
    # given: Friday 18 December 2026 at 18:00, after the working day
    held_at = datetime(2026, 12, 18, 18, 0, tzinfo=LONDON)
    # when
    with time_machine.travel(RECORDED_AT, tick=False):
        discussion = strategy_discussion_record(
            actor=social_worker.user,
            case=case,
            child=child,
            held_at=held_at,
            agencies_present="Police, children's services",
            section_47_started=True,
            rationale="Significant harm suspected.",
            referral_received_on=date(2026, 12, 18),
        )
    # then: counting starts on Monday 21 December: due Thursday 14 January 2027
    assert discussion.decisions.get().conference_due_at == datetime(
        2027, 1, 14, 17, 0, tzinfo=LONDON
    )


def test_no_deadlines_when_section_47_enquiries_do_not_start(social_worker, case, child, api_for):
    # when
    with time_machine.travel(RECORDED_AT, tick=False):
        response = _post(api_for(social_worker), case, _body(child, section_47_started=False))
    # then
    assert response.status_code == 201
    body = response.json()
    assert (
        body["children"][0]["section_47_started"],
        body["children"][0]["conference_due_at"],
        body["children"][0]["assessment_due_at"],
        body["children"][0]["conference"],
        body["children"][0]["assessment"],
    ) == (False, None, None, None, None)


def test_the_deadlines_read_late_after_they_pass(social_worker, case, child, api_for):
    # given
    with time_machine.travel(RECORDED_AT, tick=False):
        _post(api_for(social_worker), case, _body(child))
    # when: Tuesday 19 January 2027, two working days after the conference was due
    with time_machine.travel(datetime(2027, 1, 19, 9, 0, tzinfo=LONDON), tick=False):
        response = api_for(social_worker).get(
            reverse("api:case-strategy-discussions", args=[case.id])
        )
    # then
    (discussion,) = response.json()["results"]
    assert discussion["children"][0]["conference"] == {
        "due_at": "2027-01-15T17:00:00Z",
        "done_on": None,
        "overdue": True,
        "working_days_left": None,
        "working_days_late": 2,
        "summary": "2 working days late",
    }


# --- Who may record, and bad input


def test_a_police_officer_may_read_but_not_record(officer_north, north, api_for):
    # given: a police case with a child
    police_case = CaseFactory(owning_agency=north)
    victim = PartyFactory(case=police_case, role="victim", person__date_of_birth=date(2013, 6, 1))
    client = api_for(officer_north)
    # when
    with time_machine.travel(RECORDED_AT, tick=False):
        recorded = _post(client, police_case, _body(victim))
        listed = client.get(reverse("api:case-strategy-discussions", args=[police_case.id]))
    # then
    assert recorded.status_code == 404
    assert listed.status_code == 200
    assert StrategyDiscussion.objects.count() == 0


def test_a_granted_childrens_services_agency_records_on_a_police_case(
    social_worker, officer_north, north, api_for
):
    # given
    police_case = CaseFactory(owning_agency=north, received_on=date(2026, 12, 21))
    victim = PartyFactory(case=police_case, role="victim", person__date_of_birth=date(2013, 6, 1))
    grant_case(police_case, social_worker.agency)
    # when
    with time_machine.travel(RECORDED_AT, tick=False):
        response = _post(api_for(social_worker), police_case, _body(victim))
    # then
    assert response.status_code == 201
    assert response.json()["referral_received_on"] == "2026-12-21"
    # and the police see it on their case
    listed = api_for(officer_north).get(
        reverse("api:case-strategy-discussions", args=[police_case.id])
    )
    assert [d["id"] for d in listed.json()["results"]] == [response.json()["id"]]


def test_without_a_grant_a_police_case_does_not_exist_for_childrens_services(
    social_worker, north, api_for
):
    police_case = CaseFactory(owning_agency=north)
    victim = PartyFactory(case=police_case, role="victim")
    with time_machine.travel(RECORDED_AT, tick=False):
        response = _post(api_for(social_worker), police_case, _body(victim))
    assert response.status_code == 404
    assert StrategyDiscussion.objects.count() == 0


def test_a_mash_coordinator_records_on_a_hub_case(coordinator, mash, api_for):
    hub_case = CaseFactory(owning_agency=mash, received_on=date(2026, 12, 22))
    victim = PartyFactory(case=hub_case, role="child_in_household")
    victim.person.date_of_birth = date(2019, 1, 1)
    victim.person.save()
    with time_machine.travel(RECORDED_AT, tick=False):
        response = _post(api_for(coordinator), hub_case, _body(victim))
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"held_at": "2026-12-23T10:00:00Z"}, "held_at"),
        ({"referral_received_on": "2026-12-23"}, "held_at"),
        ({"agencies_present": " "}, "agencies_present"),
        ({"rationale": ""}, "rationale"),
        ({"section_47_started": None}, "section_47_started"),
        ({"child": "00000000-0000-0000-0000-000000000000"}, "child"),
    ],
    ids=["held in the future", "before the referral", "present", "rationale", "s47", "child"],
)
def test_each_part_of_a_discussion_is_checked(social_worker, case, child, api_for, changes, field):
    # when
    with time_machine.travel(RECORDED_AT, tick=False):
        response = _post(api_for(social_worker), case, _body(child, **changes))
    # then
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert StrategyDiscussion.objects.count() == 0


def test_a_discussion_is_about_a_child(social_worker, case, child, api_for):
    # given: the suspect, and a victim who was an adult on the day
    suspect = PartyFactory(case=case, role="suspect")
    adult = PartyFactory(case=case, role="victim", person__date_of_birth=date(1990, 1, 1))
    client = api_for(social_worker)
    # when
    with time_machine.travel(RECORDED_AT, tick=False):
        for_suspect = _post(client, case, _body(suspect))
        for_adult = _post(client, case, _body(adult))
    # then
    assert for_suspect.json()["errors"] == {
        "child": ["Choose a child: a victim or a child in the household."]
    }
    assert for_adult.json()["errors"] == {
        "child": ["Choose a child: this person was 36 on the day."]
    }
    assert StrategyDiscussion.objects.count() == 0


def test_a_closed_case_takes_no_new_discussion(social_worker, case, child):
    case.status = "closed"
    case.closed_on = date(2026, 12, 21)
    case.closing_reason = "no_further_action"
    case.save()
    with time_machine.travel(RECORDED_AT, tick=False), pytest.raises(InvalidState) as refused:
        strategy_discussion_record(
            actor=social_worker.user,
            case=case,
            child=child,
            held_at=HELD_AT,
            agencies_present="Police",
            section_47_started=True,
            rationale="Significant harm suspected.",
        )
    assert refused.value.state == "closed"
    assert StrategyDiscussion.objects.count() == 0


# --- The conference and the assessment, each recorded once


@pytest.fixture
def discussion(social_worker, case, child):
    with time_machine.travel(RECORDED_AT, tick=False):
        return strategy_discussion_record(
            actor=social_worker.user,
            case=case,
            child=child,
            held_at=HELD_AT,
            agencies_present="Police, children's services",
            section_47_started=True,
            rationale="Significant harm suspected.",
        )


def _step(client, case, discussion, name, body):
    return client.post(
        reverse(f"api:case-strategy-{name}", args=[case.id, discussion.id]), body, format="json"
    )


def test_the_conference_is_recorded_as_held_once(social_worker, case, discussion, api_for):
    client = api_for(social_worker)
    with time_machine.travel(datetime(2027, 1, 12, 15, 0, tzinfo=LONDON), tick=False):
        # when
        held = _step(client, case, discussion, "conference-held", {"held_on": "2027-01-12"})
        again = _step(client, case, discussion, "conference-held", {"held_on": "2027-01-13"})
    # then
    assert held.status_code == 200
    assert held.json()["children"][0]["conference_held_on"] == "2027-01-12"
    assert held.json()["children"][0]["conference"]["summary"] == "Done on time"
    assert again.status_code == 409
    assert again.json() == {
        "detail": "The conference is already recorded as held on 12/01/2027.",
        "state": "conference_held",
    }
    discussion.refresh_from_db()
    assert discussion.decisions.get().conference_held_on == date(2027, 1, 12)


def test_a_late_conference_says_how_late(social_worker, case, discussion, api_for):
    with time_machine.travel(datetime(2027, 1, 20, 15, 0, tzinfo=LONDON), tick=False):
        held = _step(
            api_for(social_worker), case, discussion, "conference-held", {"held_on": "2027-01-19"}
        )
    assert held.json()["children"][0]["conference"]["working_days_late"] == 2
    assert held.json()["children"][0]["conference"]["summary"] == "Done 2 working days late"


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        ("2027-01-13", "Must not be in the future."),
        ("2026-12-21", "Must not be before the strategy discussion."),
    ],
)
def test_the_conference_date_is_checked(social_worker, case, discussion, api_for, held_on, message):
    with time_machine.travel(datetime(2027, 1, 12, 15, 0, tzinfo=LONDON), tick=False):
        response = _step(
            api_for(social_worker), case, discussion, "conference-held", {"held_on": held_on}
        )
    assert response.status_code == 400
    assert response.json()["errors"] == {"held_on": [message]}
    discussion.refresh_from_db()
    assert discussion.decisions.get().conference_held_on is None


def test_the_assessment_is_recorded_as_completed_once(social_worker, case, discussion, api_for):
    client = api_for(social_worker)
    with time_machine.travel(datetime(2027, 2, 1, 15, 0, tzinfo=LONDON), tick=False):
        done = _step(
            client, case, discussion, "assessment-completed", {"completed_on": "2027-02-01"}
        )
        again = _step(
            client, case, discussion, "assessment-completed", {"completed_on": "2027-02-01"}
        )
    assert done.status_code == 200
    assert done.json()["children"][0]["assessment_completed_on"] == "2027-02-01"
    assert again.status_code == 409
    assert again.json()["state"] == "assessment_completed"


def test_no_conference_is_recorded_without_section_47_enquiries(social_worker, case, child):
    # given
    with time_machine.travel(RECORDED_AT, tick=False):
        discussion = strategy_discussion_record(
            actor=social_worker.user,
            case=case,
            child=child,
            held_at=HELD_AT,
            agencies_present="Police",
            section_47_started=False,
            rationale="Child in need support instead.",
        )
    # when
    with pytest.raises(InvalidState) as refused:
        strategy_conference_held(
            actor=social_worker.user, row=discussion.decisions.get(), held_on=date(2026, 12, 22)
        )
    # then
    assert refused.value.state == "no_section_47"
    discussion.refresh_from_db()
    assert discussion.decisions.get().conference_held_on is None


def test_a_police_officer_cannot_record_the_steps(officer_north, discussion, social_worker):
    # given: the police may see the case
    grant_case(discussion.case, officer_north.agency)
    # when / then
    with pytest.raises(AccessDenied):
        strategy_assessment_completed(
            actor=officer_north.user,
            row=discussion.decisions.get(),
            completed_on=date(2026, 12, 22),
        )
    discussion.refresh_from_db()
    assert discussion.decisions.get().assessment_completed_on is None


def test_a_date_and_time_is_not_a_date(social_worker, discussion):
    with pytest.raises(ValidationError) as refused:
        strategy_conference_held(
            actor=social_worker.user, row=discussion.decisions.get(), held_on=HELD_AT
        )
    assert refused.value.message_dict == {"held_on": ["Enter a date, not a date and time."]}


# --- Pages


def test_the_page_records_a_discussion(social_worker, case, child, browser_for):
    url = reverse("case-strategy-create", args=[case.id])
    with time_machine.travel(RECORDED_AT, tick=False):
        client = browser_for(social_worker)
        page = client.get(url)
        response = client.post(
            url,
            {
                "child": str(child.id),
                "held_on": "22/12/2026",
                "held_time": "10:00",
                "agencies_present": "Police, children's services",
                "section_47_started": "yes",
                "rationale": "Significant harm suspected.",
                "referral_received_on": "",
            },
            follow=True,
        )
    assert page.status_code == 200
    assert "Robin Fictional (victim)" in page.content.decode()
    assert response.redirect_chain[0][0] == f"/cases/{case.id}/strategy/#strategy-discussions"
    discussion = StrategyDiscussion.objects.get()
    assert discussion.held_at == HELD_AT
    assert discussion.referral_received_on == date(2026, 12, 22)
    assert discussion.decisions.get().section_47_started is True


def test_the_page_shows_errors_on_its_fields(social_worker, case, child, browser_for):
    with time_machine.travel(RECORDED_AT, tick=False):
        response = browser_for(social_worker).post(
            reverse("case-strategy-create", args=[case.id]),
            {
                "child": str(child.id),
                "held_on": "23/12/2026",
                "held_time": "10:00",
                "agencies_present": "Police",
                "section_47_started": "no",
                "rationale": "Not needed.",
            },
        )
    assert response.status_code == 200
    assert 'href="#id_held_on"' in response.content.decode()
    assert StrategyDiscussion.objects.count() == 0


def test_the_page_records_the_conference_as_held(social_worker, case, discussion, browser_for):
    url = reverse("case-strategy-conference-held", args=[case.id, discussion.id])
    with time_machine.travel(datetime(2027, 1, 12, 15, 0, tzinfo=LONDON), tick=False):
        client = browser_for(social_worker)
        page = client.get(url)
        response = client.post(url, {"held_on": "12/1/2027"})
        after = client.get(url)
    assert page.status_code == 200
    assert "Due in 3 working days" in page.content.decode()
    assert response.status_code == 302
    assert after.status_code == 302  # already recorded: back to the case
    discussion.refresh_from_db()
    assert discussion.decisions.get().conference_held_on == date(2027, 1, 12)


def test_the_case_page_include_shows_both_deadlines(social_worker, case, discussion):
    with time_machine.travel(datetime(2027, 1, 18, 9, 0, tzinfo=LONDON), tick=False):
        html = render_to_string(
            "safeguarding/includes/strategy.html",
            {"case": case, **strategy_section(social_worker.user, case)},
        )
    assert "Due by 17:00 on 15 Jan 2027" in html
    assert "1 working day late" in html
    assert "Due by 17:00 on 26 Feb 2027" in html
    assert "Due in 29 working days" in html
    assert "Robin Fictional" in html


def _calendar_reads(queries) -> int:
    return sum(1 for query in queries.captured_queries if "agencies_closureday" in query["sql"])


def test_the_list_reads_the_calendar_once_for_all_its_deadlines(
    social_worker, case, child, api_for, django_assert_max_num_queries
):
    # given
    client = api_for(social_worker)
    url = reverse("api:case-strategy-discussions", args=[case.id])
    with time_machine.travel(RECORDED_AT, tick=False):
        client.get(url)
        with django_assert_max_num_queries(100) as without:
            client.get(url)
        for started in (True, True, False):
            _post(client, case, _body(child, section_47_started=started))
        # when
        with django_assert_max_num_queries(100) as with_three:
            response = client.get(url)
    # then: the discussions are one query and their children one more, and all four
    # open deadlines read the closure days of the calendar once
    assert len(response.json()["results"]) == 3
    assert len(with_three) == len(without) + 2
    assert _calendar_reads(with_three) == 1


def test_a_retried_create_records_once(social_worker, case, child, api_for):
    client = api_for(social_worker)
    with time_machine.travel(RECORDED_AT, tick=False):
        first = client.post(
            reverse("api:case-strategy-discussions", args=[case.id]),
            _body(child),
            format="json",
            HTTP_IDEMPOTENCY_KEY="strategy-1",
        )
        retry = client.post(
            reverse("api:case-strategy-discussions", args=[case.id]),
            _body(child),
            format="json",
            HTTP_IDEMPOTENCY_KEY="strategy-1",
        )
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert StrategyDiscussion.objects.count() == 1


# --- Empty submissions


def test_an_empty_discussion_names_each_missing_answer(social_worker, case, child, browser_for):
    # given: what a browser sends when nothing is typed or chosen
    empty = {
        "held_on": "",
        "held_time": "",
        "agencies_present": "",
        "rationale": "",
        "referral_received_on": "",
    }
    # when
    with time_machine.travel(RECORDED_AT, tick=False):
        response = browser_for(social_worker).post(
            reverse("case-strategy-create", args=[case.id]), empty
        )
    # then
    assert response.status_code == 200
    assert error_summary(response) == [
        ("id_child", "Select which child was discussed."),
        ("id_held_on", "Enter the date of the discussion."),
        ("id_held_time", "Enter the time of the discussion."),
        ("id_agencies_present", "Name the agencies present."),
        ("id_section_47_started", "Select whether section 47 enquiries start."),
        ("id_rationale", "Write the rationale for the decision."),
    ]
    assert StrategyDiscussion.objects.count() == 0


@pytest.mark.parametrize(
    ("step", "field", "message"),
    [
        ("conference-held", "held_on", "Enter the date the conference was held."),
        ("assessment-completed", "completed_on", "Enter the date the assessment was completed."),
    ],
)
def test_an_empty_step_asks_for_its_date(
    social_worker, case, discussion, browser_for, step, field, message
):
    # when
    with time_machine.travel(datetime(2027, 1, 12, 15, 0, tzinfo=LONDON), tick=False):
        response = browser_for(social_worker).post(
            reverse(f"case-strategy-{step}", args=[case.id, discussion.id]), {field: ""}
        )
    # then
    assert response.status_code == 200
    assert error_summary(response) == [(f"id_{field}", message)]
    discussion.refresh_from_db()
    assert (
        discussion.decisions.get().conference_held_on,
        discussion.decisions.get().assessment_completed_on,
    ) == (None, None)


# --- The queue's deadlines


def test_the_queue_tags_each_deadline_from_one_calendar_read(
    social_worker, case, child, discussion, browser_for, django_assert_max_num_queries
):
    # given: a second child's discussion, its conference already held
    sibling = PartyFactory(
        case=case,
        role="child_in_household",
        person__first_name="Ash",
        person__last_name="Fictional",
        person__date_of_birth=date(2016, 2, 1),
    )
    with time_machine.travel(RECORDED_AT, tick=False):
        second = strategy_discussion_record(
            actor=social_worker.user,
            case=case,
            child=sibling,
            held_at=HELD_AT,
            agencies_present="Police, children's services",
            section_47_started=True,
            rationale="Significant harm suspected.",
        )
    with time_machine.travel(datetime(2027, 1, 12, 15, 0, tzinfo=LONDON), tick=False):
        strategy_conference_held(
            actor=social_worker.user, row=second.decisions.get(), held_on=date(2027, 1, 12)
        )
    # when: Monday 18 January 2027, the first conference due on Friday 15 not held
    with time_machine.travel(datetime(2027, 1, 18, 9, 0, tzinfo=LONDON), tick=False):
        client = browser_for(social_worker)
        client.get("/queue/")
        with django_assert_max_num_queries(100) as queries:
            response = client.get("/queue/")
    # then
    assert response.status_code == 200
    html = response.content.decode()
    deadlines = html[html.index('id="deadlines-heading"') :]
    assert '<strong class="govuk-tag govuk-tag--red">1 working day late</strong>' in deadlines
    assert '<strong class="govuk-tag govuk-tag--green">Done on time</strong>' in deadlines
    assert deadlines.count("Due in 29 working days") == 2
    assert "Robin Fictional" in deadlines
    assert "Ash Fictional" in deadlines
    # four deadlines, one read of the calendar
    assert _calendar_reads(queries) == 1
    assert '<label class="govuk-label" for="id_lead">Lead</label>' in html


@pytest.mark.slow
@pytest.mark.parametrize(
    ("seeded_at", "held_on"),
    [
        # Wednesday: three days ago was a Sunday, so the Friday before
        (datetime(2026, 11, 25, 12, 0, tzinfo=LONDON), date(2026, 11, 20)),
        # Tuesday after Easter: Saturday, then Good Friday, so the Thursday before
        (datetime(2026, 4, 7, 12, 0, tzinfo=LONDON), date(2026, 4, 2)),
        # Friday: three days ago was a Tuesday, which stands
        (datetime(2026, 11, 27, 12, 0, tzinfo=LONDON), date(2026, 11, 24)),
    ],
)
def test_the_demo_discussion_is_held_on_a_working_day(db, settings, seeded_at, held_on):
    settings.DEBUG = True
    with time_machine.travel(seeded_at, tick=False):
        call_command("seed_demo")
    (discussion,) = StrategyDiscussion.objects.filter(status="held")
    assert timezone.localtime(discussion.held_at).date() == held_on


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 12, 22, 11, 30, tzinfo=LONDON),  # the day it was held
        datetime(2026, 12, 26, 12, 0, tzinfo=LONDON),  # Boxing Day, a Saturday
        datetime(2027, 1, 15, 16, 0, tzinfo=LONDON),  # the conference's due day
        datetime(2027, 1, 15, 18, 0, tzinfo=LONDON),  # an hour after it
        datetime(2027, 3, 10, 9, 0, tzinfo=LONDON),  # both past
    ],
)
def test_the_list_reads_each_deadline_as_it_would_alone(social_worker, case, child, now):
    # given: one discussion open, one with its conference held late and its
    # assessment early
    with time_machine.travel(RECORDED_AT, tick=False):
        record = {
            "actor": social_worker.user,
            "case": case,
            "child": child,
            "held_at": HELD_AT,
            "agencies_present": "Police, children's services",
            "section_47_started": True,
            "rationale": "Significant harm suspected.",
        }
        strategy_discussion_record(**record)
        done = strategy_discussion_record(**record)
    StrategyDiscussionChild.objects.filter(discussion=done).update(
        conference_held_on=date(2027, 1, 20), assessment_completed_on=date(2027, 1, 4)
    )
    rows = list(StrategyDiscussionChild.objects.all())
    # when
    listed = strategy_children_with_deadlines(rows, now=now)
    # then
    for discussion in listed:
        assert discussion.conference == deadline_status(
            due_at=discussion.conference_due_at, done_on=discussion.conference_held_on, now=now
        )
        assert discussion.assessment == deadline_status(
            due_at=discussion.assessment_due_at,
            done_on=discussion.assessment_completed_on,
            now=now,
        )
    (held,) = [row for row in listed if row.discussion_id == done.pk]
    assert (held.conference.summary, held.assessment.summary) == (
        "Done 3 working days late",
        "Done on time",
    )
