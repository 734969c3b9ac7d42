"""The parts of home that are one role's own work before anything else: a
supervisor's 48-hour checks and their team's overdue duties, the hub's referrals
awaiting a threshold decision, a receiver's inbox. Each is read by its app's own
selector, at most `HOME_LIMIT` rows in one query, and every record shown is named in
the access log. An empty one is None: home leaves it out."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KT
from django.urls import reverse

from agencies import access
from agencies.audit import access_list_record
from agencies.models import Role
from calendars.today import HOME_LIMIT
from referrals.models import ReferralState
from referrals.models.referral import NOTHING_OWED
from referrals.selectors import inbox_list
from referrals.views.display import list_rows
from welfare.check_lateness import countdown
from welfare.duty_pages import duty_meet_page
from welfare.models import Duty, DutyKind
from welfare.selectors.duties import duty_deadlines_annotate, team_duty_list
from welfare.selectors.suspects import suspect_welfare_access_check


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    rows: list[dict[str, Any]]
    # More than the rows shown: where the rest are.
    more: bool
    more_link: str
    more_text: str
    # An inbox's capped counts (awaiting a decision, of which overdue, being worked).
    summary: dict[str, int] | None = None


def _first(queryset: QuerySet[Any]) -> tuple[list[Any], bool]:
    rows = list(queryset[: HOME_LIMIT + 1])
    return rows[:HOME_LIMIT], len(rows) > HOME_LIMIT


def _meet_link(duty: Duty) -> str:
    link = duty_meet_page(duty)
    if duty.kind == DutyKind.VICTIM_UPDATE:
        return f"{link}?next={reverse('home')}"
    return link


def welfare_checks_section(*, actor: User, now: datetime) -> Section | None:
    """A supervisor's 48-hour checks, due or missed, soonest (the missed) first: of
    every team they cover, as their Team duties (those of a team with no supervisor
    of its own included, whose missed check is escalated to them)."""
    if access.role_of(actor) != Role.POLICE_SUPERVISOR or not suspect_welfare_access_check(actor):
        return None
    checks, more = _first(
        team_duty_list(actor=actor, now=now)
        .filter(kind=DutyKind.WELFARE_CHECK)
        .select_related("event")
    )
    if not checks:
        return None
    access_list_record(actor=actor, records=checks)
    rows = []
    for check in checks:
        text, missed = countdown(check.due_at, now)
        rows.append({"check": check, "countdown": text, "missed": missed})
    return Section(
        key="welfare-checks",
        heading="48-hour welfare checks",
        rows=rows,
        more=more,
        more_link=reverse("team-duties"),
        more_text="See every duty of your team",
    )


def team_overdue_section(*, actor: User, now: datetime) -> Section | None:
    """A supervisor's team's overdue duties, the longest overdue first; the 48-hour
    checks are in their own section, above."""
    if access.role_of(actor) != Role.POLICE_SUPERVISOR:
        return None
    duties, more = _first(
        team_duty_list(actor=actor, now=now)
        .filter(due_at__lt=now)
        .exclude(kind=DutyKind.WELFARE_CHECK)
    )
    if not duties:
        return None
    access_list_record(actor=actor, records=duties)
    rows = [
        {"duty": duty, "link": _meet_link(duty)}
        for duty in duty_deadlines_annotate(duties, now=now)
    ]
    return Section(
        key="team-overdue",
        heading="Your team's overdue duties",
        rows=rows,
        more=more,
        more_link=reverse("team-duties"),
        more_text="See all your team's duties",
    )


_WAITING = [ReferralState.SENT, ReferralState.ACCEPTED, ReferralState.IN_PROGRESS]
_THRESHOLD_OWED = Q(
    state__in=_WAITING, threshold_due_at__isnull=False, threshold_decided_at__isnull=True
)


def _referral_section(
    actor: User,
    now: datetime,
    *,
    key: str,
    heading: str,
    narrowed: Q,
    summary: dict[str, int] | None = None,
) -> Section | None:
    # Owed something: the inbox's index reads them in order, the overdue first.
    owed = inbox_list(actor=actor).filter(receiver_due_at__lt=NOTHING_OWED).filter(narrowed)
    # Each row shows the sender's reference, read alone as the inbox reads it, so that
    # two referrals of one purpose are told apart (issue 18: "all read Victim support").
    referrals, more = _first(
        owed.select_related("from_agency", "to_team")
        .defer("disclosure")
        .annotate(their_reference=KT("disclosure__case_reference"))
    )
    if not referrals and not any((summary or {}).values()):
        return None
    access_list_record(actor=actor, records=referrals)
    return Section(
        key=key,
        heading=heading,
        rows=list_rows(referrals, now=now),
        more=more,
        more_link=reverse("referral-inbox-page"),
        more_text="Open the inbox",
        summary=summary,
    )


# Whose day is the inbox: its counts head its section on their home page.
_INBOX_ROLES = {Role.PARTNER_CASEWORKER, Role.SOCIAL_WORKER}


def referral_sections(
    *, actor: User, now: datetime, inbox_counts: dict[str, int] | None = None
) -> list[Section]:
    """What the reader's agency owes on the referrals sent to it: for the hub, those
    awaiting a threshold decision first; for a charity or a social worker, their
    inbox headed by its counts (`inbox_counts`), shown while anything waits in it."""
    if not access.can(actor, "referrals.referral.receive"):
        return []
    role = access.role_of(actor)
    if role == Role.MASH_COORDINATOR:
        sections = [
            _referral_section(
                actor,
                now,
                key="threshold",
                heading="Referrals awaiting a threshold decision",
                narrowed=_THRESHOLD_OWED,
            ),
            _referral_section(
                actor,
                now,
                key="referrals",
                heading="Other referrals to act on",
                narrowed=~_THRESHOLD_OWED,
            ),
        ]
    elif role in _INBOX_ROLES:
        sections = [
            _referral_section(
                actor, now, key="inbox", heading="Your inbox", narrowed=Q(), summary=inbox_counts
            )
        ]
    else:
        sections = [
            _referral_section(
                actor, now, key="referrals", heading="Referrals to act on", narrowed=Q()
            )
        ]
    return [section for section in sections if section is not None]
