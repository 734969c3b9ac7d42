"""The moves through the API: each by the side that owns it, answering with the
referral as that side sees it; every refused move answers 409 naming the current
state and changes nothing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agencies.models import Role
from referrals.models import Referral, ThresholdDecision
from tests.authz.rows_referrals import make_referral
from tests.factories import AgencyFactory, MembershipFactory, TOTPDeviceFactory

LONDON = ZoneInfo("Europe/London")
# Monday 9 March 2026, 10:00.
NOW = datetime(2026, 3, 9, 10, 0, tzinfo=LONDON)


def _move(referral, name: str) -> str:
    return f"/api/v1/referrals/{referral.id}/{name}/"


pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def mash(db):
    return AgencyFactory(slug="northshire-mash", name="Northshire MASH", mash=True)


@pytest.fixture
def coordinator_mash(mash):
    membership = MembershipFactory(
        agency=mash, role=Role.MASH_COORDINATOR, user__username="coordinator.mash"
    )
    TOTPDeviceFactory(user=membership.user)
    return membership


def _unchanged(referral) -> tuple:
    fresh = Referral.objects.get(pk=referral.pk)
    return (
        fresh.state,
        fresh.version,
        fresh.owner_id,
        fresh.decided_at,
        fresh.completed_at,
        fresh.withdrawn_at,
        fresh.events.count(),
        ThresholdDecision.objects.filter(referral=fresh, decided_at__isnull=False).exists(),
    )


# --- Each side's moves


def test_the_receiver_declines_with_a_reason_the_referrer_reads(
    officer_north, caseworker_harbour, north, harbour, api_for
):
    # given
    referral = make_referral(from_agency=north, to_agency=harbour, created_by=officer_north.user)
    # when
    response = api_for(caseworker_harbour).post(
        _move(referral, "decline"), {"reason": "Outside our area."}, format="json"
    )
    # then
    assert response.status_code == 200
    assert response.json()["side"] == "receiver"
    assert response.json()["state"] == "declined"
    seen = api_for(officer_north).get(f"/api/v1/referrals/{referral.id}/").json()
    assert (seen["state"], seen["decline_reason"]) == ("declined", "Outside our area.")
    assert seen["decided_at"] == "2026-03-09T10:00:00Z"


def test_a_question_goes_back_and_the_answer_sends_it_again_with_a_new_deadline(
    officer_north, caseworker_harbour, north, harbour, api_for, clock
):
    # given
    referral = make_referral(
        from_agency=north, to_agency=harbour, urgency="routine", created_by=officer_north.user
    )
    # when
    returned = api_for(caseworker_harbour).post(
        _move(referral, "return"), {"question": "Is it safe to phone her?"}, format="json"
    )
    clock.shift(timedelta(days=1))
    answered = api_for(officer_north).post(
        _move(referral, "answer"), {"answer": "Yes, after 4pm."}, format="json"
    )
    # then
    assert returned.status_code == 200
    assert returned.json()["state"] == "returned"
    assert returned.json()["return_question"] == "Is it safe to phone her?"
    assert answered.status_code == 200
    body = answered.json()
    assert body["side"] == "sender"
    assert (body["state"], body["return_answer"]) == ("sent", "Yes, after 4pm.")
    # Tuesday 10:00 + 3 working days: Friday 13 March, 17:00 (UTC in winter).
    assert body["deadlines"]["decision_due_at"] == "2026-03-13T17:00:00Z"


def test_a_progress_note_reaches_the_referrer_and_restarts_the_stale_clock(
    officer_north, caseworker_harbour, north, harbour, api_for, clock
):
    # given
    referral = make_referral(
        from_agency=north,
        to_agency=harbour,
        state="in_progress",
        created_by=officer_north.user,
        stale_at=NOW + timedelta(days=1),
    )
    clock.shift(timedelta(hours=1))
    # when
    response = api_for(caseworker_harbour).post(
        _move(referral, "update"), {"note": "First session held."}, format="json"
    )
    # then
    assert response.status_code == 200
    seen = api_for(officer_north).get(f"/api/v1/referrals/{referral.id}/").json()
    assert seen["events"][-1]["note"] == "First session held."
    assert seen["deadlines"]["last_update_at"] == "2026-03-09T11:00:00Z"
    # 20 working days from Monday 9 March, past Good Friday and Easter Monday (3 and
    # 6 April): Wednesday 8 April, 17:00 in summer time.
    assert seen["deadlines"]["stale_at"] == "2026-04-08T17:00:00+01:00"


def test_the_referrer_withdraws_and_the_receiver_sees_why(
    officer_north, caseworker_harbour, north, harbour, api_for
):
    # given
    referral = make_referral(
        from_agency=north, to_agency=harbour, state="accepted", created_by=officer_north.user
    )
    # when
    response = api_for(officer_north).post(
        _move(referral, "withdraw"), {"reason": "The family moved away."}, format="json"
    )
    # then
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"
    seen = api_for(caseworker_harbour).get(f"/api/v1/referrals/{referral.id}/").json()
    assert (seen["state"], seen["withdraw_reason"]) == ("withdrawn", "The family moved away.")


def test_the_hub_records_a_threshold_decision_the_referrer_sees(
    officer_north, coordinator_mash, north, mash, api_for
):
    # given
    referral = make_referral(
        from_agency=north, to_agency=mash, purpose="safeguarding", created_by=officer_north.user
    )
    # when
    response = api_for(coordinator_mash).post(
        _move(referral, "threshold-decision"),
        {"decision": "child_in_need", "rationale": "Needs assessment under section 17."},
        format="json",
    )
    # then
    assert response.status_code == 200
    assert response.json()["side"] == "receiver"
    decision = (
        api_for(officer_north).get(f"/api/v1/referrals/{referral.id}/").json()["threshold_decision"]
    )
    assert decision["decision"] == "child_in_need"
    assert decision["rationale"] == "Needs assessment under section 17."
    assert decision["decided_by"]["username"] == "coordinator.mash"
    assert decision["decided_at"] == "2026-03-09T10:00:00Z"


# --- Refused moves


def _police_pair(north, south, officer_north, state, **fields):
    return make_referral(
        from_agency=north,
        to_agency=south,
        purpose="request_for_information",
        state=state,
        created_by=officer_north.user,
        **fields,
    )


REFUSED = [
    # (state, who moves, move, body)
    ("sent", "sender", "accept", None),
    ("sent", "sender", "decline", {"reason": "x"}),
    ("sent", "sender", "start", None),
    ("sent", "receiver", "withdraw", {"reason": "x"}),
    ("sent", "receiver", "answer", {"answer": "x"}),
    ("sent", "sender", "send", None),
    ("sent", "sender", "answer", {"answer": "x"}),
    ("sent", "receiver", "start", None),
    ("sent", "receiver", "complete", {"outcome": "support_provided", "summary": "x"}),
    ("sent", "receiver", "update", {"note": "x"}),
    ("accepted", "receiver", "accept", None),
    ("accepted", "receiver", "decline", {"reason": "x"}),
    ("accepted", "receiver", "complete", {"outcome": "support_provided", "summary": "x"}),
    ("returned", "receiver", "accept", None),
    ("returned", "sender", "send", None),
    ("in_progress", "sender", "complete", {"outcome": "support_provided", "summary": "x"}),
    ("in_progress", "receiver", "start", None),
    ("completed", "sender", "withdraw", {"reason": "x"}),
    ("completed", "receiver", "update", {"note": "x"}),
    ("declined", "receiver", "accept", None),
    ("declined", "sender", "withdraw", {"reason": "x"}),
    ("withdrawn", "receiver", "accept", None),
    ("withdrawn", "sender", "withdraw", {"reason": "x"}),
]


@pytest.mark.parametrize(
    ("state", "side", "move", "body"),
    REFUSED,
    ids=[f"{side} {move} when {state}" for state, side, move, _ in REFUSED],
)
def test_a_move_not_allowed_answers_409_naming_the_state_and_changes_nothing(
    officer_north, officer_south, north, south, api_for, state, side, move, body
):
    # given: police to police, so that both sides' roles may make every move
    referral = _police_pair(north, south, officer_north, state)
    before = _unchanged(referral)
    client = api_for(officer_north if side == "sender" else officer_south)
    # when
    response = client.post(_move(referral, move), body, format="json")
    # then
    assert response.status_code == 409, response.content
    assert response.json()["state"] == state
    assert _unchanged(referral) == before


def test_a_second_threshold_decision_answers_409(coordinator_mash, north, mash, api_for):
    # given
    referral = make_referral(from_agency=north, to_agency=mash, purpose="safeguarding")
    client = api_for(coordinator_mash)
    body = {"decision": "early_help", "rationale": "Early help will meet her needs."}
    client.post(_move(referral, "threshold-decision"), body, format="json")
    before = _unchanged(referral)
    # when
    again = client.post(_move(referral, "threshold-decision"), body, format="json")
    # then
    assert again.status_code == 409
    assert again.json()["state"] == "sent"
    assert _unchanged(referral) == before


def test_a_partner_may_not_record_a_threshold_decision(caseworker_harbour, north, harbour, api_for):
    referral = make_referral(from_agency=north, to_agency=harbour)
    before = _unchanged(referral)
    response = api_for(caseworker_harbour).post(
        _move(referral, "threshold-decision"),
        {"decision": "early_help", "rationale": "x"},
        format="json",
    )
    assert response.status_code == 404
    assert _unchanged(referral) == before


@pytest.mark.parametrize(
    ("state", "move", "body", "field"),
    [
        ("sent", "decline", {}, "reason"),
        ("sent", "decline", {"reason": ""}, "reason"),
        ("sent", "return", {}, "question"),
        ("in_progress", "complete", {"summary": "Done."}, "outcome"),
        ("in_progress", "complete", {"outcome": "support_provided"}, "summary"),
        ("in_progress", "complete", {"outcome": "cured", "summary": "Done."}, "outcome"),
        ("in_progress", "update", {}, "note"),
    ],
)
def test_a_move_without_what_it_needs_is_refused_naming_the_field(
    caseworker_harbour, north, harbour, api_for, state, move, body, field
):
    # given
    referral = make_referral(from_agency=north, to_agency=harbour, state=state)
    before = _unchanged(referral)
    # when
    response = api_for(caseworker_harbour).post(_move(referral, move), body, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert _unchanged(referral) == before


def test_a_move_on_a_referral_out_of_scope_answers_404(
    caseworker_lighthouse, officer_south, north, harbour, api_for
):
    referral = make_referral(from_agency=north, to_agency=harbour)
    before = _unchanged(referral)
    for outsider, move in ((caseworker_lighthouse, "accept"), (officer_south, "withdraw")):
        response = api_for(outsider).post(_move(referral, move), {"reason": "x"}, format="json")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
    assert _unchanged(referral) == before
