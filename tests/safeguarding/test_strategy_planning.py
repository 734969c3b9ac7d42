"""A strategy discussion planned, then held, about two children (issue 16): a plan in
the past refused, a hold without a decision for each child refused (nothing
changed), one child decided while the other is pending, each child's initial child
protection conference due across the Christmas bank holidays, the sweep per child,
and the demo's planned discussion."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from agencies.models import Role
from common.models import Notification
from safeguarding.deadlines import deadlines_sweep
from safeguarding.models import StrategyDiscussion, StrategyDiscussionChild
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TOTPDeviceFactory,
)

LONDON = ZoneInfo("Europe/London")
# Monday 21 December 2026: planning on the Monday for Tuesday 22 December, 10:00.
# Christmas (Fri 25), Boxing Day's substitute (Mon 28) and New Year's Day (Fri 1
# January 2027) fall in the next 15 working days.
PLANNED_AT = datetime(2026, 12, 21, 15, 0, tzinfo=LONDON)
PLANNED_FOR = datetime(2026, 12, 22, 10, 0, tzinfo=LONDON)
DURING = datetime(2026, 12, 22, 10, 30, tzinfo=LONDON)
AFTER = datetime(2026, 12, 22, 11, 30, tzinfo=LONDON)


@pytest.fixture
def social_worker(db):
    agency = AgencyFactory(
        slug="northshire-childrens-services",
        name="Northshire Children's Services",
        childrens_services=True,
    )
    membership = MembershipFactory(
        agency=agency, role=Role.SOCIAL_WORKER, user__username="social.worker"
    )
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def case(social_worker):
    return CaseFactory(owning_agency=social_worker.agency, received_on=date(2026, 12, 21))


def _child(case, first_name, born):
    return PartyFactory(
        case=case,
        role="child_in_household",
        person__first_name=first_name,
        person__last_name="Fictional",
        person__date_of_birth=born,
    )


@pytest.fixture
def gwen(case):
    return _child(case, "Gwen", date(2016, 4, 1))


@pytest.fixture
def finn(case):
    return _child(case, "Finn", date(2013, 9, 1))


def _plan_body(*children, **changes) -> dict:
    return {
        "planned_for": PLANNED_FOR.isoformat(),
        "invitees": [
            {"agency": "Northshire Police", "name": "DC Sam Example"},
            {"agency": "Northshire Primary School", "name": "Pat Example"},
        ],
        "children": [str(child.id) for child in children],
        **changes,
    }


def _plan(client, case, *children, **changes):
    with time_machine.travel(PLANNED_AT, tick=False):
        return client.post(
            reverse("api:case-strategy-discussions", args=[case.id]),
            _plan_body(*children, **changes),
            format="json",
        )


def _decision(child, started=True) -> dict:
    return {
        "child": str(child.id),
        "section_47_started": started,
        "rationale": "Reasonable cause to suspect significant harm.",
    }


def _hold(client, discussion_id, decisions, **headers):
    with time_machine.travel(AFTER, tick=False):
        return client.post(
            f"/api/v1/strategy-discussions/{discussion_id}/hold/",
            {
                "held_at": PLANNED_FOR.isoformat(),
                "attendees": "Police, children's services, school",
                "minutes": "Both children discussed.",
                "decisions": decisions,
            },
            format="json",
            **headers,
        )


def test_a_discussion_is_planned_for_two_children_each_pending(
    social_worker, case, gwen, finn, api_for
):
    # when
    response = _plan(api_for(social_worker), case, gwen, finn)
    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["planned_for"], body["held_at"], body["complete"]) == (
        "planned",
        "2026-12-22T10:00:00Z",
        None,
        False,
    )
    assert body["invitees"] == [
        {"agency": "Northshire Police", "name": "DC Sam Example"},
        {"agency": "Northshire Primary School", "name": "Pat Example"},
    ]
    assert sorted(
        (row["child"]["id"], row["decided"], row["section_47_started"], row["conference_due_at"])
        for row in body["children"]
    ) == sorted([(str(gwen.id), False, None, None), (str(finn.id), False, None, None)])
    assert response["ETag"] == '"1"'


def test_a_plan_in_the_past_is_refused_and_nothing_stored(social_worker, case, gwen, api_for):
    response = _plan(
        api_for(social_worker),
        case,
        gwen,
        planned_for=(PLANNED_AT - timedelta(hours=1)).isoformat(),
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["planned_for"]
    assert StrategyDiscussion.objects.count() == 0
    assert StrategyDiscussionChild.objects.count() == 0


def test_a_plan_without_invitees_or_children_names_both(social_worker, case, api_for):
    response = _plan(api_for(social_worker), case, invitees=[])
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["children", "invitees"]
    assert StrategyDiscussion.objects.count() == 0


def test_holding_without_a_decision_for_each_child_is_refused_and_nothing_changes(
    social_worker, case, gwen, finn, api_for
):
    client = api_for(social_worker)
    discussion_id = _plan(client, case, gwen, finn).json()["id"]
    # when: only Gwen's decision is given
    response = _hold(client, discussion_id, [_decision(gwen)])
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "decisions": ["Record the decision for each child: none yet for Finn Fictional."]
    }
    discussion = StrategyDiscussion.objects.get()
    assert (discussion.status, discussion.held_at, discussion.minutes, discussion.version) == (
        "planned",
        None,
        "",
        1,
    )
    assert not StrategyDiscussionChild.objects.filter(section_47_started__isnull=False).exists()


def test_one_decision_while_the_other_is_pending_then_held_with_each_childs_deadline(
    social_worker, case, gwen, finn, api_for
):
    client = api_for(social_worker)
    discussion_id = _plan(client, case, gwen, finn).json()["id"]
    # when: Gwen is decided during the discussion, Finn when it is recorded as held
    with time_machine.travel(DURING, tick=False):
        decided = client.post(
            f"/api/v1/strategy-discussions/{discussion_id}/decisions/",
            _decision(gwen),
            format="json",
            HTTP_IF_MATCH='"1"',
        )
    assert decided.status_code == 200, decided.json()
    pending = {row["child"]["id"]: row["decided"] for row in decided.json()["children"]}
    assert pending == {str(gwen.id): True, str(finn.id): False}
    held = _hold(client, discussion_id, [_decision(finn)], HTTP_IF_MATCH='"2"')
    # then: each child's conference within 15 working days of the discussion, past
    # Christmas, Boxing Day's substitute and New Year's Day: Friday 15 January 2027
    assert held.status_code == 200, held.json()
    body = held.json()
    assert (body["status"], body["complete"], body["version"]) == ("held", True, 3)
    dues = {row["child"]["id"]: row["conference_due_at"] for row in body["children"]}
    assert dues == {str(gwen.id): "2027-01-15T17:00:00Z", str(finn.id): "2027-01-15T17:00:00Z"}


def test_a_stale_if_match_is_412_and_nothing_changes(social_worker, case, gwen, api_for):
    client = api_for(social_worker)
    discussion_id = _plan(client, case, gwen).json()["id"]
    response = _hold(client, discussion_id, [_decision(gwen)], HTTP_IF_MATCH='"7"')
    assert response.status_code == 412
    assert StrategyDiscussion.objects.get().status == "planned"


def test_a_decision_before_the_discussion_starts_is_refused(social_worker, case, gwen, api_for):
    client = api_for(social_worker)
    discussion_id = _plan(client, case, gwen).json()["id"]
    with time_machine.travel(PLANNED_AT, tick=False):
        response = client.post(
            f"/api/v1/strategy-discussions/{discussion_id}/decisions/",
            _decision(gwen),
            format="json",
        )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["child"]
    assert StrategyDiscussionChild.objects.get().section_47_started is None


def test_the_sweep_tells_each_childs_overdue_conference_once(
    social_worker, case, gwen, finn, api_for, django_capture_on_commit_callbacks
):
    # given: both children's enquiries started at the discussion
    client = api_for(social_worker)
    discussion_id = _plan(client, case, gwen, finn).json()["id"]
    _hold(client, discussion_id, [_decision(gwen), _decision(finn)])
    rows = {row.child_id: row.pk for row in StrategyDiscussionChild.objects.all()}
    # when: Monday 18 January 2027, both conferences past due; swept twice
    with (
        time_machine.travel(datetime(2027, 1, 18, 9, 0, tzinfo=LONDON), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = deadlines_sweep()
        second = deadlines_sweep()
    # then: one notice for each child's conference and assessment, and none again
    assert first["conference_overdue"] == 2
    assert second["conference_overdue"] == 0
    keys = set(
        Notification.objects.filter(kind="safeguarding.conference_overdue").values_list(
            "dedupe_key", flat=True
        )
    )
    assert keys == {
        f"strategy:{rows[gwen.id]}:conference:overdue",
        f"strategy:{rows[finn.id]}:conference:overdue",
    }


@pytest.mark.slow
def test_the_demo_has_a_planned_discussion_for_two_children_one_decided(db, settings):
    settings.DEBUG = True
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=LONDON), tick=False):
        call_command("seed_demo")
        call_command("seed_demo")
    (planned,) = StrategyDiscussion.objects.filter(status="planned")
    decisions = sorted(
        (row.child.person.first_name, row.section_47_started) for row in planned.decisions.all()
    )
    assert decisions == [("Finn", None), ("Gwen", True)]
    assert planned.decisions.get(child__person__first_name="Gwen").conference_due_at is not None


def test_a_step_of_a_discussion_about_two_children_names_the_child(
    social_worker, case, gwen, finn, api_for
):
    # given: held, both children's enquiries started
    client = api_for(social_worker)
    discussion_id = _plan(client, case, gwen, finn).json()["id"]
    _hold(client, discussion_id, [_decision(gwen), _decision(finn)])
    url = f"/api/v1/cases/{case.id}/strategy-discussions/{discussion_id}/conference-held/"
    with time_machine.travel(datetime(2027, 1, 12, 15, 0, tzinfo=LONDON), tick=False):
        # when: without the child, then with Gwen
        unnamed = client.post(url, {"held_on": "2027-01-12"}, format="json")
        named = client.post(url, {"held_on": "2027-01-12", "child": str(gwen.id)}, format="json")
    # then: only Gwen's conference is recorded
    assert unnamed.status_code == 400
    assert list(unnamed.json()["errors"]) == ["child"]
    assert named.status_code == 200, named.json()
    held_on = {row["child"]["id"]: row["conference_held_on"] for row in named.json()["children"]}
    assert held_on == {str(gwen.id): "2027-01-12", str(finn.id): None}
