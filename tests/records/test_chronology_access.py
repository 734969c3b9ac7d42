"""Who sees what in the case chronology (issue 19): each entry as its own app's scope
allows. A reader without material clearance never sees the material's changes; an
agency holding a grant of some people sees only the entries about them and the case;
a charity never sees the case at all; filters by kind and by person."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from agencies.models import Role
from records.selectors.chronology import case_chronology, chronology_kinds
from tests.factories import AgencyFactory, MembershipFactory, PartyFactory
from tests.factories_chronology import grant_parties, hour, story_case

NOW = datetime(2026, 5, 6, 12, 0, tzinfo=UTC)
pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def investigator_north(north, north_team):
    return MembershipFactory(
        agency=north, role=Role.SPECIALIST_INVESTIGATOR, team=north_team, user__username="i.n"
    )


@pytest.fixture
def mash(db):
    return AgencyFactory(slug="northshire-mash", name="Northshire MASH", mash=True)


@pytest.fixture
def coordinator_mash(mash):
    return MembershipFactory(agency=mash, role=Role.MASH_COORDINATOR, user__username="c.m")


def test_an_officer_without_material_clearance_never_sees_the_material(
    officer_north, investigator_north, north, mash
):
    # given
    story = story_case(north, investigator_north.user, mash=mash)
    # when
    officers = case_chronology(actor=officer_north.user, case=story.case)
    investigators = case_chronology(actor=investigator_north.user, case=story.case)
    asked = case_chronology(actor=officer_north.user, case=story.case, kinds=["material"])
    # then
    assert [e.kind for e in investigators if e.compartment == "material"] == ["material"]
    assert [e for e in officers if e.compartment == "material" or e.kind == "material"] == []
    assert len(officers) == len(investigators) - 1
    assert asked.entries == []
    assert "material" not in chronology_kinds(actor=officer_north.user, case=story.case)


def test_a_grant_of_the_child_shows_the_child_and_the_case_only(
    investigator_north, coordinator_mash, north, mash
):
    # given: the hub holds the case for the child only
    story = story_case(north, investigator_north.user, mash=mash)
    grant_parties(story.case, mash, [story.child], by=investigator_north.user)
    # when
    page = case_chronology(actor=coordinator_mash.user, case=story.case)
    # then: no victim, suspect or material entry; the child's and the case's are there
    assert {e.compartment for e in page} == {"case", "family", "child_safeguarding"}
    assert {e.party.id for e in page if e.party} == {story.child.pk}
    assert {e.kind for e in page} == {
        "case",
        "decision",
        "assessment",
        "referral",
        "strategy",
        "grant",
    }
    # duties, the material and transfers are police records the hub never reads
    assert not {"duty", "material", "transfer"} & set(
        chronology_kinds(actor=coordinator_mash.user, case=story.case)
    )


def test_a_party_the_grant_does_not_cover_cannot_be_asked_for(
    investigator_north, coordinator_mash, north, mash
):
    # given
    story = story_case(north, investigator_north.user, mash=mash)
    grant_parties(story.case, mash, [story.child])
    # when / then
    with pytest.raises(ValidationError) as refused:
        case_chronology(actor=coordinator_mash.user, case=story.case, party=story.victim.pk)
    assert refused.value.message_dict == {"party": ["Choose a person in this case."]}


def test_another_case_s_records_never_appear(investigator_north, north):
    # given: two cases of the same force, the second with its own contact
    story = story_case(north, investigator_north.user)
    other = story_case(north, investigator_north.user)
    # when
    page = case_chronology(actor=investigator_north.user, case=story.case)
    # then
    mine = {e.record.pk for e in page if e.record is not None}
    theirs = {record.pk for record in other.records.values()}
    assert mine and not mine & theirs


def test_filtered_by_kind(investigator_north, north, mash):
    # given
    story = story_case(north, investigator_north.user, mash=mash)
    # when
    page = case_chronology(
        actor=investigator_north.user, case=story.case, kinds=["flag", "duty", "contact"]
    )
    # then
    assert [(e.when, e.kind) for e in page] == [
        (hour(12), "duty"),
        (hour(7), "duty"),
        (hour(5), "flag"),
        (hour(1), "contact"),
    ]


def test_filtered_by_party(investigator_north, north, mash):
    # given
    story = story_case(north, investigator_north.user, mash=mash)
    PartyFactory(case=story.case, role="witness")
    # when
    suspect = case_chronology(
        actor=investigator_north.user, case=story.case, party=story.suspect.pk
    )
    child = case_chronology(actor=investigator_north.user, case=story.case, party=story.child.pk)
    # then
    assert [(e.when, e.kind) for e in suspect] == [
        (hour(12), "duty"),
        (hour(10), "outcome"),
        (hour(5), "flag"),
        (hour(3), "event"),
    ]
    assert [(e.when, e.kind) for e in child] == [
        (hour(9), "strategy"),
        (hour(6), "referral"),
        (hour(4), "assessment"),
    ]
    assert {e.party.id for e in suspect} == {story.suspect.pk}


def test_a_party_of_another_case_is_refused(investigator_north, north):
    # given
    story = story_case(north, investigator_north.user)
    stranger = PartyFactory(role="victim")
    # when / then
    with pytest.raises(ValidationError):
        case_chronology(actor=investigator_north.user, case=story.case, party=stranger.pk)
