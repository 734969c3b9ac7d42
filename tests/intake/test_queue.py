"""The intake queue: the force's undecided items, critical first, then by when action
is due; held items included and tagged; decided ones and another force's never; a
keyset page at a time with pinned query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import AccessLogEntry, Role
from intake.models import IntakeDecision, ItemState
from intake.selectors.items import intake_queue, item_get_for_actor
from tests.factories import AgencyFactory, MembershipFactory, TOTPDeviceFactory
from tests.helpers import api_client, signed_in_client
from tests.intake.factories import IntakeItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return AgencyFactory(slug="queue-home-police")


@pytest.fixture
def officer(home):
    membership = MembershipFactory(agency=home, role=Role.GENERALIST_OFFICER)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def other_force():
    return AgencyFactory(slug="queue-other-police")


@pytest.fixture
def items(home, other_force, officer):
    """A critical item due late, two others due sooner and later, a held one, a
    decided one, and another force's critical item due first of all."""
    now = timezone.now()
    due = {
        "critical": IntakeItemFactory(
            agency=home, band=0, level="critical", action_due_at=now + timedelta(days=3)
        ),
        "soon": IntakeItemFactory(
            agency=home, band=1, level="high", action_due_at=now + timedelta(hours=5)
        ),
        "held": IntakeItemFactory(
            agency=home,
            band=1,
            level="medium",
            state=ItemState.HELD_FOR_DECONFLICTION,
            action_due_at=now + timedelta(days=1),
        ),
        "later": IntakeItemFactory(
            agency=home, band=1, level="low", action_due_at=now + timedelta(days=9)
        ),
    }
    IntakeItemFactory(
        agency=home,
        band=0,
        state=ItemState.DECIDED,
        decision=IntakeDecision.NO_FURTHER_ACTION,
        decided_at=now,
        decision_reason="Done",
        action_due_at=now - timedelta(days=1),
    )
    IntakeItemFactory(agency=other_force, band=0, action_due_at=now - timedelta(days=2))
    return due


def test_the_queue_is_critical_first_then_by_due_moment(officer, items):
    # when the officer reads the queue
    found = list(intake_queue(actor=officer.user))
    # then critical first, then by due moment; held included; decided and another
    # force's absent
    assert found == [items["critical"], items["soon"], items["held"], items["later"]]


def test_the_queue_is_empty_for_another_force_and_for_a_non_member(other_force, items):
    other = MembershipFactory(agency=other_force, role=Role.GENERALIST_OFFICER)
    assert [item.agency_id for item in intake_queue(actor=other.user)] == [other_force.pk]
    charity = MembershipFactory(
        agency=AgencyFactory(victim_support=True), role=Role.PARTNER_CASEWORKER
    )
    assert list(intake_queue(actor=charity.user)) == []


def test_another_forces_item_is_not_found_and_the_refusal_is_logged(home, other_force, items):
    from common.errors import NotFound

    other = MembershipFactory(agency=other_force, role=Role.GENERALIST_OFFICER)
    with pytest.raises(NotFound):
        item_get_for_actor(actor=other.user, item_id=items["soon"].pk)
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert (entry.outcome, entry.object_agency_slug, entry.object_id) == (
        "denied",
        home.slug,
        str(items["soon"].pk),
    )


def test_the_api_pages_the_queue_by_keyset(officer, items, django_assert_max_num_queries):
    client = api_client(officer)
    # when the first page of two is read
    with django_assert_max_num_queries(6):
        first = client.get("/api/v1/intake/items/", {"page_size": 2})
    assert first.status_code == 200
    body = first.json()
    assert [row["id"] for row in body["results"]] == [
        str(items["critical"].pk),
        str(items["soon"].pk),
    ]
    assert body["previous"] is None
    # then the second page follows it, in order, held item tagged by its state
    second = client.get(body["next"])
    rows = second.json()["results"]
    assert [(row["id"], row["state"]) for row in rows] == [
        (str(items["held"].pk), "held"),
        (str(items["later"].pk), "awaiting_decision"),
    ]
    assert set(rows[0]) == {
        "id",
        "state",
        "level",
        "agency_grade",
        "band",
        "triage_score",
        "action_due_at",
        "preservation_due_at",
        "preservation_sent_at",
        "report_count",
        "youngest_age",
        "received_at",
    }
    assert second.json()["next"] is None


def test_a_page_of_the_queue_costs_the_same_however_many_items(
    home, officer, items, django_assert_max_num_queries
):
    client = api_client(officer)
    with django_assert_max_num_queries(6) as few:
        client.get("/api/v1/intake/items/")
    for _ in range(30):
        IntakeItemFactory(agency=home)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/api/v1/intake/items/")


def test_a_list_of_the_queue_is_logged(officer, items):
    api_client(officer).get("/api/v1/intake/items/")
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry.action == "intake.intake_item.listed"
    assert set(entry.record_ids) == {f"intake_item:{item.pk}" for item in items.values()}


def test_the_queue_page_lists_critical_first_and_tags_held_items(
    officer, items, django_assert_max_num_queries
):
    client = signed_in_client(officer)
    with django_assert_max_num_queries(14):
        response = client.get("/intake/")
    assert response.status_code == 200
    page = response.content.decode()
    positions = [
        page.index(f"/intake/items/{items[key].pk}/")
        for key in ("critical", "soon", "held", "later")
    ]
    assert positions == sorted(positions)
    assert page.count("Held for deconfliction") == 1
    assert 'href="/intake/packages/new/"' in page


def test_the_queue_page_is_not_there_for_a_charity():
    charity = MembershipFactory(
        agency=AgencyFactory(victim_support=True), role=Role.PARTNER_CASEWORKER
    )
    TOTPDeviceFactory(user=charity.user)
    assert signed_in_client(charity).get("/intake/").status_code == 404
