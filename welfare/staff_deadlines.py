"""The staff welfare sweep: debriefs and welfare reviews that have come due.

For each active member of a police force who views material (every police casework
role, generalists included: `agencies.access.EXPOSURE_REVIEWERS`), the next debrief
and the next welfare review are due one period (the agency's `ExposureRules`) after
the last one recorded, or after they joined when none is. On or after that day the
member and their supervisors (`agencies.selectors.supervision`) are told,
once per due date: the dedupe key names the member, the kind and the due date, so a
second run, or a due date that has not moved, tells nobody again. The message
carries no personal details."""

from collections.abc import Iterator
from datetime import date, datetime

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from agencies.access import EXPOSURE_REVIEWERS
from agencies.models import AgencyKind, Membership
from agencies.selectors.supervision import Recipients
from common.dates import day_text
from common.notifications import Notice, notices_deliver
from welfare.models import WelfareMeetingKind
from welfare.selectors.staff_summaries import meetings_due

DEBRIEF_DUE = "staff.debrief_due"
WELFARE_REVIEW_DUE = "staff.welfare_review_due"
_KIND_FOR: dict[str, str] = {
    WelfareMeetingKind.DEBRIEF: DEBRIEF_DUE,
    WelfareMeetingKind.WELFARE_REVIEW: WELFARE_REVIEW_DUE,
}


def _pairs(today: date) -> Iterator[tuple[Notice, User]]:
    """Each member's notice to them, then the one to each of their supervisors."""
    members = list(
        Membership.objects.select_related("user", "agency")
        .filter(
            agency__kind=AgencyKind.POLICE,
            role__in=sorted(EXPOSURE_REVIEWERS),
            user__is_active=True,
        )
        .order_by("agency_id", "user__username")
    )
    mine, team = reverse("staff-exposure"), reverse("staff-exposure-team")
    recipients = Recipients()
    due_by_user = meetings_due(members, today=today)
    for member in members:
        for due in due_by_user[member.user_id]:
            if due.due_on > today:
                continue
            kind = _KIND_FOR[due.kind]
            what, on = due.label.lower(), day_text(due.due_on)
            key = f"staff:{member.user_id}:{due.kind}:{due.due_on.isoformat()}"
            yield (
                Notice(
                    kind=kind,
                    message=f"Your {what} is due (due on {on}).",
                    link=mine,
                    dedupe_key=key,
                ),
                member.user,
            )
            to_team = Notice(
                kind=kind,
                message=f"A member of your team is due a {what} (due on {on}).",
                link=team,
                dedupe_key=key,
            )
            for supervisor in recipients.supervisors_of(member.user):
                yield to_team, supervisor


def staff_welfare_sweep(now: datetime | None = None) -> dict[str, int]:
    """Returns how many notifications of each kind it created (zero on a second run)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    created = dict.fromkeys(_KIND_FOR.values(), 0)
    created.update(notices_deliver(_pairs(today)))
    return created
