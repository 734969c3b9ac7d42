"""The welfare panels of the case page share the page's reads (cases.panels.CasePageReads):
the parties the reader may see and the case's duties are read once for all three, and
each panel shows what it showed when it read them itself."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import selectors
from cases.panels import CasePageReads
from tests.referrals import *  # noqa: F403 (the fixtures: north_case and its people)
from tests.welfare.family.helpers import MONDAY_MORNING, arrest, frozen
from welfare.case_panels.family import family_panels
from welfare.case_panels.suspects import suspects_panels
from welfare.case_panels.victims import victims_panels
from welfare.models import Duty

pytestmark = pytest.mark.django_db


@pytest.fixture
def arrested(officer_north, north_case, victim, suspect, partner, child):
    # An arrest owes the victim an update, and the suspect's family a pack, support and
    # a safeguarding referral for the child, and the suspect a welfare screening.
    return arrest(officer_north, north_case, suspect)


def _welfare_panels(actor, case, reads=None) -> dict:
    with frozen(MONDAY_MORNING):
        if reads is None:
            panels = [*victims_panels(actor, case), *family_panels(actor, case)]
            panels += suspects_panels(actor, case)
        else:
            panels = [*victims_panels(actor, case, reads), *family_panels(actor, case, reads)]
            panels += suspects_panels(actor, case, reads)
    return {panel.anchor: panel.context for panel in panels}


def _shown(panels: dict) -> dict:
    """What each panel shows, by key: who, which duties, in which order."""
    victims = panels["victims-code"]["victims"]
    family = panels["family-support"]["support"]
    rows = panels["suspect-welfare"]["suspect_welfare_rows"]
    return {
        "victims": [
            (
                v.pk,
                v.care.pk if v.care else None,
                [(d.pk, d.due_text) for d in v.update_duties],
                v.support_duty.pk if v.support_duty else None,
            )
            for v in victims
        ],
        "families": [
            (
                f.suspect.pk,
                [p.pk for p in f.family_members],
                [p.pk for p in f.children],
                [d.pk for d in f.duties],
            )
            for f in family.suspects
        ],
        "warnings": [
            (w["suspect"].pk, w["duty"].pk) for w in panels["children-in-household"]["warnings"]
        ],
        "suspect_welfare": [
            (r.suspect.pk, r.screening_result, [d.pk for d in r.open_duties]) for r in rows
        ],
    }


def _tables(queries) -> list[str]:
    """The table each SELECT reads first: its own FROM, not a subquery's."""
    tables = []
    for query in queries.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        depth = 0
        for at, char in enumerate(sql):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0 and sql.startswith(" FROM ", at):
                tables.append(sql[at + 6 :].split()[0].strip('"'))
                break
    return tables


def test_the_panels_show_the_same_with_the_pages_reads_as_reading_for_themselves(
    officer_north,
    north_case,
    arrested,
):
    # given: every kind of welfare duty on the case
    kinds = set(Duty.objects.filter(case=north_case).values_list("kind", flat=True))
    assert {"victim_update", "family_pack", "welfare_screening"} <= kinds
    actor = officer_north.user
    parties = list(selectors.party_list(actor=actor, case=north_case))
    # when
    alone = _shown(_welfare_panels(actor, north_case))
    shared = _shown(
        _welfare_panels(
            actor, north_case, CasePageReads(actor=actor, case=north_case, parties=parties)
        )
    )
    # then
    assert shared == alone
    assert alone["victims"][0][2], "the victim's update is shown"
    assert alone["families"][0][3], "the family's duties are shown"
    assert alone["warnings"], "the child's referral is shown"
    assert alone["suspect_welfare"][0][2], "the screening is shown"


def test_with_the_pages_parties_the_panels_read_the_duties_once_and_no_party_again(
    officer_north,
    north_case,
    arrested,
):
    # given
    actor = officer_north.user
    reads = CasePageReads(
        actor=actor,
        case=north_case,
        parties=list(selectors.party_list(actor=actor, case=north_case)),
    )
    # when
    with CaptureQueriesContext(connection) as queries:
        _welfare_panels(actor, north_case, reads)
    # then: the duties once; the parties only for the suspects' latest screening, plan
    # and flag; besides, the victims' care, the suspects' incidents and the calendar
    tables = _tables(queries)
    assert sorted(tables) == [
        "agencies_closureday",
        "cases_caseparty",
        "welfare_duty",
        "welfare_victimcare",
        "welfare_welfareincident",
    ]


def test_the_page_reads_the_duties_once(officer_north, north_case, arrested, browser_for):
    # given
    client = browser_for(officer_north)
    # when
    with CaptureQueriesContext(connection) as queries, frozen(MONDAY_MORNING):
        response = client.get(f"/cases/{north_case.id}/welfare/")
    # then
    assert response.status_code == 200
    assert _tables(queries).count("welfare_duty") == 1
    assert "Children live in the household of Sam Madeup" in response.content.decode()
