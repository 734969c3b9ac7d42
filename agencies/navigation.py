"""The menu (issue 18): at most six items, chosen per role from what the role uses.

The role table below says which items each role sees, in order, and which pages
each item groups; the access policy (`can`) still decides, page by page, so a menu
never offers a page its reader may not open. A role may hold a capability it does
not use (a generalist officer may read the statistics reports): its menu leaves
that page out, and the page itself stays open to it.

An item that groups several pages leads to the first the reader may open, and is
marked active on any of them; on the pages themselves a second row of links (the
section's navigation) leads to the others, so every page stays two clicks from the
menu. Notifications, the reader's profile and signing out are in the header; the
shared risk levels, reference for everyone, in the footer."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from agencies.access import SIGNED_IN, can, membership_of
from agencies.models import Role

# Count tags, shown beside the item (and the section link) that leads to them.
REFERRALS_WAITING = "referrals"
TRANSFERS_WAITING = "transfers"


@dataclass(frozen=True)
class Page:
    """A page the menu can lead to: its URL name, the capability that opens it, and
    the paths that belong to it (those starting with one of `paths`; "/" only
    itself), the longest match winning."""

    key: str
    label: str
    url_name: str
    capability: str
    paths: tuple[str, ...]
    count: str = ""


PAGES: dict[str, Page] = {
    page.key: page
    for page in (
        Page("home", "Home", "home", SIGNED_IN, ("/",)),
        Page("cases", "Cases", "case-list", "cases.case.view", ("/cases/", "/tasks/")),
        Page("queue", "Work queue", "queue", "safeguarding.queue.view", ("/queue/",)),
        Page(
            "transfers",
            "Transfers",
            "transfer-list-page",
            "cases.transfer.decide",
            ("/transfers/",),
            count=TRANSFERS_WAITING,
        ),
        Page("intake", "Intake queue", "intake-queue", "intake.item.view", ("/intake/",)),
        Page(
            "intake_packages",
            "Referral packages",
            "intake-packages",
            "intake.package.view",
            ("/intake/packages/",),
        ),
        Page(
            "intake_matches",
            "Matches on your cases",
            "intake-deconfliction",
            "intake.deconfliction.view",
            ("/intake/deconfliction/",),
        ),
        Page(
            "referrals",
            "Referrals",
            "referral-inbox-page",
            "referrals.referral.view",
            ("/referrals/",),
            count=REFERRALS_WAITING,
        ),
        Page("my_duties", "My duties", "my-duties", "welfare.duty.view", ("/my-duties/",)),
        Page("team_duties", "Team duties", "team-duties", "welfare.duty.view", ("/team-duties/",)),
        Page(
            "victim_updates",
            "Victim updates",
            "victim-updates",
            "welfare.duty.view",
            ("/victim-updates/", "/duties/"),
        ),
        Page(
            "staff_welfare",
            "Your exposure",
            "staff-exposure",
            "staff.exposure.log",
            ("/staff-welfare/",),
        ),
        Page(
            "staff_team",
            "Team exposure",
            "staff-exposure-team",
            "staff.exposure.team",
            ("/staff-welfare/team/",),
        ),
        Page("calendar", "Calendar", "calendar", SIGNED_IN, ("/calendar/",)),
        Page("reports", "Reports", "reports", SIGNED_IN, ("/reports/",)),
        Page("people", "People", "member-list", "agencies.member.view", ("/people/",)),
        Page("risk", "Risk levels", "risk-vocabulary", SIGNED_IN, ("/risk/",)),
        Page(
            "staff_rules",
            "Exposure rules",
            "staff-exposure-rules",
            "staff.rules.manage",
            ("/staff-welfare/rules/",),
        ),
        Page("access_log", "Access log", "access-log", "audit.access_log.view", ("/audit/",)),
        # Information governance (issue 19): the records manager's two queues.
        Page(
            "retention",
            "Retention reviews",
            "retention-queue",
            "records.retention.queue",
            ("/retention/",),
        ),
        Page(
            "subject_access",
            "Subject access requests",
            "subject-access-request-list",
            "subject_access.request.view",
            ("/subject-access-requests/",),
        ),
        Page(
            "notifications",
            "Notifications",
            "notification-list-page",
            SIGNED_IN,
            ("/notifications/",),
        ),
    )
}

# Each role's menu: items in order, each a label and the keys of the pages it groups
# (the first the reader may open is where it leads). Pages that belong to no item of
# a role's menu are still marked on no item: the risk levels (the footer), the
# notifications (the header).
Menu = tuple[tuple[str, tuple[str, ...]], ...]

_HOME = ("Home", ("home",))
_INTAKE = ("Intake", ("intake", "intake_packages", "intake_matches"))
_REFERRALS = ("Referrals", ("referrals",))
_CALENDAR = ("Calendar", ("calendar",))
_REPORTS = ("Reports", ("reports",))

MENUS: dict[Role, Menu] = {
    # At a door with a phone: the case, the updates owed, the day. The generalist
    # holds the intake capabilities (intake is police casework) but the specialist
    # team triages it: last. The statistics reports are not theirs to use.
    Role.GENERALIST_OFFICER: (
        _HOME,
        ("Cases", ("cases", "queue")),
        ("Duties", ("my_duties", "victim_updates", "staff_welfare")),
        _CALENDAR,
        _REFERRALS,
        _INTAKE,
    ),
    # Triage first; the reports are management information, the supervisor's.
    Role.SPECIALIST_INVESTIGATOR: (
        _HOME,
        ("Cases", ("cases", "queue")),
        _INTAKE,
        _REFERRALS,
        ("Duties", ("my_duties", "victim_updates", "staff_welfare")),
        _CALENDAR,
    ),
    # The queues, the team's duties and welfare, the handoffs, the figures. Their own
    # calendar is one of their duties pages.
    Role.POLICE_SUPERVISOR: (
        _HOME,
        ("Cases", ("cases", "queue", "transfers")),
        _INTAKE,
        _REFERRALS,
        (
            "Duties",
            (
                "team_duties",
                "my_duties",
                "victim_updates",
                "calendar",
                "staff_welfare",
                "staff_team",
            ),
        ),
        _REPORTS,
    ),
    # The hub's front door is its referrals; its referral figures are its own (no
    # supervisory role in a hub reads them for it).
    Role.MASH_COORDINATOR: (
        _HOME,
        _REFERRALS,
        ("Cases", ("cases", "queue")),
        _CALENDAR,
        _REPORTS,
    ),
    Role.SOCIAL_WORKER: (
        _HOME,
        ("Cases", ("cases", "queue")),
        _REFERRALS,
        _CALENDAR,
        _REPORTS,
    ),
    # A charity works from its inbox; its referral figures are its caseworkers'.
    Role.PARTNER_CASEWORKER: (_HOME, _REFERRALS, _REPORTS),
    Role.AGENCY_ADMIN: (
        _HOME,
        ("People", ("people",)),
        ("Risk levels", ("risk",)),
        ("Exposure rules", ("staff_rules",)),
    ),
    Role.AUDITOR: (_HOME, ("Access log", ("access_log",)), _REPORTS),
    # Reviews of closed records as they fall due, and the requests of people for what
    # the agency holds about them, each with its deadline.
    Role.RECORDS_MANAGER: (
        _HOME,
        ("Retention", ("retention",)),
        ("Subject access", ("subject_access",)),
    ),
}

MAX_ITEMS = 6


@dataclass(frozen=True)
class Link:
    key: str
    label: str
    href: str
    count: str
    # This very page, or a page that belongs to it.
    current: bool
    active: bool


@dataclass(frozen=True)
class Item:
    label: str
    href: str
    count: str
    # Whether the count must say what it counts: it is not the item's own (the
    # transfers waiting, shown on Cases).
    count_named: bool
    current: bool
    active: bool
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Navigation:
    items: tuple[Item, ...]
    # The active item's pages, when it groups more than one and the reader is on one
    # of them (not on a record or a form under them): the section's navigation.
    section: Item | None
    notifications: Link
    # Which count tags the menu shows (each costs a query).
    counts: frozenset[str]


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:  # a page not (yet) in this build: left out of the menu
        return ""


def _open(user, page: Page) -> bool:
    if page.key == "reports":
        return bool(readable_reports(user))
    return can(user, page.capability)


def _owner(path: str, keys: list[str]) -> str | None:
    """The key of the page that `path` belongs to: the longest matching path."""
    best, length = None, -1
    for key in keys:
        for prefix in PAGES[key].paths:
            matches = path == prefix if prefix == "/" else path.startswith(prefix)
            if matches and len(prefix) > length:
                best, length = key, len(prefix)
    return best


def navigation_for(user, path: str) -> Navigation | None:
    """The menu of a signed-in member on the page at `path`, or None."""
    membership = membership_of(user)
    if membership is None:
        return None
    groups: list[tuple[str, list[Page]]] = []
    for label, keys in MENUS.get(Role(membership.role), ()):
        pages = [
            PAGES[key] for key in keys if _open(user, PAGES[key]) and _url(PAGES[key].url_name)
        ]
        if pages:
            groups.append((label, pages))
    owner = _owner(path, [page.key for _, pages in groups for page in pages] + ["notifications"])
    items = []
    for label, pages in groups:
        links = tuple(
            Link(
                key=page.key,
                label=page.label,
                href=_url(page.url_name),
                count=page.count,
                current=path == _url(page.url_name),
                active=page.key == owner,
            )
            for page in pages
        )
        counted = next((link for link in links if link.count), None)
        items.append(
            Item(
                label=label,
                href=links[0].href,
                count=counted.count if counted else "",
                count_named=counted is not None and counted.label != label,
                current=path == links[0].href,
                active=any(link.active for link in links),
                links=links,
            )
        )
    section = next(
        (
            item
            for item in items
            if len(item.links) > 1 and any(link.current for link in item.links)
        ),
        None,
    )
    notifications_url = _url("notification-list-page")
    notifications = Link(
        key="notifications",
        label="Notifications",
        href=notifications_url,
        count="",
        current=path == notifications_url,
        active=owner == "notifications",
    )
    counts = frozenset(item.count for item in items if item.count)
    return Navigation(tuple(items), section, notifications, counts)


# --- Reports


@dataclass(frozen=True)
class Report:
    label: str
    url_name: str
    capability: str
    # The one question the report answers, for the Reports page.
    answers: str


REPORTS: tuple[Report, ...] = (
    Report(
        "Outcome report",
        "outcome-report",
        "cases.report.outcomes",
        "What outcomes did your agency record for suspects in a year, and how many of each?",
    ),
    Report(
        "Referral report",
        "referral-report",
        "referrals.report.view",
        "How many referrals did your agency send and receive, were they decided and "
        "completed in time, and did the referrer hear how they ended?",
    ),
    Report(
        "Suspect welfare statistics",
        "suspect-welfare-report",
        "welfare.report.suspect_welfare",
        "Were suspects screened for suicide risk and checked after release in time, and "
        "how many came to harm? Anonymised figures that can be published.",
    ),
)


def readable_reports(user) -> list[Report]:
    """The reports this user may read, in the order of REPORTS."""
    return [report for report in REPORTS if can(user, report.capability)]
