"""A referral about several children gets a threshold decision for each child
(issue 16): each with its own deadline, outcome, rationale, decider and moment.
The referral's own deadline and state follow from its children's; refusals name the
field and change nothing; the sweep warns of each child once; the data migration
turns a referral-wide decision into one for each child."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.errors import InvalidState, ValidationError
from common.models import Notification
from referrals.deadlines import referral_deadlines_sweep
from referrals.models import Referral, ReferralPurpose, ReferralState, ThresholdDecision
from referrals.services import referral_accept, threshold_decision_record
from tests.authz.rows_referrals import make_referral
from tests.factories import PartyFactory, TOTPDeviceFactory
from tests.helpers import signed_in_client
from tests.referrals import *  # noqa: F403 (the fixtures)
from tests.referrals import MONDAY_MORNING, at, frozen, sent

# Sent Monday 2 March 2026 10:00: each child's decision is due Tuesday 17:00.
DUE = at(2026, 3, 3, 17, 0)
DECIDED = at(2026, 3, 2, 15, 0)
MIGRATION = import_module("referrals.migrations.0004_threshold_per_child")


@pytest.fixture
def sister(north_case, suspect):
    return PartyFactory(
        case=north_case,
        role="child_in_household",
        related_to=suspect,
        relationship="daughter",
        person__first_name="Wren",
        person__last_name="Madeup",
    )


@pytest.fixture
def two_children(officer_north, coordinator_mash, duty_mash, north_case, mash, child, sister):
    """A safeguarding referral to the hub about Kit and Wren, accepted."""
    with frozen(MONDAY_MORNING):
        referral = sent(
            officer_north,
            north_case,
            mash,
            [child, sister],
            purpose=ReferralPurpose.SAFEGUARDING,
            urgency="urgent",
        )
    with frozen(at(2026, 3, 2, 11, 0)):
        return referral_accept(actor=coordinator_mash.user, referral=referral)


def _rows(referral) -> dict[str, ThresholdDecision]:
    return {
        row.child.person.first_name: row
        for row in ThresholdDecision.objects.filter(referral=referral).select_related(
            "child__person"
        )
    }


def _decide(coordinator, referral, child, decision="child_in_need", rationale="Section 17."):
    with frozen(DECIDED):
        return threshold_decision_record(
            actor=coordinator.user,
            referral=referral,
            child=child.pk,
            decision=decision,
            rationale=rationale,
        )


def _state(referral) -> tuple:
    """What a refusal must leave as it was."""
    stored = Referral.objects.get(pk=referral.pk)
    return (
        stored.state,
        stored.version,
        stored.threshold_due_at,
        stored.threshold_decided_at,
        stored.events.count(),
        sorted(
            ThresholdDecision.objects.filter(referral=referral).values_list(
                "child_id", "decision", "rationale", "decided_at"
            )
        ),
        Notification.objects.count(),
    )


def _browser(membership):
    if not membership.user.totpdevice_set.exists():
        TOTPDeviceFactory(user=membership.user)
    return signed_in_client(membership)


# --- Each child its own decision and deadline


def test_each_child_is_owed_a_decision_due_in_one_working_day(two_children, child, sister):
    rows = _rows(two_children)
    assert set(rows) == {"Kit", "Wren"}
    assert [rows["Kit"].due_at, rows["Wren"].due_at] == [DUE, DUE]
    assert [rows["Kit"].decided_at, rows["Wren"].decided_at] == [None, None]
    assert two_children.threshold_due_at == DUE
    assert two_children.threshold_decided_at is None


def test_one_child_decided_leaves_the_referral_owing_the_other(
    two_children, coordinator_mash, child, sister
):
    # when
    _decide(coordinator_mash, two_children, child, rationale="Kit needs an assessment.")
    # then: Kit's is recorded, Wren's still owed; the referral still owes one
    rows = _rows(two_children)
    assert (rows["Kit"].decision, rows["Kit"].rationale) == (
        "child_in_need",
        "Kit needs an assessment.",
    )
    assert (rows["Kit"].decided_by, rows["Kit"].decided_at) == (coordinator_mash.user, DECIDED)
    assert (rows["Wren"].decision, rows["Wren"].decided_at) == ("", None)
    referral = Referral.objects.get(pk=two_children.pk)
    assert referral.state == ReferralState.ACCEPTED
    assert referral.threshold_decided_at is None
    assert referral.threshold_due_at == DUE
    assert referral.receiver_due_at == DUE
    assert referral.events.last().note == (
        "For Kit Madeup: Child in need assessment (section 17): Kit needs an assessment."
    )
    assert list(
        Notification.objects.filter(user__username="officer.north")
        .order_by("created_at")
        .values_list("message", flat=True)
    )[-1] == (
        "A threshold decision has been recorded for a child on a referral you sent "
        "(1 of 2 children decided)."
    )


def test_the_referral_is_decided_when_every_child_is(two_children, coordinator_mash, child, sister):
    _decide(coordinator_mash, two_children, child)
    # when
    _decide(coordinator_mash, two_children, sister, decision="early_help", rationale="Wren.")
    # then: the threshold no longer counts in the inbox's order
    referral = Referral.objects.get(pk=two_children.pk)
    assert referral.threshold_decided_at == DECIDED
    assert referral.threshold_due_at == DUE
    assert referral.receiver_due_at == referral.stale_at
    assert {name: row.decision for name, row in _rows(referral).items()} == {
        "Kit": "child_in_need",
        "Wren": "early_help",
    }


def test_the_referral_is_due_by_its_earliest_open_child(
    two_children, coordinator_mash, child, sister
):
    # given: Kit's decision falls due first (a deadline of its own)
    ThresholdDecision.objects.filter(referral=two_children, child=child).update(
        due_at=DUE - timedelta(hours=5)
    )
    Referral.objects.filter(pk=two_children.pk).update(threshold_due_at=DUE - timedelta(hours=5))
    assert Referral.objects.get(pk=two_children.pk).receiver_due_at == DUE - timedelta(hours=5)
    # when: Kit is decided
    _decide(coordinator_mash, two_children, child)
    # then: the referral is due by Wren's
    referral = Referral.objects.get(pk=two_children.pk)
    assert (referral.threshold_due_at, referral.receiver_due_at) == (DUE, DUE)


# --- Refusals: naming the field, changing nothing


def test_a_child_the_referral_is_not_about_is_refused(two_children, coordinator_mash, victim):
    before = _state(two_children)
    with pytest.raises(ValidationError) as refused:
        _decide(coordinator_mash, two_children, victim)
    assert refused.value.message_dict == {"child": ["Choose a child this referral is about."]}
    assert _state(two_children) == before


def test_leaving_the_child_out_of_a_referral_about_two_is_refused(two_children, coordinator_mash):
    before = _state(two_children)
    with pytest.raises(ValidationError) as refused:
        threshold_decision_record(
            actor=coordinator_mash.user,
            referral=two_children,
            decision="early_help",
            rationale="Both.",
        )
    assert refused.value.message_dict == {
        "child": ["This referral is about 2 children: choose the child this decision is for."]
    }
    assert _state(two_children) == before


def test_a_missing_rationale_is_refused(two_children, coordinator_mash, child):
    before = _state(two_children)
    with pytest.raises(ValidationError) as refused:
        _decide(coordinator_mash, two_children, child, rationale="  ")
    assert refused.value.message_dict == {"rationale": ["Give the rationale for the decision."]}
    assert _state(two_children) == before


def test_a_second_decision_for_the_same_child_is_409(two_children, coordinator_mash, child):
    _decide(coordinator_mash, two_children, child)
    before = _state(two_children)
    with pytest.raises(InvalidState) as refused:
        _decide(coordinator_mash, two_children, child, decision="early_help")
    assert refused.value.state == "accepted"
    assert refused.value.message == (
        "A threshold decision has already been recorded for this child."
    )
    assert _state(two_children) == before


# --- The API


def test_the_api_records_each_child_and_lists_them(
    two_children, coordinator_mash, officer_north, child, sister, api_for
):
    url = f"/api/v1/referrals/{two_children.pk}/threshold-decisions/"
    body = {"child": str(sister.pk), "decision": "early_help", "rationale": "Wren: early help."}
    with frozen(DECIDED):
        response = api_for(coordinator_mash).post(url, body, format="json")
    assert response.status_code == 201, response.json()
    seen = api_for(officer_north).get(f"/api/v1/referrals/{two_children.pk}/").json()
    assert seen["threshold_decision"] is None
    assert [
        (row["child"], row["child_name"], row["due_at"], row["decision"], row["decided_at"])
        for row in seen["threshold_decisions"]
    ] == [
        (str(child.pk), "Kit Madeup", "2026-03-03T17:00:00Z", "", None),
        (
            str(sister.pk),
            "Wren Madeup",
            "2026-03-03T17:00:00Z",
            "early_help",
            "2026-03-02T15:00:00Z",
        ),
    ]
    assert seen["deadlines"]["threshold_due_at"] == "2026-03-03T17:00:00Z"


def test_the_api_refuses_naming_the_field_and_the_state(
    two_children, coordinator_mash, child, victim, api_for
):
    client = api_for(coordinator_mash)
    url = f"/api/v1/referrals/{two_children.pk}/threshold-decisions/"
    before = _state(two_children)
    stranger = client.post(
        url, {"child": str(victim.pk), "decision": "early_help", "rationale": "x"}, format="json"
    )
    no_child = client.post(url, {"decision": "early_help", "rationale": "x"}, format="json")
    old_endpoint = client.post(
        f"/api/v1/referrals/{two_children.pk}/threshold-decision/",
        {"decision": "early_help", "rationale": "x"},
        format="json",
    )
    assert (stranger.status_code, no_child.status_code, old_endpoint.status_code) == (
        400,
        400,
        400,
    )
    assert stranger.json()["errors"] == {"child": ["Choose a child this referral is about."]}
    assert no_child.json()["errors"] == {"child": ["This field is required."]}
    assert old_endpoint.json()["errors"] == {
        "child": ["This referral is about 2 children: choose the child this decision is for."]
    }
    assert _state(two_children) == before
    # a second decision for one child: 409 naming the state
    body = {"child": str(child.pk), "decision": "early_help", "rationale": "Kit."}
    assert client.post(url, body, format="json").status_code == 201
    again = client.post(url, body, format="json")
    assert again.status_code == 409
    assert again.json()["state"] == "accepted"


def test_a_retried_create_records_once(two_children, coordinator_mash, child, api_for):
    client = api_for(coordinator_mash)
    url = f"/api/v1/referrals/{two_children.pk}/threshold-decisions/"
    body = {"child": str(child.pk), "decision": "early_help", "rationale": "Kit."}
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="kit-1")
    second = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="kit-1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert second["Idempotent-Replayed"] == "true"
    assert ThresholdDecision.objects.filter(decided_at__isnull=False).count() == 1


# --- The pages


def test_the_referral_page_asks_for_each_child_separately(
    two_children, coordinator_mash, child, sister, django_assert_max_num_queries
):
    hub = _browser(coordinator_mash)
    _decide(coordinator_mash, two_children, child)
    hub.get(f"/referrals/{two_children.pk}/")  # the session's first reads, once
    # the children's decisions in one query, whatever their number
    with django_assert_max_num_queries(15):
        page = hub.get(f"/referrals/{two_children.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Kit Madeup: Child in need assessment (section 17)" in html
    assert "Wren Madeup: decision owed" in html
    assert f"/referrals/{two_children.pk}/threshold/{sister.pk}/" in html
    assert f"/referrals/{two_children.pk}/threshold/{child.pk}/" not in html


def test_the_child_page_records_that_childs_decision(two_children, coordinator_mash, child, sister):
    hub = _browser(coordinator_mash)
    url = f"/referrals/{two_children.pk}/threshold/{sister.pk}/"
    hub.get(f"/referrals/{two_children.pk}/")  # the session's first reads, once
    with CaptureQueriesContext(connection) as reading:
        form = hub.get(url)
    assert form.status_code == 200
    assert "Threshold decision for Wren Madeup" in form.content.decode()
    assert len(reading.captured_queries) <= 9
    # a missing rationale: shown on its field, nothing recorded
    refused = hub.post(url, {"threshold-decision": "early_help", "threshold-rationale": ""})
    assert refused.status_code == 200
    assert "Enter the rationale for the decision." in refused.content.decode()
    assert _rows(two_children)["Wren"].decided_at is None
    # when
    with CaptureQueriesContext(connection) as recording:
        done = hub.post(
            url, {"threshold-decision": "early_help", "threshold-rationale": "Wren: early help."}
        )
    # then
    assert done.status_code == 302
    assert len(recording.captured_queries) <= 26
    assert done["Location"] == f"/referrals/{two_children.pk}/#threshold-decisions"
    assert (_rows(two_children)["Wren"].decision, _rows(two_children)["Kit"].decision) == (
        "early_help",
        "",
    )
    # and once decided, the page says so and a second POST is 409
    again = hub.post(url, {"threshold-decision": "universal", "threshold-rationale": "Again."})
    assert again.status_code == 409
    assert _rows(two_children)["Wren"].decision == "early_help"


def test_the_child_page_is_not_there_for_the_referrer_or_a_stranger_child(
    two_children, officer_north, coordinator_mash, victim, child
):
    assert (
        _browser(officer_north)
        .get(f"/referrals/{two_children.pk}/threshold/{child.pk}/")
        .status_code
        == 404
    )
    assert (
        _browser(coordinator_mash)
        .get(f"/referrals/{two_children.pk}/threshold/{victim.pk}/")
        .status_code
        == 404
    )


# --- The sweep


def test_the_sweep_warns_of_each_child_once(
    two_children, coordinator_mash, child, django_capture_on_commit_callbacks
):
    # given: Kit decided, Wren not, and her deadline passed
    _decide(coordinator_mash, two_children, child)
    Notification.objects.all().delete()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        first = referral_deadlines_sweep(at(2026, 3, 4, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        second = referral_deadlines_sweep(at(2026, 3, 4, 9, 0))
    # then: the hub's two and the referrer, once, of Wren only
    assert (first["threshold_overdue"], second["threshold_overdue"]) == (3, 0)
    assert sorted(
        Notification.objects.filter(kind="referrals.threshold_overdue").values_list(
            "user__username", "message"
        )
    ) == [
        (
            name,
            "A threshold decision for a child on a referral was due by 17:00 on 3 March 2026 "
            "and has not been made.",
        )
        for name in ("coordinator.mash", "duty.mash", "officer.north")
    ]


def test_the_sweep_warns_of_two_children_separately(
    two_children, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = referral_deadlines_sweep(at(2026, 3, 4, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        second = referral_deadlines_sweep(at(2026, 3, 4, 9, 0))
    assert (first["threshold_overdue"], second["threshold_overdue"]) == (6, 0)


# --- The data migration


def test_a_referral_wide_decision_becomes_each_childs(
    two_children, coordinator_mash, child, sister
):
    # given: as before the migration, one decision on the referral (held by Kit's row)
    _decide(coordinator_mash, two_children, child, rationale="Both children: section 17.")
    ThresholdDecision.objects.filter(referral=two_children, child=sister).delete()
    # when
    MIGRATION.decisions_for_each_child(django_apps, None)
    # then: Wren has the same decision, with the referral's deadline
    rows = _rows(two_children)
    assert {name: (row.decision, row.rationale, row.due_at) for name, row in rows.items()} == {
        "Kit": ("child_in_need", "Both children: section 17.", DUE),
        "Wren": ("child_in_need", "Both children: section 17.", DUE),
    }
    assert rows["Wren"].decided_by == coordinator_mash.user


def test_backwards_keeps_one_decision_for_a_referral_fully_decided(
    two_children, coordinator_mash, child, sister
):
    _decide(coordinator_mash, two_children, child, rationale="Kit.")
    _decide(coordinator_mash, two_children, sister, rationale="Wren.")
    MIGRATION.one_decision_per_referral(django_apps, None)
    kept = ThresholdDecision.objects.get(referral=two_children)
    assert set(kept.rationale.split("\n\n")) == {"Kit.", "Wren."}


def test_backwards_keeps_none_while_a_child_is_owed(two_children, coordinator_mash, child):
    _decide(coordinator_mash, two_children, child)
    MIGRATION.one_decision_per_referral(django_apps, None)
    assert not ThresholdDecision.objects.filter(referral=two_children).exists()


# --- The demo


@pytest.mark.slow
def test_the_demo_hub_referral_has_one_child_decided_and_one_owed(db, settings):
    # given: the demo, seeded twice (idempotent) on a Friday afternoon
    settings.DEBUG = True
    with frozen(at(2026, 11, 27, 16, 30)):
        call_command("seed_demo")
        call_command("seed_demo")
    # then: the hub's referral about Finn and Gwen: Finn decided, Gwen owed
    referral = Referral.objects.get(
        case__source_reference="DEMO-NCMEC-0001", to_agency__slug="northshire-mash"
    )
    rows = _rows(referral)
    decided = {
        name: (row.decision, row.decided_by.username if row.decided_by else None)
        for name, row in rows.items()
    }
    assert decided == {
        "Finn": ("strategy_discussion", "coordinator.mash"),
        "Gwen": ("", None),
    }
    assert rows["Finn"].due_at == rows["Gwen"].due_at == referral.threshold_due_at
    assert referral.threshold_decided_at is None
    assert referral.state == ReferralState.ACCEPTED
    # and the hub is offered Gwen's decision on the referral page
    hub = _browser(User.objects.get(username="coordinator.mash").membership)
    html = hub.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Finn Example: Strategy discussion (section 47)" in html
    assert "Gwen Example: decision owed" in html
    assert f"/referrals/{referral.pk}/threshold/{rows['Gwen'].child_id}/" in html


def test_the_hubs_inbox_reads_every_childs_decision_in_one_query(
    coordinator_mash, north, mash, api_for
):
    # given: referrals to the hub, each about two children owed a decision
    client = api_for(coordinator_mash)
    due_at = DUE

    def _add(count: int) -> None:
        for _ in range(count):
            referral = make_referral(
                from_agency=north, to_agency=mash, purpose="safeguarding", threshold_due_at=due_at
            )
            second = PartyFactory(case=referral.case, role="child_in_household")
            referral.parties.add(second)
            for party in referral.parties.all():
                ThresholdDecision.objects.create(referral=referral, child=party, due_at=due_at)

    def _queries() -> int:
        coordinator_mash.user.__dict__.pop("_tideline_membership", None)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/referrals/inbox/")
        assert response.status_code == 200
        assert all(len(row["threshold_decisions"]) == 2 for row in response.json()["results"])
        return len(captured)

    _add(2)
    few = _queries()
    _add(8)
    # when
    many = _queries()
    # then: the page, its events, its parties, the children's decisions, the caller and
    # the access log: the same for 2 referrals as for 10
    assert few == many
