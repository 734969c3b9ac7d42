"""The referrals report: per (from agency, to agency, purpose), for referrals sent
by or to the caller's agency in the period: counts, overdue steps, medians in
working days and the share completed with feedback; in a constant number of
queries."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.working_days import add_working_days
from referrals.models import Referral, ThresholdDecision
from tests.authz.rows_referrals import make_referral
from tests.factories import AgencyFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
# Thursday 2 April 2026, 12:00 (summer time).
NOW = datetime(2026, 4, 2, 12, 0, tzinfo=LONDON)
REPORT = "/api/v1/reports/referrals/"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def _decided(referral, decision: str, rationale: str, moment: datetime) -> None:
    """A referral's one child decided at `moment`, as the service leaves it."""
    ThresholdDecision.objects.create(
        referral=referral,
        child=referral.parties.get(),
        due_at=referral.threshold_due_at,
        decision=decision,
        rationale=rationale,
        decided_by=UserFactory(),
        decided_at=moment,
    )
    Referral.objects.filter(pk=referral.pk).update(threshold_decided_at=moment)


def _at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def mash(db):
    return AgencyFactory(slug="northshire-mash", name="Northshire MASH", mash=True)


@pytest.fixture
def march(north, south, harbour, lighthouse, mash):
    """A small fixed month of referrals. Working days in March 2026 are Monday to
    Friday (no bank holiday); Good Friday is 3 April."""
    far = _at(30, 17, month=4)

    def victim_support(**fields):
        return make_referral(
            from_agency=north, to_agency=harbour, purpose="victim_support", **fields
        )

    # A: accepted the next working day, completed with feedback 9 working days on.
    victim_support(
        state="completed",
        urgency="urgent",
        sent_at=_at(2, 10),
        decided_at=_at(3, 9),
        completed_at=_at(13, 15),
        stale_at=far,
        outcome="support_provided",
        outcome_summary="Six sessions; she is doing well.",
    )
    # B: declined late (due Thursday 5th, declined Monday 9th): 3 working days.
    victim_support(
        state="declined",
        urgency="urgent",
        sent_at=_at(4, 10),
        decided_at=_at(9, 10),
        decline_reason="Outside our area.",
    )
    # C: still waiting for a decision due Thursday 19th: overdue.
    victim_support(state="sent", urgency="routine", sent_at=_at(16, 10))
    # D: accepted the next working day, then no update: stale since the 19th.
    victim_support(
        state="accepted",
        urgency="urgent",
        sent_at=_at(2, 11),
        decided_at=_at(3, 10),
        stale_at=_at(19, 17),
    )
    # E: accepted the same day, completed 5 working days on without a summary.
    victim_support(
        state="completed",
        urgency="immediate",
        sent_at=_at(3, 10),
        decided_at=_at(3, 15),
        completed_at=_at(10, 11),
        outcome="unable_to_contact",
        outcome_summary="",
    )
    # I: sent late on the 31st (summer time): still March in London.
    victim_support(state="sent", urgency="routine", sent_at=_at(31, 23, 30))

    # F: the threshold decision came a day late; accepted on time, 2 working days on.
    late_threshold = make_referral(
        from_agency=north,
        to_agency=mash,
        purpose="safeguarding",
        state="accepted",
        sent_at=_at(9, 10),
        decided_at=_at(11, 9),
        threshold_due_at=_at(10, 17),
        stale_at=far,
    )
    _decided(late_threshold, "early_help", "Early help will meet her needs.", _at(11, 10))
    # G: the threshold decision on time; accepted 2 working days on (over a weekend).
    on_time = make_referral(
        from_agency=north,
        to_agency=mash,
        purpose="safeguarding",
        state="accepted",
        sent_at=_at(19, 10),
        decided_at=_at(23, 10),
        threshold_due_at=_at(20, 17),
        stale_at=add_working_days(_at(23, 10), 20),
    )
    _decided(on_time, "child_in_need", "Needs assessment.", _at(20, 9))
    # H: received from another force, waiting past its due day.
    make_referral(
        from_agency=south, to_agency=north, purpose="suspect_support", sent_at=_at(10, 10)
    )

    # Not in the report: sent before or after March (London days), a draft, and a
    # referral between two other agencies.
    victim_support(state="sent", sent_at=_at(27, 16, month=2))
    victim_support(state="sent", sent_at=_at(1, 0, 30, month=4))
    victim_support(state="draft")
    make_referral(from_agency=south, to_agency=lighthouse, sent_at=_at(10, 10))


def _counts(row: dict) -> dict:
    return {key: value for key, value in row.items() if key not in ("from_agency", "to_agency")}


def test_the_report_counts_each_agency_pair_and_purpose(officer_north, march, api_for):
    # when
    response = api_for(officer_north).get(REPORT, MARCH)
    # then
    assert response.status_code == 200
    report = response.json()
    assert (report["from"], report["to"], report["agency"]) == (
        "2026-03-01",
        "2026-03-31",
        "northshire-police",
    )
    assert report["median_unit"] == "working_days"
    assert [
        (row["from_agency"]["slug"], row["to_agency"]["slug"], row["purpose"])
        for row in report["rows"]
    ] == [
        ("northshire-police", "harbour-victim-support", "victim_support"),
        ("northshire-police", "northshire-mash", "safeguarding"),
        ("southshire-police", "northshire-police", "suspect_support"),
    ]
    assert report["rows"][0]["to_agency"] == {
        "slug": "harbour-victim-support",
        "name": "Harbour Victim Support",
    }
    victim_support, safeguarding, received = (_counts(row) for row in report["rows"])
    assert victim_support == {
        "purpose": "victim_support",
        "sent": 6,
        "accepted": 3,
        "declined": 1,
        "completed": 2,
        "overdue": {"decision": 2, "threshold_decision": 0, "completion_stale": 1},
        # 0, 1, 1, 3 working days
        "median_working_days_to_decision": 1.0,
        # 5 and 9 working days
        "median_working_days_to_completion": 7.0,
        "completed_with_feedback": 1,
        "feedback_share": 50.0,
    }
    assert safeguarding == {
        "purpose": "safeguarding",
        "sent": 2,
        "accepted": 2,
        "declined": 0,
        "completed": 0,
        "overdue": {"decision": 0, "threshold_decision": 1, "completion_stale": 0},
        "median_working_days_to_decision": 2.0,
        "median_working_days_to_completion": None,
        "completed_with_feedback": 0,
        "feedback_share": None,
    }
    assert received == {
        "purpose": "suspect_support",
        "sent": 1,
        "accepted": 0,
        "declined": 0,
        "completed": 0,
        "overdue": {"decision": 1, "threshold_decision": 0, "completion_stale": 0},
        "median_working_days_to_decision": None,
        "median_working_days_to_completion": None,
        "completed_with_feedback": 0,
        "feedback_share": None,
    }
    assert report["totals"] == {
        "sent": 9,
        "accepted": 5,
        "declined": 1,
        "completed": 2,
        "overdue": {"decision": 3, "threshold_decision": 1, "completion_stale": 1},
        # 0, 1, 1, 2, 2, 3 working days
        "median_working_days_to_decision": 1.5,
        "median_working_days_to_completion": 7.0,
        "completed_with_feedback": 1,
        "feedback_share": 50.0,
    }


def test_a_partner_sees_only_the_referrals_it_was_sent(caseworker_harbour, march, api_for):
    # when
    report = api_for(caseworker_harbour).get(REPORT, MARCH).json()
    # then
    assert [(row["from_agency"]["slug"], row["sent"]) for row in report["rows"]] == [
        ("northshire-police", 6)
    ]
    assert report["agency"] == "harbour-victim-support"


def test_an_auditor_reads_the_report_and_an_admin_may_not(
    auditor_north, admin_north, march, api_for
):
    assert api_for(auditor_north).get(REPORT, MARCH).json()["totals"]["sent"] == 9
    assert api_for(admin_north).get(REPORT, MARCH).status_code == 403


def test_an_empty_period_has_no_rows(officer_north, march, api_for):
    report = api_for(officer_north).get(REPORT, {"from": "2025-01-01", "to": "2025-01-31"}).json()
    assert report["rows"] == []
    assert report["totals"]["sent"] == 0
    assert report["totals"]["median_working_days_to_decision"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-03-31", "to": "2026-03-01"}, "to"),
        ({"from": "2025-01-01", "to": "2026-03-01"}, "to"),
        ({"to": "2026-03-01"}, "from"),
        ({"from": "2026-03-01"}, "to"),
        ({"from": "1 March", "to": "2026-03-31"}, "from"),
    ],
    ids=["to before from", "longer than a year", "no from", "no to", "not a date"],
)
def test_a_bad_period_is_refused_naming_the_field(officer_north, api_for, query, field):
    response = api_for(officer_north).get(REPORT, query)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def _queries(member, client) -> int:
    member.user.__dict__.pop("_tideline_membership", None)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(REPORT, MARCH)
    assert response.status_code == 200
    return len(captured)


def test_the_report_costs_the_same_for_a_few_referrals_as_for_many(
    officer_north, north, harbour, mash, api_for
):
    # given
    client = api_for(officer_north)

    def _add(count, to_agency, purpose):
        for day in range(2, 2 + count):
            make_referral(
                from_agency=north,
                to_agency=to_agency,
                purpose=purpose,
                state="accepted",
                sent_at=_at(day, 10),
                decided_at=_at(day + 1, 10),
            )

    _add(1, harbour, "victim_support")
    few = _queries(officer_north, client)
    _add(20, harbour, "victim_support")
    _add(5, mash, "safeguarding")
    _add(5, AgencyFactory(), "request_for_information")
    # when
    many = _queries(officer_north, client)
    # then
    # The membership, the counts, the durations, the closure days.
    assert few == many == 4
