"""The deadline sweep: who is told, when, and only once."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from agencies.models import Role
from agencies.selectors.supervision import supervisors_of
from common.models import Notification
from safeguarding.deadlines import deadlines_sweep
from safeguarding.models import (
    CasePriority,
    Flag,
    FlagKind,
    StrategyDiscussion,
    StrategyDiscussionChild,
)
from safeguarding.services.child_protection import strategy_deadlines
from safeguarding.tasks import deadlines_sweep_task
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TeamFactory,
)

LONDON = ZoneInfo("Europe/London")
HELD_AT = datetime(2026, 12, 22, 10, 0, tzinfo=LONDON)
# From the discussion above: the conference is due by 17:00 on Friday 15 January 2027.
CONFERENCE_DUE = datetime(2027, 1, 15, 17, 0, tzinfo=LONDON)
ASSESSMENT_DUE = datetime(2027, 2, 26, 17, 0, tzinfo=LONDON)
NOTHING = {
    "conference_due_soon": 0,
    "conference_overdue": 0,
    "assessment_due_soon": 0,
    "assessment_overdue": 0,
    "first_action_overdue": 0,
    "flag_review_due": 0,
    "notifications": 0,
}


@pytest.fixture
def mash(db):
    return AgencyFactory(slug="northshire-mash", name="Northshire MASH", mash=True)


@pytest.fixture
def coordinator(mash):
    return MembershipFactory(
        agency=mash, role=Role.MASH_COORDINATOR, user__username="coordinator.mash"
    )


@pytest.fixture
def second_coordinator(mash):
    return MembershipFactory(agency=mash, role=Role.MASH_COORDINATOR, user__username="duty.mash")


@pytest.fixture
def hub_case(mash):
    return CaseFactory(
        owning_agency=mash, reference="NM-2026-000001", received_on=date(2026, 12, 22)
    )


@pytest.fixture
def child(hub_case):
    return PartyFactory(
        case=hub_case,
        role="victim",
        person__first_name="Robin",
        person__last_name="Fictional",
        person__date_of_birth=date(2013, 6, 1),
    )


@pytest.fixture
def discussion(hub_case, child, coordinator):
    """The child's part in a held discussion, with its own deadlines (the sweep reads
    each child's). Its case is the discussion's."""
    conference_due_at, assessment_due_at = strategy_deadlines(
        held_at=HELD_AT, referral_received_on=date(2026, 12, 22)
    )
    held = StrategyDiscussion.objects.create(
        case=hub_case,
        held_at=HELD_AT,
        agencies_present="Police, children's services",
        referral_received_on=date(2026, 12, 22),
        recorded_by=coordinator.user,
    )
    row = StrategyDiscussionChild.objects.create(
        discussion=held,
        child=child,
        section_47_started=True,
        rationale="Significant harm suspected.",
        decided_at=HELD_AT,
        decided_by=coordinator.user,
        conference_due_at=conference_due_at,
        assessment_due_at=assessment_due_at,
    )
    row.case_id = hub_case.pk  # type: ignore[attr-defined]  # read like the discussion's
    row.case = hub_case  # type: ignore[attr-defined]
    return row


def _sweep(at: datetime, capture) -> dict:
    with time_machine.travel(at, tick=False), capture(execute=True):
        return deadlines_sweep()


def _told() -> list[tuple[str, str, str]]:
    return sorted(Notification.objects.values_list("user__username", "kind", "dedupe_key"))


# --- Strategy discussions


def test_a_conference_due_within_two_hours_is_told_to_the_recorder_and_the_hubs_coordinators(
    discussion, second_coordinator, django_capture_on_commit_callbacks
):
    # when: 15:30 on the due day
    result = _sweep(CONFERENCE_DUE - timedelta(minutes=90), django_capture_on_commit_callbacks)
    # then
    assert result == {**NOTHING, "conference_due_soon": 2, "notifications": 2}
    key = f"strategy:{discussion.id}:conference:due_soon"
    assert _told() == [
        ("coordinator.mash", "safeguarding.conference_due_soon", key),
        ("duty.mash", "safeguarding.conference_due_soon", key),
    ]
    notification = Notification.objects.get(user__username="coordinator.mash")
    assert notification.message == (
        "An initial child protection conference is due by 17:00 on 15 January 2027."
    )
    assert notification.link == f"/cases/{discussion.case_id}/strategy/#strategy-discussions"
    assert len(mail.outbox) == 2
    assert {email.subject for email in mail.outbox} == {"Tideline: Conference due soon"}


def test_nothing_is_said_more_than_two_hours_before(discussion, django_capture_on_commit_callbacks):
    result = _sweep(
        CONFERENCE_DUE - timedelta(hours=2, minutes=1), django_capture_on_commit_callbacks
    )
    assert result == NOTHING
    assert Notification.objects.count() == 0


def test_a_second_sweep_tells_nobody_again(
    discussion, second_coordinator, django_capture_on_commit_callbacks
):
    # given
    _sweep(CONFERENCE_DUE - timedelta(minutes=90), django_capture_on_commit_callbacks)
    # when
    result = _sweep(CONFERENCE_DUE - timedelta(minutes=30), django_capture_on_commit_callbacks)
    # then
    assert result == NOTHING
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2


def test_an_overdue_conference_is_a_new_event(
    discussion, second_coordinator, django_capture_on_commit_callbacks
):
    # given: told it was due soon
    _sweep(CONFERENCE_DUE - timedelta(minutes=90), django_capture_on_commit_callbacks)
    # when: after the deadline, twice
    first = _sweep(CONFERENCE_DUE + timedelta(minutes=15), django_capture_on_commit_callbacks)
    second = _sweep(CONFERENCE_DUE + timedelta(days=3), django_capture_on_commit_callbacks)
    # then
    assert first == {**NOTHING, "conference_overdue": 2, "notifications": 2}
    assert second == NOTHING
    overdue = Notification.objects.get(
        user__username="coordinator.mash", kind="safeguarding.conference_overdue"
    )
    assert overdue.dedupe_key == f"strategy:{discussion.id}:conference:overdue"
    assert overdue.message == (
        "An initial child protection conference was due by 17:00 on 15 January 2027 "
        "and is not recorded as held."
    )
    assert len(mail.outbox) == 4


def test_a_held_conference_is_not_chased(discussion, django_capture_on_commit_callbacks):
    # given
    discussion.conference_held_on = date(2027, 1, 14)
    discussion.save()
    # when
    result = _sweep(CONFERENCE_DUE + timedelta(days=1), django_capture_on_commit_callbacks)
    # then
    assert result == NOTHING
    assert Notification.objects.count() == 0


def test_no_deadline_without_section_47_enquiries(discussion, django_capture_on_commit_callbacks):
    StrategyDiscussionChild.objects.filter(pk=discussion.pk).update(
        section_47_started=False, rationale="No significant harm."
    )
    result = _sweep(ASSESSMENT_DUE + timedelta(days=1), django_capture_on_commit_callbacks)
    assert result == NOTHING


def test_a_closed_case_is_not_chased(discussion, django_capture_on_commit_callbacks):
    case = discussion.case
    case.status = "closed"
    case.closed_on = date(2027, 1, 4)
    case.closing_reason = "other"
    case.save()
    result = _sweep(CONFERENCE_DUE + timedelta(days=1), django_capture_on_commit_callbacks)
    assert result == NOTHING


def test_the_assessment_is_chased_the_same_way(discussion, django_capture_on_commit_callbacks):
    # given: the conference was held on time
    discussion.conference_held_on = date(2027, 1, 14)
    discussion.save()
    # when
    soon = _sweep(ASSESSMENT_DUE - timedelta(hours=1), django_capture_on_commit_callbacks)
    late = _sweep(ASSESSMENT_DUE + timedelta(hours=1), django_capture_on_commit_callbacks)
    # then
    assert soon == {**NOTHING, "assessment_due_soon": 1, "notifications": 1}
    assert late == {**NOTHING, "assessment_overdue": 1, "notifications": 1}
    assert _told() == [
        (
            "coordinator.mash",
            "safeguarding.assessment_due_soon",
            f"strategy:{discussion.id}:assessment:due_soon",
        ),
        (
            "coordinator.mash",
            "safeguarding.assessment_overdue",
            f"strategy:{discussion.id}:assessment:overdue",
        ),
    ]


def test_notifications_carry_no_personal_details(
    discussion, child, django_capture_on_commit_callbacks
):
    # when
    _sweep(ASSESSMENT_DUE + timedelta(days=1), django_capture_on_commit_callbacks)
    # then
    assert Notification.objects.count() == 2
    for notification in Notification.objects.all():
        for text in (notification.message, notification.link):
            assert "Robin" not in text
            assert "Fictional" not in text
            assert "NM-2026-000001" not in text
    for email in mail.outbox:
        assert "Robin" not in email.body
        assert "NM-2026-000001" not in email.body


# --- The work queue


@pytest.fixture
def late_police_case(north, north_team, officer_north):
    case = CaseFactory(
        owning_agency=north,
        team=north_team,
        lead_officer=officer_north.user,
        received_on=date(2026, 3, 2),
    )
    CasePriority.objects.create(
        case=case,
        agency=north,
        level="low",
        level_rank=4,
        band=1,
        received_on=date(2026, 3, 2),
        action_due_at=datetime(2026, 3, 30, 17, 0, tzinfo=LONDON),
    )
    return case


def test_a_case_past_its_first_action_time_is_told_to_the_lead_and_the_team_supervisor(
    late_police_case, supervisor_north, north, django_capture_on_commit_callbacks
):
    # given: a supervisor in another team of the force is not told
    other_team = TeamFactory(agency=north)
    MembershipFactory(agency=north, team=other_team, role=Role.POLICE_SUPERVISOR)
    # when
    result = _sweep(datetime(2026, 3, 31, 9, 0, tzinfo=LONDON), django_capture_on_commit_callbacks)
    again = _sweep(datetime(2026, 4, 1, 9, 0, tzinfo=LONDON), django_capture_on_commit_callbacks)
    # then
    assert result == {**NOTHING, "first_action_overdue": 2, "notifications": 2}
    assert again == NOTHING
    key = f"queue:{late_police_case.id}:first_action:overdue:20260330T1600Z"
    assert _told() == [
        ("officer.north", "safeguarding.first_action_overdue", key),
        ("supervisor.north", "safeguarding.first_action_overdue", key),
    ]
    assert Notification.objects.first().message == (
        "A case in the work queue passed its first-action due time (17:00 on 30 March 2026) "
        "with no first action recorded."
    )


def test_a_new_due_time_missed_is_told_again(late_police_case, django_capture_on_commit_callbacks):
    # given
    _sweep(datetime(2026, 3, 31, 9, 0, tzinfo=LONDON), django_capture_on_commit_callbacks)
    CasePriority.objects.filter(case=late_police_case).update(
        action_due_at=datetime(2026, 4, 2, 17, 0, tzinfo=LONDON)
    )
    # when
    result = _sweep(datetime(2026, 4, 3, 9, 0, tzinfo=LONDON), django_capture_on_commit_callbacks)
    # then
    assert result["first_action_overdue"] == 1


def test_an_actioned_case_is_not_chased(late_police_case, django_capture_on_commit_callbacks):
    CasePriority.objects.filter(case=late_police_case).update(
        actioned_at=datetime(2026, 3, 20, 9, 0, tzinfo=LONDON)
    )
    result = _sweep(datetime(2026, 3, 31, 9, 0, tzinfo=LONDON), django_capture_on_commit_callbacks)
    assert result == NOTHING


def test_a_case_without_a_lead_is_told_to_its_supervisors(
    late_police_case, supervisor_north, django_capture_on_commit_callbacks
):
    late_police_case.lead_officer = None
    late_police_case.save()
    _sweep(datetime(2026, 3, 31, 9, 0, tzinfo=LONDON), django_capture_on_commit_callbacks)
    assert [user for user, _, _ in _told()] == ["supervisor.north"]


def test_a_lead_who_has_left_is_not_told(
    late_police_case, officer_north, supervisor_north, django_capture_on_commit_callbacks
):
    officer_north.user.is_active = False
    officer_north.user.save()
    _sweep(datetime(2026, 3, 31, 9, 0, tzinfo=LONDON), django_capture_on_commit_callbacks)
    assert [user for user, _, _ in _told()] == ["supervisor.north"]


# --- Flags


def test_a_flag_due_for_review_is_told_to_its_raiser_and_their_supervisor(
    officer_north, supervisor_north, north, django_capture_on_commit_callbacks
):
    # given
    party = PartyFactory(case=CaseFactory(owning_agency=north), role="suspect")
    flag = Flag.objects.create(
        case=party.case,
        party=party,
        person=party.person,
        kind=FlagKind.SUICIDE_SELF_HARM,
        reason="Risk after arrest.",
        raised_by=officer_north.user,
        raised_at=datetime(2026, 3, 1, 9, 0, tzinfo=LONDON),
        review_on=date(2026, 3, 10),
    )
    # when
    before = _sweep(datetime(2026, 3, 9, 23, 0, tzinfo=LONDON), django_capture_on_commit_callbacks)
    on_the_day = _sweep(
        datetime(2026, 3, 10, 7, 0, tzinfo=LONDON), django_capture_on_commit_callbacks
    )
    after = _sweep(datetime(2026, 3, 11, 7, 0, tzinfo=LONDON), django_capture_on_commit_callbacks)
    # then
    assert before == NOTHING
    assert on_the_day == {**NOTHING, "flag_review_due": 2, "notifications": 2}
    assert after == NOTHING
    key = f"flag:{flag.id}:review:2026-03-10:due"
    assert _told() == [
        ("officer.north", "safeguarding.flag_review_due", key),
        ("supervisor.north", "safeguarding.flag_review_due", key),
    ]
    assert Notification.objects.first().message == (
        "A flag is due for review (review date 10 March 2026)."
    )
    assert Notification.objects.first().link == f"/cases/{party.case_id}/risk/#flags"


def test_a_cleared_flag_is_not_chased(officer_north, north, django_capture_on_commit_callbacks):
    party = PartyFactory(case=CaseFactory(owning_agency=north), role="suspect")
    Flag.objects.create(
        case=party.case,
        party=party,
        person=party.person,
        kind=FlagKind.WEAPONS,
        reason="Knife.",
        raised_by=officer_north.user,
        raised_at=datetime(2026, 3, 1, 9, 0, tzinfo=LONDON),
        review_on=date(2026, 3, 10),
        cleared_at=datetime(2026, 3, 5, 9, 0, tzinfo=LONDON),
        cleared_by=officer_north.user,
        clear_reason="Reviewed.",
    )
    result = _sweep(datetime(2026, 3, 11, 7, 0, tzinfo=LONDON), django_capture_on_commit_callbacks)
    assert result == NOTHING


# --- Supervisors


def test_supervisors_are_of_the_same_team_first(officer_north, supervisor_north, north):
    # given: another team's supervisor, an inactive supervisor of the team
    MembershipFactory(agency=north, team=TeamFactory(agency=north), role=Role.POLICE_SUPERVISOR)
    gone = MembershipFactory(agency=north, team=officer_north.team, role=Role.POLICE_SUPERVISOR)
    gone.user.is_active = False
    gone.user.save()
    # then
    assert [user.username for user in supervisors_of(officer_north.user)] == ["supervisor.north"]


def test_without_a_team_supervisor_every_supervisor_of_the_agency(north):
    # given
    officer = MembershipFactory(agency=north, role=Role.GENERALIST_OFFICER, team=None)
    first = MembershipFactory(
        agency=north,
        team=TeamFactory(agency=north),
        role=Role.POLICE_SUPERVISOR,
        user__username="a.supervisor",
    )
    second = MembershipFactory(
        agency=north, team=None, role=Role.POLICE_SUPERVISOR, user__username="b.supervisor"
    )
    # then
    assert supervisors_of(officer.user) == [first.user, second.user]


def test_a_supervisor_is_not_their_own_supervisor(supervisor_north):
    assert supervisors_of(supervisor_north.user) == []


def test_in_a_hub_the_coordinators_supervise_each_other(coordinator, second_coordinator):
    assert supervisors_of(coordinator.user) == [second_coordinator.user]


def test_childrens_services_have_no_supervisor_role_here(db):
    childrens = AgencyFactory(childrens_services=True)
    worker = MembershipFactory(agency=childrens, role=Role.SOCIAL_WORKER)
    MembershipFactory(agency=childrens, role=Role.SOCIAL_WORKER)
    assert supervisors_of(worker.user) == []


def test_someone_outside_any_agency_has_no_supervisor(db):
    membership = MembershipFactory()
    user = membership.user
    membership.delete()
    assert supervisors_of(user) == []


# --- The task


def test_the_beat_task_runs_the_sweep(discussion, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(CONFERENCE_DUE + timedelta(hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = deadlines_sweep_task.delay().get()
        second = deadlines_sweep_task.delay().get()
    assert first == {**NOTHING, "conference_overdue": 1, "notifications": 1}
    assert second == NOTHING
