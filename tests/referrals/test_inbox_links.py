"""Each link of the inbox says which referral it opens: two referrals for the same
purpose do not both read "Victim support" to a screen reader's list of links."""

import re

import pytest

from tests.referrals import *  # noqa: F403 (the fixtures)
from tests.referrals.test_pages import _page, browser, received

pytestmark = pytest.mark.django_db


def _link_texts(html: str) -> list[str]:
    links = re.findall(r'<a class="govuk-link" href="/referrals/[0-9a-f-]{36}/">(.*?)</a>', html)
    return [re.sub(r"<[^>]+>", "", link) for link in links]


def test_each_inbox_link_names_its_referral(
    officer_north, north, north_case, harbour, caseworker_harbour
):
    # given: two referrals for the same purpose
    first = received(north_case, north, harbour, officer_north.user)
    second = received(north_case, north, harbour, officer_north.user)
    # when
    html = _page(browser(caseworker_harbour), "/referrals/")
    # then
    texts = _link_texts(html)
    assert len(texts) == 2
    assert len(set(texts)) == 2
    for text in texts:
        assert text.startswith(first.get_purpose_display() + ": ")
        assert f"their reference {north_case.reference}, from {north.name}, sent" in text
    assert second.get_purpose_display() in texts[0]


def test_each_home_link_names_its_referral(
    officer_north, north, north_case, harbour, caseworker_harbour
):
    # given: two referrals for the same purpose, waiting in the charity's inbox
    first = received(north_case, north, harbour, officer_north.user)
    second = received(north_case, north, harbour, officer_north.user)
    # when: the caseworker's home page lists them
    html = _page(browser(caseworker_harbour), "/")
    links = re.findall(
        r'<a class="govuk-link govuk-!-font-weight-bold" href="/referrals/([0-9a-f-]{36})/">'
        r"(.*?)</a>",
        html,
    )
    # then: each shows the sender's reference, and says which referral it is
    assert {referral_id for referral_id, _ in links} == {str(first.id), str(second.id)}
    texts = [re.sub(r"<[^>]+>", "", text) for _, text in links]
    assert len(set(texts)) == 2
    for text in texts:
        assert text.startswith(f"{first.get_purpose_display()}: {north_case.reference}, from")
