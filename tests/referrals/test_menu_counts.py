"""The inbox counts in the menu and on the home page read at most one row past
their cap, so they cost the same for ten referrals as for a national MASH's tens of
thousands; past the cap they say "99+" (here the cap is lowered to 3)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common import counts
from referrals.models import Referral, ReferralState
from tests.referrals import *  # noqa: F403 (the fixtures)
from tests.referrals.test_pages import _page, browser, received

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap_of_three(monkeypatch):
    monkeypatch.setattr(counts, "COUNT_CAP", 3)


def _menu_badge(html: str) -> str:
    match = re.search(r'href="/referrals/"[^>]*>Referrals(?: <strong[^>]*>(.*?)<span)?', html)
    assert match, "no Referrals entry in the menu"
    return match.group(1) or ""


def _received_many(number, case, from_agency, to_agency, by, **fields) -> list[Referral]:
    return [received(case, from_agency, to_agency, by, **fields) for _ in range(number)]


def test_the_menu_shows_the_exact_count_up_to_the_cap(
    cap_of_three, officer_north, north, north_case, harbour, caseworker_harbour
):
    # given
    _received_many(3, north_case, north, harbour, officer_north.user)
    # when
    html = _page(browser(caseworker_harbour), "/")
    # then
    assert _menu_badge(html) == "3"
    assert "<strong>3</strong> referrals waiting" in html


def test_the_menu_says_more_than_the_cap_past_it(
    cap_of_three, officer_north, north, north_case, harbour, caseworker_harbour
):
    # given: five waiting, all overdue, and five being worked
    overdue = timezone.now() - timedelta(days=1)
    _received_many(5, north_case, north, harbour, officer_north.user, decision_due_at=overdue)
    _received_many(5, north_case, north, harbour, officer_north.user, state=ReferralState.ACCEPTED)
    # when
    html = _page(browser(caseworker_harbour), "/")
    # then: in text, read out with what it counts
    assert _menu_badge(html) == "3+"
    assert '3+<span class="govuk-visually-hidden"> waiting for a decision</span>' in html
    assert "<strong>3+</strong> referrals waiting" in html
    assert "3+ overdue" in html
    assert "<strong>3+</strong> being worked" in html


def test_no_badge_when_nothing_waits(caseworker_harbour):
    html = _page(browser(caseworker_harbour), "/")
    assert _menu_badge(html) == ""
    # and home leaves the empty inbox out
    assert "Your inbox" not in html


def test_the_real_cap_is_ninety_nine():
    assert counts.count_text(99) == "99"
    assert counts.count_text(100) == "99+"
    assert counts.count_text(0) == ""


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        _page(client, url)
    return len(queries)


@pytest.mark.parametrize("url", ["/", "/referrals/"])
def test_a_page_costs_the_same_queries_for_2_and_20_referrals(
    url, officer_north, north, north_case, harbour, caseworker_harbour
):
    # given
    client = browser(caseworker_harbour)
    _received_many(2, north_case, north, harbour, officer_north.user)
    _page(client, url)  # the session and the caches settle
    few = _queries(client, url)
    # when
    _received_many(18, north_case, north, harbour, officer_north.user)
    many = _queries(client, url)
    # then
    assert many == few


def test_the_inbox_row_shows_the_senders_reference_without_the_whole_snapshot(
    officer_north, north, north_case, harbour, caseworker_harbour
):
    # given
    received(north_case, north, harbour, officer_north.user)
    # when
    html = _page(browser(caseworker_harbour), "/referrals/")
    # then
    assert f"Their reference {north_case.reference}" in html


def test_the_counts_leave_out_other_agencies_referrals_and_drafts(
    officer_north, north, north_case, harbour, caseworker_harbour, mash
):
    # given: one waiting for harbour; one for the hub; a draft and one harbour sent
    overdue = timezone.now() - timedelta(days=1)
    received(north_case, north, harbour, officer_north.user, decision_due_at=overdue)
    received(north_case, north, mash, officer_north.user, decision_due_at=overdue)
    received(north_case, north, harbour, officer_north.user, state=ReferralState.DRAFT)
    received(north_case, harbour, north, officer_north.user, decision_due_at=overdue)
    # when
    html = _page(browser(caseworker_harbour), "/")
    # then: only the one sent to harbour, in each count that holds it
    assert _menu_badge(html) == "1"
    assert "<strong>1</strong> referral waiting" in html
    assert "1 overdue" in html
