"""The staff welfare sweep: debriefs and welfare reviews that have come due.

For each active member of a police force who may review material, the next debrief
and the next welfare review are due one period (the agency's `ExposureRules`) after
the last one recorded, or after they joined when none is. On or after that day the
member and their supervisors (`safeguarding.deadlines.supervisors_of`) are told,
once per due date: the dedupe key names the member, the kind and the due date, so a
second run, or a due date that has not moved, tells nobody again. The message
carries no personal details."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from agencies.access import MATERIAL_READERS
from agencies.models import AgencyKind, Membership
from common.notifications import notify
from welfare.models import WelfareMeetingKind
from welfare.selectors.staff_summaries import meetings_due

DEBRIEF_DUE = "staff.debrief_due"
WELFARE_REVIEW_DUE = "staff.welfare_review_due"
_KIND_FOR = {
    WelfareMeetingKind.DEBRIEF: DEBRIEF_DUE,
    WelfareMeetingKind.WELFARE_REVIEW: WELFARE_REVIEW_DUE,
}


def _day(day) -> str:
    return f"{day.day} {day:%B %Y}"


def staff_welfare_sweep(now: datetime | None = None) -> dict[str, int]:
    """Returns how many notifications of each kind it created (zero on a second run)."""
    from safeguarding.deadlines import supervisors_of

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    created = dict.fromkeys(_KIND_FOR.values(), 0)
    members = list(
        Membership.objects.select_related("user", "agency")
        .filter(
            agency__kind=AgencyKind.POLICE,
            role__in=sorted(MATERIAL_READERS),
            user__is_active=True,
        )
        .order_by("agency_id", "user__username")
    )
    mine, team = reverse("staff-exposure"), reverse("staff-exposure-team")
    supervisors_by_user: dict[int, list] = {}
    due_by_user = meetings_due(members, today=today)
    for member in members:
        for due in due_by_user[member.user_id]:
            if due.due_on > today:
                continue
            kind = _KIND_FOR[due.kind]
            what = due.label.lower()
            key = f"staff:{member.user_id}:{due.kind}:{due.due_on.isoformat()}"
            if notify(
                user=member.user,
                kind=kind,
                message=f"Your {what} is due (due on {_day(due.due_on)}).",
                link=mine,
                dedupe_key=key,
            ):
                created[kind] += 1
            if member.user_id not in supervisors_by_user:
                supervisors_by_user[member.user_id] = supervisors_of(member.user)
            for supervisor in supervisors_by_user[member.user_id]:
                if notify(
                    user=supervisor,
                    kind=kind,
                    message=f"A member of your team is due a {what} (due on {_day(due.due_on)}).",
                    link=team,
                    dedupe_key=key,
                ):
                    created[kind] += 1
    return created
