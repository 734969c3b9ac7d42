"""One journey a persona, through the real sign-in (password, then a TOTP code), in
Debian's chromium. Every page a journey reaches is checked at 1280 and 375 px wide
(axe-core, no horizontal scroll) and kept as a screenshot (tests_browser/audit.py).

The journeys change the demo's data: they expect a freshly seeded demo. Locators are
what a person sees (roles, labels, link text), not the markup's classes."""

import re
import time

from playwright.sync_api import Locator, Page, expect

CASE_REFERENCE = re.compile(r"\b[A-Z]{2}-\d{4}-\d{6}\b")
# The journeys do the demo's work: once done, it is not there to do again.
FRESH_DEMO = "the journeys need a freshly seeded demo (they submit forms):"


def _action(scope, name: str | re.Pattern[str]):
    """A link or a button, as a person sees it: GOV.UK's button-like links carry the
    button role, and a page may turn one into the other."""
    return scope.get_by_role("link", name=name).or_(scope.get_by_role("button", name=name))


def _link_in_row(page: Page, row_text: str | re.Pattern[str], table: re.Pattern[str]):
    """The first link of the first row showing `row_text` in the table named `table`."""
    rows = page.get_by_role("table", name=table).get_by_role("row").filter(has_text=row_text)
    return rows.first.get_by_role("link").first


def test_officer_logs_a_victim_update_in_two_clicks(journey) -> None:
    page, audit = journey("officer.north", "officer", check_sign_in=True)
    clicks = 0
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    audit.check("home")

    # when: the update due, from the home page
    update = _action(page, re.compile(r"^Log update\b")).first
    expect(update, f"{FRESH_DEMO} no victim update due on the home page").to_be_visible()
    update.click()
    clicks += 1
    expect(page.get_by_role("heading", level=1)).to_contain_text("Log the contact")
    audit.check("update-form")

    # the form: filling it in is not a click
    page.get_by_label("What were they told?").fill(
        "Told her the suspect was interviewed under caution and what happens next."
    )
    page.get_by_role("button", name=re.compile(r"^Log the contact")).click()
    clicks += 1

    # then: logged, back where the officer started, after two clicks
    expect(page.locator(".govuk-notification-banner--success, .govuk-panel")).to_be_visible()
    assert clicks == 2
    audit.check("update-logged")
    audit.assert_clean()


def test_supervisor_opens_a_missed_welfare_check(journey) -> None:
    page, audit = journey("supervisor.north", "supervisor")
    audit.check("home")

    # when: the check of a missed 48-hour welfare check, from the home page, in
    # whatever shape the home page shows it (a table row, a card)
    check: Locator | None = None
    case: re.Match[str] | None = None
    for link in page.get_by_role("main").locator("a[href*='/welfare-check/']").all():
        holder = link.locator("xpath=ancestor::*[contains(., 'Missed by')][1]")
        if holder.count() and holder.locator("a[href*='/welfare-check/']").count() == 1:
            check, case = link, CASE_REFERENCE.search(holder.inner_text())
            break
    assert check is not None, "no missed 48-hour welfare check on the supervisor's home page"
    check.click()

    # then: that check's page
    expect(page.get_by_role("heading", level=1)).to_contain_text("welfare check")
    if case:
        expect(page.get_by_role("main")).to_contain_text(case.group())
    audit.check("missed-check")
    audit.assert_clean()


def test_auditor_filters_the_access_log(journey) -> None:
    page, audit = journey("auditor.north", "auditor")
    audit.check("home")

    page.get_by_role("link", name=re.compile(r"access log", re.IGNORECASE)).first.click()
    audit.check("access-log")
    page.get_by_label("Username").fill("officer.north")
    page.get_by_role("button", name="Filter").click()

    # then: only Olivia Northam's entries (named by name or by username)
    entries = (
        page.get_by_role("table").first.get_by_role("row").filter(has=page.get_by_role("cell"))
    )
    expect(entries.first).to_be_visible()
    for entry in entries.all():
        assert re.search(r"Olivia Northam|officer\.north", entry.inner_text()), entry.inner_text()
    audit.check("access-log-filtered")
    audit.assert_clean()


def test_admin_adds_a_person(journey) -> None:
    page, audit = journey("admin.north", "admin")
    audit.check("home")

    page.get_by_role("link", name=re.compile(r"^Manage the people|^People$")).first.click()
    audit.check("people")
    _action(page, "Add a person").click()
    audit.check("add-person")

    username = f"journey.{int(time.time())}"
    page.get_by_label("First name").fill("Jordan")
    page.get_by_label("Last name").fill("Journey")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Role").select_option(label="Generalist officer")
    page.get_by_role("button", name="Add person").click()

    expect(page.get_by_role("main")).to_contain_text("Jordan Journey")
    audit.check("person-added")
    audit.assert_clean()


def test_coordinator_decides_a_threshold(journey) -> None:
    page, audit = journey("coordinator.mash", "coordinator")
    audit.check("home")

    page.get_by_role("navigation").get_by_role("link", name=re.compile(r"^Referrals")).click()
    audit.check("referrals")
    waiting = _link_in_row(page, "Threshold decision", re.compile(r"^Referrals"))
    expect(waiting, f"{FRESH_DEMO} no referral awaits a threshold decision").to_be_visible()
    waiting.click()
    audit.check("referral")

    _action(page, re.compile(r"^Record the (threshold )?decision")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Threshold decision")
    audit.check("threshold-form")
    page.get_by_role("radio", name="Early help").check()
    page.get_by_label("Rationale").fill(
        "No significant harm found; the family agreed to early help from the school."
    )
    page.get_by_role("button", name=re.compile(r"^Record the decision")).click()

    expect(page.get_by_role("alert")).to_contain_text(re.compile("decision", re.IGNORECASE))
    audit.check("threshold-decided")
    audit.assert_clean()


def test_caseworker_accepts_and_completes_a_referral(journey) -> None:
    page, audit = journey("caseworker.harbour", "caseworker")
    audit.check("home")

    _action(page, re.compile(r"^Open the inbox")).click()
    audit.check("inbox")
    waiting = _link_in_row(page, "Accept or decline", re.compile(r"^Referrals"))
    expect(waiting, f"{FRESH_DEMO} no referral to accept or decline").to_be_visible()
    waiting.click()
    audit.check("referral")

    page.get_by_role("button", name="Accept the referral").click()
    expect(page.get_by_role("main")).to_contain_text("Accepted")
    audit.check("accepted")

    page.get_by_role("button", name="Start the work").click()
    expect(page.get_by_role("main")).to_contain_text("In progress")
    audit.check("in-progress")

    page.get_by_role("radio", name="Support provided").check()
    page.get_by_label("Summary for the referrer").fill(
        "Three support sessions with Noah and his father; they know how to come back to us."
    )
    page.get_by_role("button", name=re.compile(r"^Complete")).click()
    expect(page.get_by_role("main")).to_contain_text("Completed")
    audit.check("completed")
    audit.assert_clean()
