"""The server-rendered lists page by keyset (common.keyset) with the shared GOV.UK
Previous and Next links: no page numbers, no total, the cursor beside the filters,
and working without JavaScript (plain links)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from agencies.audit import access_log_record
from common.models import Notification

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)


def _links(html: str) -> dict[str, str]:
    """The pagination's links by rel, their query strings unescaped."""
    nav = re.search(r'<nav class="govuk-pagination".*?</nav>', html, re.S)
    if nav is None:
        return {}
    found = re.findall(r'href="([^"]*)" rel="(prev|next)"', nav.group(0))
    return {rel: href.replace("&amp;", "&") for href, rel in found}


def test_the_access_log_pages_older_then_newer_by_cursor(auditor_north, officer_north, browser_for):
    # given: 60 reads, more than the page's 50
    for _ in range(60):
        access_log_record(actor=officer_north.user, action="cases.case.viewed")
    client = browser_for(auditor_north)
    # when
    # (by the officer: the auditor's own reads of the log are logged too, and newer)
    first = client.get("/audit/access-log/", {"user": "officer.north"})
    links = _links(first.content.decode())
    # then: Older only, keeping the filter; no "Page 1 of"
    assert set(links) == {"next"}
    assert "user=officer.north" in links["next"] and "cursor=" in links["next"]
    assert "Page 1 of" not in first.content.decode()
    assert ">Older<" in first.content.decode()
    # when: Older
    second = client.get("/audit/access-log/" + links["next"])
    # then: the 10 left, with Newer back to the first page
    assert second.status_code == 200
    assert len(second.context["entries"]) == 10
    first_ids = {entry.pk for entry in first.context["entries"]}
    assert first_ids.isdisjoint(entry.pk for entry in second.context["entries"])
    back = client.get("/audit/access-log/" + _links(second.content.decode())["prev"])
    assert [e.pk for e in back.context["entries"]] == [e.pk for e in first.context["entries"]]
    assert set(_links(back.content.decode())) == {"next"}


def test_the_notifications_page_pages_by_cursor(officer_north, browser_for):
    # given: 30 notifications, more than the page's 25
    for n in range(30):
        Notification.objects.create(
            user=officer_north.user,
            kind="safeguarding.flag_review_due",
            message=f"Notification {n}",
            link="/cases/",
            dedupe_key=f"k{n}",
            created_at=NOW - timedelta(hours=n),
        )
    client = browser_for(officer_north)
    # when
    first = client.get(reverse("notification-list-page"))
    second = client.get(reverse("notification-list-page") + _links(first.content.decode())["next"])
    # then
    assert len(first.context["notifications"]) == 25
    assert [n.message for n in second.context["notifications"]] == [
        f"Notification {n}" for n in range(25, 30)
    ]
    assert set(_links(second.content.decode())) == {"prev"}


@pytest.mark.parametrize("cursor", ["", "not-one-we-gave", "e30:bad:sig"])
def test_a_page_with_a_cursor_it_did_not_give_shows_the_first_page(
    auditor_north, officer_north, browser_for, cursor
):
    # given
    for _ in range(3):
        access_log_record(actor=officer_north.user, action="cases.case.viewed")
    # when
    response = browser_for(auditor_north).get("/audit/access-log/", {"cursor": cursor})
    # then
    assert response.status_code == 200
    assert len(response.context["entries"]) == 3
    assert _links(response.content.decode()) == {}
