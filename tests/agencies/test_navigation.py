"""The menu (issue 18): at most six items per role, the literal list of each role's,
the GOV.UK service navigation's menu button, the active item, the count tags, the
section's navigation that keeps every page two clicks away, and the Reports page."""

import re

import pytest
from django.urls import reverse

from agencies.models import Role
from agencies.navigation import MENUS, PAGES
from common.models import Notification
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    TeamFactory,
    TOTPDeviceFactory,
)
from tests.helpers import signed_in_client
from tests.referrals.test_pages import received

# Written out: the menu must change here when it changes in agencies/navigation.py.
EXPECTED_MENUS = {
    "generalist_officer": ["Home", "Cases", "Duties", "Calendar", "Referrals", "Intake"],
    "specialist_investigator": ["Home", "Cases", "Intake", "Referrals", "Duties", "Calendar"],
    "police_supervisor": ["Home", "Cases", "Intake", "Referrals", "Duties", "Reports"],
    "mash_coordinator": ["Home", "Referrals", "Cases", "Calendar", "Reports"],
    "social_worker": ["Home", "Cases", "Referrals", "Calendar", "Reports"],
    "partner_caseworker": ["Home", "Referrals", "Reports"],
    "agency_admin": ["Home", "People", "Risk levels", "Exposure rules"],
    "auditor": ["Home", "Access log", "Reports"],
    "records_manager": ["Home", "Retention", "Subject access"],
}

# Each role's kind of agency, as in the demo.
AGENCY_KIND = {
    "generalist_officer": {},
    "specialist_investigator": {},
    "police_supervisor": {},
    "mash_coordinator": {"mash": True},
    "social_worker": {"childrens_services": True},
    "partner_caseworker": {"victim_support": True},
    "agency_admin": {},
    "auditor": {},
    "records_manager": {},
}


def _member(role: str, **agency):
    membership = MembershipFactory(
        role=role,
        agency=AgencyFactory(**(agency or AGENCY_KIND[role])),
        team=None if role in ("agency_admin", "auditor", "records_manager") else TeamFactory(),
    )
    TOTPDeviceFactory(user=membership.user)
    return membership


def _menu_block(html: str) -> str:
    found = re.search(
        r'<ul class="govuk-service-navigation__list" id="navigation">(.*?)</ul>', html, re.S
    )
    assert found, "no menu"
    return found.group(1)


def _text(inner: str) -> str:
    without_tags = re.sub(r'<strong class="govuk-tag[^"]*">.*?</strong>', "", inner, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", "", without_tags).split())


def menu(html: str) -> list[tuple[str, str]]:
    """The menu's items: (label, href), in order, without their count tags."""
    links = re.findall(
        r'<a class="govuk-service-navigation__link" href="([^"]+)"[^>]*>(.*?)</a>',
        _menu_block(html),
        re.S,
    )
    return [(_text(inner), href) for href, inner in links]


def section(html: str) -> list[tuple[str, str]]:
    found = re.search(r'<nav class="tl-section-nav"[^>]*>(.*?)</nav>', html, re.S)
    if not found:
        return []
    links = re.findall(r'href="([^"]+)"[^>]*>(.*?)</a>', found.group(1), re.S)
    return [(_text(inner), href) for href, inner in links]


@pytest.mark.parametrize("role", list(EXPECTED_MENUS))
def test_each_role_sees_its_own_menu_of_at_most_six_items(db, role):
    # given
    client = signed_in_client(_member(role))
    # when
    items = [label for label, _ in menu(client.get("/").content.decode())]
    # then
    assert items == EXPECTED_MENUS[role]
    assert len(items) <= 6


def test_every_role_has_a_menu_and_none_has_more_than_six():
    assert set(MENUS) == set(Role)
    assert max(len(items) for items in MENUS.values()) <= 6


def test_an_admin_of_an_agency_that_sets_no_exposure_rules_is_not_offered_them(db):
    # The rules of good practice for staff who review material are police rules.
    client = signed_in_client(_member("agency_admin", mash=True))
    assert [label for label, _ in menu(client.get("/").content.decode())] == [
        "Home",
        "People",
        "Risk levels",
    ]


def test_a_generalist_officer_is_offered_no_statistics_report(officer_north, browser_for):
    html = browser_for(officer_north).get("/").content.decode()
    assert "/reports/" not in html
    # The policy is unchanged: the reports are still theirs to open (issue 18 leaves
    # access alone), they are only not in the way.
    assert browser_for(officer_north).get(reverse("reports")).status_code == 200


def test_the_menu_is_the_govuk_service_navigation_with_its_menu_button(officer_north, browser_for):
    html = browser_for(officer_north).get("/").content.decode()
    assert '<div class="govuk-service-navigation" data-module="govuk-service-navigation">' in html
    assert (
        '<button type="button" class="govuk-service-navigation__toggle '
        'govuk-js-service-navigation-toggle" aria-controls="navigation" hidden aria-hidden="true">'
    ) in html
    assert '<nav aria-label="Menu" class="govuk-service-navigation__wrapper">' in html


def test_the_header_holds_the_notifications_with_their_count_and_sign_out(
    officer_north, browser_for
):
    # given: two unread notices
    for n in range(2):
        Notification.objects.create(
            user=officer_north.user,
            kind="test.notice",
            message=f"Notice {n}",
            link="/",
            dedupe_key=f"test:{n}",
        )
    # when
    html = browser_for(officer_north).get("/").content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    # then
    assert (
        'href="/notifications/">Notifications <strong class="govuk-tag govuk-tag--red">2'
        '<span class="govuk-visually-hidden"> unread</span></strong></a>'
    ) in header
    assert 'action="/sign-out/"' in header
    assert "Notifications" not in _menu_block(html)


def test_the_active_item_is_marked_on_every_page_it_groups(officer_north, browser_for):
    client = browser_for(officer_north)
    # On the item's own page: the page itself.
    duties = client.get("/my-duties/").content.decode()
    assert (
        '<a class="govuk-service-navigation__link" href="/my-duties/" aria-current="page">'
        '<strong class="govuk-service-navigation__active-fallback">Duties</strong></a>'
    ) in duties
    # On another page it groups: the item, not the page.
    updates = client.get("/victim-updates/").content.decode()
    assert (
        '<a class="govuk-service-navigation__link" href="/my-duties/" aria-current="true">'
        '<strong class="govuk-service-navigation__active-fallback">Duties</strong></a>'
    ) in updates
    assert updates.count("govuk-service-navigation__item--active") == 1
    # On a page of no item (the risk levels, in the footer): none.
    assert "govuk-service-navigation__item--active" not in client.get("/risk/").content.decode()


def test_the_sections_pages_link_to_each_other(supervisor_north, browser_for):
    html = browser_for(supervisor_north).get("/queue/").content.decode()
    assert section(html) == [
        ("Cases", "/cases/"),
        ("Work queue", "/queue/"),
        ("Transfers", "/transfers/"),
    ]
    assert 'tl-section-nav__link" href="/queue/" aria-current="page">Work queue</a>' in html
    # A single page's item has no section row, nor has a record under a section.
    assert section(browser_for(supervisor_north).get("/referrals/").content.decode()) == []


@pytest.mark.parametrize("role", list(EXPECTED_MENUS))
def test_every_page_of_a_roles_menu_is_two_clicks_away_and_opens(db, role):
    # given
    client = signed_in_client(_member(role))
    # when: each item, then each link of its section
    reached = {}
    for label, href in menu(client.get("/").content.decode()):
        page = client.get(href)
        assert page.status_code == 200, (label, href)
        reached[href] = label
        for sub_label, sub_href in section(page.content.decode()):
            assert client.get(sub_href).status_code == 200, (sub_label, sub_href)
            reached[sub_href] = sub_label
    # then: every page the role's menu groups, that the role may open, was reached
    offered = {
        reverse(PAGES[key].url_name)
        for _, keys in MENUS[Role(role)]
        for key in keys
        if client.get(reverse(PAGES[key].url_name)).status_code == 200
    }
    assert offered <= set(reached)


# --- Count tags


def test_the_supervisor_sees_the_transfers_waiting_on_cases_and_on_transfers(
    supervisor_north, browser_for, monkeypatch
):
    from cases.selectors import transfers as transfer_selectors

    monkeypatch.setattr(transfer_selectors, "transfers_waiting_count", lambda *, actor: 2)
    html = browser_for(supervisor_north).get("/transfers/").content.decode()
    assert (
        'href="/cases/" aria-current="true">'
        '<strong class="govuk-service-navigation__active-fallback">Cases</strong> '
        '<strong class="govuk-tag govuk-tag--blue">2 transfers'
        '<span class="govuk-visually-hidden"> waiting for a decision</span></strong></a>'
    ) in html
    assert (
        'aria-current="page">Transfers <strong class="govuk-tag govuk-tag--blue">2'
        '<span class="govuk-visually-hidden"> waiting for a decision</span></strong></a>'
    ) in html


def test_the_referrals_waiting_are_counted_on_referrals(
    officer_north, north, harbour, caseworker_harbour, browser_for
):
    # given: three referrals waiting for the charity's decision
    case = CaseFactory(owning_agency=north)
    for _ in range(3):
        received(case, north, harbour, officer_north.user)
    # when: any page
    html = browser_for(caseworker_harbour).get("/reports/").content.decode()
    # then
    assert (
        'href="/referrals/">Referrals <strong class="govuk-tag govuk-tag--blue">3'
        '<span class="govuk-visually-hidden"> waiting for a decision</span></strong></a>'
    ) in html


# --- The Reports page

REPORT_LINKS = {
    "Outcome report": "/reports/outcomes/",
    "Referral report": "/reports/referrals/",
    "Suspect welfare statistics": "/reports/suspect-welfare/",
}


def reports_listed(html: str) -> list[str]:
    return re.findall(
        r'<h2 class="govuk-heading-s[^"]*"><a class="govuk-link" href="[^"]+">([^<]+)</a>', html
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("generalist_officer", ["Outcome report", "Referral report", "Suspect welfare statistics"]),
        ("police_supervisor", ["Outcome report", "Referral report", "Suspect welfare statistics"]),
        ("auditor", ["Outcome report", "Referral report", "Suspect welfare statistics"]),
        ("mash_coordinator", ["Referral report"]),
        ("social_worker", ["Referral report"]),
        ("partner_caseworker", ["Referral report"]),
    ],
)
def test_the_reports_page_lists_the_reports_the_reader_may_read(db, role, expected):
    client = signed_in_client(_member(role))
    response = client.get("/reports/")
    html = response.content.decode()
    assert response.status_code == 200
    assert reports_listed(html) == expected
    for label in expected:
        assert f'href="{REPORT_LINKS[label]}">{label}</a>' in html
        assert client.get(REPORT_LINKS[label]).status_code == 200
    # Each with the one line saying what it answers.
    assert html.count('<p class="govuk-body govuk-!-margin-bottom-0">') == len(expected)


def test_the_reports_item_is_active_on_every_report(supervisor_north, browser_for):
    html = browser_for(supervisor_north).get("/reports/outcomes/").content.decode()
    assert (
        '<a class="govuk-service-navigation__link" href="/reports/" aria-current="true">'
        '<strong class="govuk-service-navigation__active-fallback">Reports</strong></a>'
    ) in html


def test_the_reports_page_is_not_there_for_one_who_may_read_no_report(admin_north, browser_for):
    assert browser_for(admin_north).get("/reports/").status_code == 404


def test_the_reports_page_is_for_signed_in_members_only(client, db):
    response = client.get("/reports/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_the_reports_page_and_the_menu_cost_a_fixed_number_of_queries(
    auditor_north, browser_for, django_assert_max_num_queries
):
    client = browser_for(auditor_north)
    client.get("/reports/")  # the session's first use
    # the session, its user and device, the membership, the unread notifications
    with django_assert_max_num_queries(6):
        assert client.get("/reports/").status_code == 200
