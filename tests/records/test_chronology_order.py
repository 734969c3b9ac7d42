"""The case chronology's order and paging (issue 19): newest first (or oldest first),
ties settled by the source's name and then the record's key, and pages across the
sources that never repeat or skip an entry."""

from datetime import UTC, datetime

import pytest

from agencies.models import Role
from cases.models import ContactLog, KeyDecision
from records.selectors.chronology import InvalidCursor, case_chronology
from tests.factories import AgencyFactory, MembershipFactory
from tests.factories_chronology import hour, story_case

NOW = datetime(2026, 5, 6, 12, 0, tzinfo=UTC)
OPENED = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # midnight in London (GMT then)
pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]

STORY = [
    (hour(12), "duty", "Deadline missed: Offer the suspect's family a family pack; still open"),
    (
        hour(11),
        "task",
        "Task set: Ask the school about devices, for Olivia Northam, due 8 May 2026",
    ),
    (hour(10), "outcome", "Outcome 1: Charged/summonsed, dated 4 May 2026"),
    (hour(9), "strategy", "Strategy discussion held on 4 May 2026"),
    (hour(8), "material", "Material summary recorded: 5 items (A 2, B 3, C 0)"),
    (hour(7), "duty", "Update the victim: met"),
    (
        hour(6),
        "referral",
        "Referral to Northshire MASH: sent; purpose: safeguarding (to the hub or children's "
        "services)",
    ),
    (hour(5), "flag", "Flag raised: Suicide or self-harm risk; review by 1 June 2026"),
    (hour(4), "assessment", "Risk assessed as high, 5 of 8 factors known; review by 1 June 2026"),
    (hour(3), "event", "Arrested"),
    (hour(2), "decision", "Decision: Arrest the suspect today"),
    (hour(1), "contact", "Phone (we contacted them): Explained what happens next."),
    # Recorded on 4 May, opened on 2 March: at the start of the day it was opened.
    (OPENED, "case", "Case opened (NCA / NCMEC industry report), received on 2 March 2026"),
]


@pytest.fixture
def investigator_north(north, north_team):
    return MembershipFactory(
        agency=north, role=Role.SPECIALIST_INVESTIGATOR, team=north_team, user__username="i.n"
    )


@pytest.fixture
def mash(db):
    return AgencyFactory(slug="northshire-mash", name="Northshire MASH", mash=True)


def _walk(actor, case, *, limit, newest_first=True):
    """Every page from the first, following `next`: the entries and the pages."""
    pages, cursor = [], None
    while True:
        page = case_chronology(
            actor=actor, case=case, cursor=cursor, limit=limit, newest_first=newest_first
        )
        pages.append(page)
        if page.next_cursor is None:
            return [entry for p in pages for entry in p], pages
        cursor = page.next_cursor


def test_the_whole_story_newest_first_with_who_when_and_where(investigator_north, north, mash):
    # given
    story = story_case(north, investigator_north.user, mash=mash)
    # when
    page = case_chronology(actor=investigator_north.user, case=story.case)
    # then
    assert [(e.when, e.kind, e.summary) for e in page] == STORY
    assert {(e.who_name, e.who_agency) for e in page} == {("Olivia Northam", "Northshire Police")}
    by_kind = {e.kind: e for e in reversed(page.entries)}
    assert by_kind["contact"].party.name == story.victim.person.full_name
    assert by_kind["contact"].compartment == "victim"
    assert by_kind["event"].party.role == "Suspect"
    assert by_kind["referral"].party.id == story.child.pk
    assert by_kind["material"].compartment == "material"
    assert by_kind["decision"].url == (
        f"/cases/{story.case.pk}/contacts/#decision-{story.records['decision'].pk}"
    )
    assert by_kind["outcome"].url == f"/cases/{story.case.pk}/events/#outcomes"
    assert page.next_cursor is None and page.previous_cursor is None


def test_oldest_first_is_the_same_story_the_other_way(investigator_north, north, mash):
    # given
    story = story_case(north, investigator_north.user, mash=mash)
    # when
    page = case_chronology(actor=investigator_north.user, case=story.case, newest_first=False)
    # then
    assert [(e.when, e.kind, e.summary) for e in page] == list(reversed(STORY))


def test_ties_are_settled_by_source_then_key(investigator_north, north):
    # given: two contacts and two decisions at the very same moment
    story = story_case(north, investigator_north.user)
    case, lead, moment = story.case, investigator_north.user, hour(20)
    contacts = [
        ContactLog.objects.create(
            case=case,
            party=story.victim,
            contacted_at=moment,
            channel="visit",
            made_by=lead,
            summary=f"Visit {n}",
        )
        for n in range(2)
    ]
    decisions = [
        KeyDecision.objects.create(
            case=case, decision=f"Tie {n}", rationale="Why.", decided_by=lead, decided_at=moment
        )
        for n in range(2)
    ]
    # when
    first = case_chronology(actor=lead, case=case, limit=4).entries
    # then: "decision" after "contact" by name, so first going down; each by key, down
    expected = sorted(decisions, key=lambda d: d.pk, reverse=True) + sorted(
        contacts, key=lambda c: c.pk, reverse=True
    )
    assert [entry.record for entry in first] == expected
    assert {entry.when for entry in first} == {moment}
    # and the same order holds across pages of one
    walked, _ = _walk(lead, case, limit=1)
    assert [entry.record for entry in walked[:4]] == expected


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_pages_across_sources_neither_repeat_nor_skip(investigator_north, north, mash, limit):
    # given
    story = story_case(north, investigator_north.user, mash=mash)
    actor = investigator_north.user
    whole = case_chronology(actor=actor, case=story.case).entries
    # when
    walked, pages = _walk(actor, story.case, limit=limit)
    # then
    assert walked == whole
    assert all(len(page) == limit for page in pages[:-1])
    assert pages[0].previous_cursor is None
    # and going back from the last page gives the page before it
    if len(pages) > 1:
        back = case_chronology(
            actor=actor, case=story.case, cursor=pages[-1].previous_cursor, limit=limit
        )
        assert back.entries == pages[-2].entries
        assert back.next_cursor is not None


def test_oldest_first_pages_walk_the_story_forwards(investigator_north, north, mash):
    # given
    story = story_case(north, investigator_north.user, mash=mash)
    # when
    walked, _ = _walk(investigator_north.user, story.case, limit=4, newest_first=False)
    # then
    assert [(e.when, e.kind, e.summary) for e in walked] == list(reversed(STORY))


def test_a_cursor_tideline_did_not_give_is_refused(investigator_north, north):
    # given
    story = story_case(north, investigator_north.user)
    # when / then
    with pytest.raises(InvalidCursor):
        case_chronology(actor=investigator_north.user, case=story.case, cursor="made-up")
