"""The victim updates page, a keyset page at a time (issue 15): the overdue come
first and are never left on a later page without the page saying so; Previous and
Next are plain links; the page costs the same queries however many duties are owed."""

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PartyFactory
from tests.welfare.victims.conftest import at
from welfare.models import Duty, DutyKind, DutyTrigger, VictimCare
from welfare.services.duties import duty_open
from welfare.views import victims as victim_pages

NOW = at(2026, 3, 11, 10, 0)  # a Wednesday
_OVERDUE_TAG = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
_LINK = re.compile(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="(prev|next)"')


def _owe(case, responsible, due_at):
    victim = PartyFactory(case=case, role="victim")
    VictimCare.objects.get_or_create(
        party=victim, defaults={"case": case, "enhanced_reason": "under_18"}
    )
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        return duty_open(
            actor=None,
            case=case,
            party=victim,
            kind=DutyKind.VICTIM_UPDATE,
            trigger=DutyTrigger.EVENT,
            reason="Arrested (suspect), 10 March 2026",
            due_at=due_at,
            source_key=f"test:{victim.pk}:{due_at.isoformat()}",
            responsible=responsible,
        )


def _links(html: str) -> dict[str, str]:
    return {rel: unescape(href) for href, rel in _LINK.findall(html)}


def _shown(html: str, duties) -> list[str]:
    """The duties' names in the order the page shows them."""
    names = {duty.party.person.full_name: name for name, duty in duties.items()}
    found = re.findall(r'<th scope="row"[^>]*>([^<]+)', html)
    return [names[text] for text in found if text in names]


@pytest.fixture
def two_a_page(monkeypatch):
    monkeypatch.setattr(victim_pages, "VICTIM_UPDATES_PER_PAGE", 2)


@pytest.fixture
def owed(case, officer_north):
    me = officer_north.user
    return {
        "thursday": _owe(case, me, at(2026, 3, 12, 17, 0)),
        "today": _owe(case, me, at(2026, 3, 11, 17, 0)),
        "overdue": _owe(case, me, at(2026, 3, 10, 17, 0)),
        "friday": _owe(case, me, at(2026, 3, 13, 17, 0)),
    }


def test_the_first_page_leads_with_the_overdue_and_links_to_the_next(
    browser_for, officer_north, owed, two_a_page
):
    with time_machine.travel(NOW, tick=False):
        html = browser_for(officer_north).get("/victim-updates/?due=week").content.decode()
    assert _shown(html, owed) == ["overdue", "today"]
    assert html.count(_OVERDUE_TAG) == 1
    links = _links(html)
    assert set(links) == {"next"}
    # The cursor joins the filters: the next page is of the same list.
    assert "due=week" in links["next"] and "cursor=" in links["next"]
    # One overdue duty, shown: nothing to warn of.
    assert "More overdue updates are on the next page" not in html


def test_next_and_previous_are_plain_links_that_page_through(
    browser_for, officer_north, owed, two_a_page
):
    client = browser_for(officer_north)
    with time_machine.travel(NOW, tick=False):
        first = client.get("/victim-updates/?due=week").content.decode()
        second = client.get("/victim-updates/" + _links(first)["next"])
        second_html = second.content.decode()
        back = client.get("/victim-updates/" + _links(second_html)["prev"]).content.decode()
    assert second.status_code == 200
    assert _shown(second_html, owed) == ["thursday", "friday"]
    assert set(_links(second_html)) == {"prev"}
    assert "Back to the first page" in second_html
    assert _shown(back, owed) == ["overdue", "today"]
    assert set(_links(back)) == {"next"}
    # No script is needed: the links are anchors, and no form posts the cursor.
    assert "<script" not in first.split('<nav class="govuk-pagination"')[1].split("</nav>")[0]


def test_overdue_left_for_the_next_page_is_said(browser_for, officer_north, case, two_a_page):
    me = officer_north.user
    for days in (3, 2, 1):
        _owe(case, me, NOW - timedelta(days=days))
    with time_machine.travel(NOW, tick=False):
        html = browser_for(officer_north).get("/victim-updates/?due=overdue").content.decode()
    assert html.count(_OVERDUE_TAG) == 2
    assert "More overdue updates are on the next page." in html
    assert set(_links(html)) == {"next"}


def test_a_cursor_that_is_not_tidelines_shows_the_first_page(
    browser_for, officer_north, owed, two_a_page
):
    with time_machine.travel(NOW, tick=False):
        response = browser_for(officer_north).get("/victim-updates/?due=week&cursor=forged")
    assert response.status_code == 200
    assert _shown(response.content.decode(), owed) == ["overdue", "today"]


def test_an_officer_asking_for_the_whole_force_reads_their_own(browser_for, officer_north, owed):
    with time_machine.travel(NOW, tick=False):
        response = browser_for(officer_north).get("/victim-updates/?due=week&whose=agency")
    assert response.status_code == 200
    assert _shown(response.content.decode(), owed) == ["overdue", "today", "thursday", "friday"]


def _page_queries(client) -> int:
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        response = client.get("/victim-updates/?due=week")
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_for_5_or_30_duties(
    browser_for, officer_north, case, django_assert_max_num_queries
):
    client = browser_for(officer_north)
    me = officer_north.user
    counts = {}
    for n in (5, 30):
        Duty.objects.all().delete()
        # Spread over the week for both, so the calendar is read alike.
        for i in range(n):
            _owe(case, me, NOW + timedelta(hours=i * 143 // (n - 1) - 2))
        client.get("/")  # the session and the calendar's caches warm alike for both
        with django_assert_max_num_queries(9):
            counts[n] = _page_queries(client)
    assert counts[5] == counts[30]
