"""The inbox's order, read from its index (ADR 0013): by the first deadline the
receiver still owes, stored on the row as `receiver_due_at`, so the overdue come
first; on the same deadline the most urgent first, then the oldest, then by key;
then those it owes nothing on. The sent list: newest first, ties by key."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from referrals.api.referrals import INBOX_ORDERING
from referrals.models import Referral, ThresholdDecision
from referrals.models.referral import NOTHING_OWED
from referrals.selectors import INBOX_ORDER, SENT_ORDER, inbox_list, sent_list
from referrals.services.threshold import threshold_decision_record
from tests.authz.rows_referrals import make_referral
from tests.referrals import *  # noqa: F403 (the fixtures)

LONDON = ZoneInfo("Europe/London")
# Monday 9 March 2026, 10:00.
NOW = datetime(2026, 3, 9, 10, 0, tzinfo=LONDON)
INBOX = "/api/v1/referrals/inbox/"

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


def _due(referral: Referral) -> datetime:
    referral.refresh_from_db()
    return referral.receiver_due_at


def _ids(referrals) -> list:
    return [referral.pk for referral in referrals]


def test_the_stored_deadline_is_the_first_one_the_receiver_owes(north, harbour):
    # given
    sent = make_referral(
        from_agency=north,
        to_agency=harbour,
        decision_due_at=NOW + timedelta(days=3),
        victim_support_due_at=NOW + timedelta(days=1),
    )
    accepted = make_referral(
        from_agency=north,
        to_agency=harbour,
        state="accepted",
        decision_due_at=NOW - timedelta(days=9),
        stale_at=NOW + timedelta(days=20),
    )
    # then: the victim support offer falls due first; once accepted, the next update
    assert _due(sent) == NOW + timedelta(days=1)
    assert _due(accepted) == NOW + timedelta(days=20)
    # and: nothing is owed on a returned, declined, completed or withdrawn one
    for state in ("returned", "declined", "completed", "withdrawn", "draft"):
        Referral.objects.filter(pk=sent.pk).update(state=state)
        assert _due(sent) == NOTHING_OWED


def test_a_recorded_threshold_decision_stops_counting_its_deadline(north, mash, coordinator_mash):
    # given: a safeguarding referral to the hub, its threshold decision due first
    referral = make_referral(
        from_agency=north,
        to_agency=mash,
        purpose="safeguarding",
        decision_due_at=NOW + timedelta(days=3),
        threshold_due_at=NOW + timedelta(days=1),
    )
    assert _due(referral) == NOW + timedelta(days=1)
    # when
    threshold_decision_record(
        actor=coordinator_mash.user,
        referral=referral,
        decision="early_help",
        rationale="Early help meets the need.",
    )
    # then: the decision to accept or decline is what it owes next
    assert _due(referral) == NOW + timedelta(days=3)
    assert referral.threshold_decided_at == NOW
    assert ThresholdDecision.objects.get(referral=referral).decided_at == NOW


def test_the_overdue_come_first_whatever_their_state_or_urgency(north, harbour, caseworker_harbour):
    # given
    urgent_due_later = make_referral(
        from_agency=north,
        to_agency=harbour,
        urgency="urgent",
        decision_due_at=NOW + timedelta(hours=5),
    )
    stale = make_referral(
        from_agency=north,
        to_agency=harbour,
        state="accepted",
        decision_due_at=NOW - timedelta(days=30),
        stale_at=NOW - timedelta(hours=1),
    )
    most_overdue = make_referral(
        from_agency=north, to_agency=harbour, decision_due_at=NOW - timedelta(days=2)
    )
    # when
    inbox = list(inbox_list(actor=caseworker_harbour.user))
    # then
    assert _ids(inbox) == [most_overdue.pk, stale.pk, urgent_due_later.pk]


def test_on_the_same_deadline_the_most_urgent_comes_first_then_the_oldest(
    north, harbour, caseworker_harbour
):
    # given: three fall due at the same 17:00
    due = NOW.replace(hour=17)
    routine = make_referral(from_agency=north, to_agency=harbour, decision_due_at=due)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        urgent_newer = make_referral(
            from_agency=north, to_agency=harbour, urgency="urgent", decision_due_at=due
        )
    with time_machine.travel(NOW - timedelta(minutes=1), tick=False):
        urgent_older = make_referral(
            from_agency=north, to_agency=harbour, urgency="urgent", decision_due_at=due
        )
    immediate = make_referral(
        from_agency=north, to_agency=harbour, urgency="immediate", decision_due_at=due
    )
    # when
    inbox = list(inbox_list(actor=caseworker_harbour.user))
    # then
    assert _ids(inbox) == [immediate.pk, urgent_older.pk, urgent_newer.pk, routine.pk]


def test_ties_are_settled_by_the_key(north, harbour, caseworker_harbour):
    # given: the same deadline, urgency and moment
    twins = [
        make_referral(from_agency=north, to_agency=harbour, decision_due_at=NOW + timedelta(days=1))
        for _ in range(3)
    ]
    # when
    inbox = list(inbox_list(actor=caseworker_harbour.user))
    # then
    assert _ids(inbox) == sorted(_ids(twins))


def test_those_owed_nothing_come_last_the_most_urgent_first(north, harbour, caseworker_harbour):
    # given
    completed_routine = make_referral(
        from_agency=north, to_agency=harbour, state="completed", urgency="routine"
    )
    returned_urgent = make_referral(
        from_agency=north, to_agency=harbour, state="returned", urgency="urgent"
    )
    waiting = make_referral(
        from_agency=north, to_agency=harbour, decision_due_at=NOW + timedelta(days=30)
    )
    make_referral(from_agency=north, to_agency=harbour, state="draft")
    # when
    inbox = list(inbox_list(actor=caseworker_harbour.user))
    # then
    assert _ids(inbox) == [waiting.pk, returned_urgent.pk, completed_routine.pk]


def test_the_api_pages_the_inbox_in_the_selectors_order(
    north, harbour, caseworker_harbour, api_for
):
    # given
    for hours in (30, -50, 2, -1, 70, 5):
        make_referral(
            from_agency=north,
            to_agency=harbour,
            urgency="urgent" if hours % 2 else "routine",
            decision_due_at=NOW + timedelta(hours=hours),
        )
    make_referral(from_agency=north, to_agency=harbour, state="completed")
    client = api_for(caseworker_harbour)
    # when
    seen, url = [], f"{INBOX}?page_size=3"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    # then
    assert INBOX_ORDERING == INBOX_ORDER
    assert seen == [str(pk) for pk in _ids(inbox_list(actor=caseworker_harbour.user))]
    assert len(seen) == 7


def test_the_sent_list_is_newest_first_ties_by_key(north, harbour, officer_north):
    # given
    older = make_referral(from_agency=north, to_agency=harbour)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        newer = [make_referral(from_agency=north, to_agency=harbour) for _ in range(2)]
    # when
    sent = list(sent_list(actor=officer_north.user))
    # then
    assert SENT_ORDER == ("-created_at", "-id")
    assert _ids(sent) == [*sorted(_ids(newer), reverse=True), older.pk]
