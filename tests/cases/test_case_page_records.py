"""The case page reads its offences, contacts, outcomes and investigation events of the
parties it has read
already (`parties=`), by key, instead of asking the access policy again in each
query: the same rows as the policy's own subquery, for the owner and for an agency
that holds the case for the one child a referral named."""

from datetime import UTC, date, datetime

import pytest

from cases import selectors
from cases.models import ContactLog, InvestigationEvent, Offence, Outcome
from cases.selectors.events import event_list
from referrals.models import ReferralPurpose
from referrals.services import referral_accept
from tests.factories import TOTPDeviceFactory, UserFactory
from tests.referrals import *  # noqa: F403 (the fixtures: north_case and its people, the hub)
from tests.referrals import MONDAY_MORNING, at, frozen, sent
from tests.welfare.family.helpers import arrest


@pytest.fixture
def records(officer_north, north_case, victim, suspect, child):
    arrest(officer_north, north_case, suspect)
    offence = Offence.objects.create(
        case=north_case,
        offence_type="sexual_communication",
        committed_from=date(2026, 1, 1),
        created_by=UserFactory(),
    )
    offence.parties.set([victim, suspect, child])
    for party in (victim, child):
        ContactLog.objects.create(
            case=north_case,
            party=party,
            contacted_at=datetime(2026, 2, 27, 10, 0, tzinfo=UTC),
            channel="phone",
            made_by=UserFactory(),
            summary="Update",
        )
    Outcome.objects.create(
        case=north_case,
        suspect=suspect,
        code="1",
        outcome_on=date(2026, 2, 27),
        rationale="Charged.",
        recorded_by=UserFactory(),
    )


@pytest.fixture
def hub_holds_the_child(officer_north, coordinator_mash, north_case, mash, child):
    with frozen(MONDAY_MORNING):
        referral = sent(
            officer_north,
            north_case,
            mash,
            [child],
            purpose=ReferralPurpose.SAFEGUARDING,
            urgency="urgent",
        )
    with frozen(at(2026, 3, 2, 11, 0)):
        referral_accept(actor=coordinator_mash.user, referral=referral)


def _read(actor, case, parties=None) -> dict:
    offences = selectors.offence_list(actor=actor, case=case, parties=parties)
    return {
        "offences": [(o.pk, [p.pk for p in o.visible_parties]) for o in offences],
        "contacts": [c.pk for c in selectors.contact_list(actor=actor, case=case, parties=parties)],
        "outcomes": [o.pk for o in selectors.outcome_list(actor=actor, case=case, parties=parties)],
        "events": [e.pk for e in event_list(actor=actor, case=case, parties=parties)],
    }


@pytest.mark.parametrize("persona", ["officer_north", "coordinator_mash"])
def test_the_records_read_of_the_pages_parties_are_those_the_policy_gives(
    persona, request, north_case, records, hub_holds_the_child
):
    # given
    actor = request.getfixturevalue(persona).user
    parties = list(selectors.party_list(actor=actor, case=north_case))
    # when
    by_keys = _read(actor, north_case, parties)
    # then
    assert by_keys == _read(actor, north_case)
    if persona == "officer_north":
        assert by_keys["events"] == [InvestigationEvent.objects.get().pk]


def test_the_hub_reads_only_the_childs_records(
    coordinator_mash, north_case, child, records, hub_holds_the_child, browser_for
):
    # given
    actor = coordinator_mash.user
    parties = list(selectors.party_list(actor=actor, case=north_case))
    # when
    read = _read(actor, north_case, parties)
    TOTPDeviceFactory(user=actor)
    client = browser_for(coordinator_mash)
    page = client.get(f"/cases/{north_case.id}/contacts/")
    tabs = [client.get(f"/cases/{north_case.id}/{tab}/") for tab in ("parties", "events")]
    # then
    assert parties == [child]
    [(_, seen)] = read["offences"]
    assert seen == [child.pk]
    assert read["contacts"] == [ContactLog.objects.get(party=child).pk]
    assert read["outcomes"] == []
    assert read["events"] == []
    assert [c.party for c in page.context["contacts"]] == [child]
    assert "Robin Fictional" not in page.content.decode()
    for tab in tabs:
        assert "Robin Fictional" not in tab.content.decode()


def test_no_parties_seen_reads_no_records(officer_north, north_case, records):
    assert _read(officer_north.user, north_case, []) == {
        "offences": [(Offence.objects.get().pk, [])],
        "contacts": [],
        "outcomes": [],
        "events": [],
    }
