"""Staff exposure to abuse material (Recommendation 6): logging a person's own
review sessions, and checking each against the agency's rules and the person's
shift. A session that breaks a rule is recorded only once confirmed, with its
breaches marked, and the person's supervisors are told.

Staff welfare is its own compartment: a person logs and reads their own sessions;
a police supervisor of the same team sees their compliance (never private notes).

How the rules are read:

* Times are kept to the minute: a session's start and end are truncated to the
  minute when it is logged, so "exactly 240 minutes" is exact.
* The daily limit counts the minutes spent on each local (Europe/London) calendar
  day. A session across midnight is split at midnight: its minutes before midnight
  count towards the day it started, the rest towards the next day. The limit is
  broken when a day's total passes the limit (exactly the limit is allowed).
* The final-hour rule: a session that overlaps the final `no_review_final_minutes`
  of any shift at all is a breach; one that ends exactly when that final stretch
  starts is not. A shift that ends before it starts runs past midnight.

Debriefs, welfare reviews and shift times are in `welfare.services.staff_welfare`;
changing the agency's rules, in `welfare.services.exposure_rules`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import cast
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies import access
from agencies.audit import access_log_record
from common.dates import weekday_day_text, when_text
from common.errors import ValidationError
from common.history import history_note
from common.notifications import notify
from welfare.models import (
    ExposureBreach,
    ExposureRules,
    ExposureSession,
    ReviewKind,
    StaffShift,
)
from welfare.selectors.staff_exposure import (
    exposure_rules_get_or_create,
    local_midnight,
    minutes_by_day,
)
from welfare.services.staff_welfare import staff_shift_get_or_create

MAX_SESSION = timedelta(hours=12)
EXPOSURE_BREACH = "staff.exposure_breach"


# --- The rules and the arithmetic of days


def to_the_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def shift_final_stretches(
    shift: StaffShift, rules: ExposureRules, *, first_day: date, last_day: date
) -> list[tuple[datetime, datetime]]:
    """The final stretch (UTC start, UTC end) of each shift that starts on a day
    from `first_day` to `last_day`."""
    stretches = []
    day = first_day
    while day <= last_day:
        starts = timezone.make_aware(datetime.combine(day, shift.starts_at))
        end_day = day if shift.ends_at > shift.starts_at else day + timedelta(days=1)
        ends = timezone.make_aware(datetime.combine(end_day, shift.ends_at)).astimezone(UTC)
        final_start = max(ends - timedelta(minutes=rules.no_review_final_minutes), starts)
        stretches.append((final_start.astimezone(UTC), ends))
        day += timedelta(days=1)
    return stretches


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'' if hours == 1 else 's'}")
    if rest or not parts:
        parts.append(f"{rest} minute{'' if rest == 1 else 's'}")
    return " ".join(parts)


def _day_words(day: date, today: date) -> str:
    if day == today:
        return "today"
    return f"on {weekday_day_text(day)}"


def _final_words(rules: ExposureRules) -> str:
    minutes = rules.no_review_final_minutes
    return "final hour" if minutes == 60 else f"final {_hours(minutes)}"


def exposure_breaches_find(
    *,
    user: User,
    rules: ExposureRules,
    shift: StaffShift,
    started_at: datetime,
    ended_at: datetime,
    now: datetime,
    exclude_id: UUID | None = None,
) -> tuple[list[str], list[str]]:
    """The rules a new session would break, as (`ExposureBreach` values, warnings)."""
    breaches: list[str] = []
    warnings: list[str] = []
    today = timezone.localtime(now).date()
    new_by_day = minutes_by_day(started_at, ended_at)
    first_day, last_day = min(new_by_day), max(new_by_day)
    others = ExposureSession.objects.filter(
        user=user,
        started_at__lt=local_midnight(last_day + timedelta(days=1)),
        ended_at__gt=local_midnight(first_day),
    ).only("started_at", "ended_at")
    if exclude_id is not None:
        others = others.exclude(pk=exclude_id)
    before: dict[date, int] = defaultdict(int)
    for other in others:
        for day, minutes in minutes_by_day(other.started_at, other.ended_at).items():
            before[day] += minutes
    limit = rules.max_review_minutes_per_day
    over = [day for day, minutes in sorted(new_by_day.items()) if before[day] + minutes > limit]
    if over:
        breaches.append(ExposureBreach.DAILY_LIMIT)
        for day in over:
            warnings.append(
                f"This session takes you past {_hours(limit)} of review "
                f"{_day_words(day, today)}. Confirm to record it with the breach marked."
            )
    start_utc, end_utc = started_at.astimezone(UTC), ended_at.astimezone(UTC)
    stretches = shift_final_stretches(
        shift, rules, first_day=first_day - timedelta(days=1), last_day=last_day
    )
    if rules.no_review_final_minutes and any(
        start_utc < stretch_end and end_utc > stretch_start
        for stretch_start, stretch_end in stretches
    ):
        breaches.append(ExposureBreach.FINAL_HOUR)
        warnings.append(
            f"This session is in the {_final_words(rules)} of your shift, which ends at "
            f"{shift.ends_at:%H:%M}. Confirm to record it with the breach marked."
        )
    return breaches, warnings


# --- Logging a session


def _session_errors(
    *,
    user: User,
    started_at: datetime | None,
    ended_at: datetime | None,
    review_kind: str,
    now: datetime,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if started_at is None:
        errors["started_at"] = ["Enter when the session started."]
    if ended_at is None:
        errors["ended_at"] = ["Enter when the session ended."]
    if review_kind not in ReviewKind.values:
        errors["review_kind"] = ["Choose what kind of review it was."]
    if errors:
        return errors
    started_at, ended_at = cast(datetime, started_at), cast(datetime, ended_at)
    if ended_at <= started_at:
        errors["ended_at"] = ["The end of the session must be after its start."]
    elif ended_at > now:
        errors["ended_at"] = ["A session cannot end in the future."]
    elif ended_at - started_at > MAX_SESSION:
        errors["ended_at"] = [
            "A session can be at most 12 hours long. Log a longer stretch as separate sessions."
        ]
    if errors:
        return errors
    clash = (
        ExposureSession.objects.filter(user=user, started_at__lt=ended_at, ended_at__gt=started_at)
        .order_by("started_at")
        .first()
    )
    if clash is not None:
        start = timezone.localtime(clash.started_at)
        end = timezone.localtime(clash.ended_at)
        errors["started_at"] = [
            "This session overlaps one you already logged, from "
            f"{when_text(start)} to {when_text(end)}."
        ]
    return errors


def _breach_rule_words(breaches: list[str]) -> str:
    names: dict[str, str] = {
        ExposureBreach.DAILY_LIMIT: "the daily limit",
        ExposureBreach.FINAL_HOUR: "the final-hour rule",
    }
    return " and ".join(names[breach] for breach in breaches)


@transaction.atomic
def exposure_session_log(
    *,
    actor: User,
    started_at: datetime | None,
    ended_at: datetime | None,
    review_kind: str,
    private_note: str = "",
    confirm_breach: bool = False,
    now: datetime | None = None,
) -> ExposureSession:
    """Log one of the actor's own review sessions. A session that breaks a rule is
    refused with a warning (field `confirm_breach`) until it is confirmed; then it is
    recorded with its breaches marked and the actor's supervisors are told."""
    membership = access.require(actor, "staff.exposure.log")
    now = now or timezone.now()
    started_at = to_the_minute(started_at) if started_at else None
    ended_at = to_the_minute(ended_at) if ended_at else None
    errors = _session_errors(
        user=actor, started_at=started_at, ended_at=ended_at, review_kind=review_kind, now=now
    )
    if errors:
        raise ValidationError(errors)
    started_at, ended_at = cast(datetime, started_at), cast(datetime, ended_at)
    rules = exposure_rules_get_or_create(membership.agency_id)
    shift = staff_shift_get_or_create(actor)
    breaches, warnings = exposure_breaches_find(
        user=actor, rules=rules, shift=shift, started_at=started_at, ended_at=ended_at, now=now
    )
    if breaches and not confirm_breach:
        raise ValidationError({"confirm_breach": warnings})
    session = ExposureSession(
        user=actor,
        agency_id=membership.agency_id,
        team_id=membership.team_id,
        started_at=started_at,
        ended_at=ended_at,
        minutes=sum(minutes_by_day(started_at, ended_at).values()),
        review_kind=review_kind,
        breaches=breaches,
        has_breach=bool(breaches),
        private_note=(private_note or "").strip(),
    )
    session.full_clean()
    history_note(
        session,
        actor=actor,
        reason="review session logged" + (" with a breach confirmed" if breaches else ""),
    )
    session.save()
    access_log_record(
        actor=actor,
        action="staff.exposure.logged",
        object_type="exposure_session",
        object_id=session.pk,
        object_agency_slug=membership.agency.slug,
        justification="own staff welfare",
    )
    if breaches:
        _tell_supervisors_of_breach(actor=actor, session=session)
    return session


def _tell_supervisors_of_breach(*, actor: User, session: ExposureSession) -> None:
    from agencies.selectors.supervision import supervisors_of

    rule = _breach_rule_words(session.breaches)
    link = reverse("staff-exposure-team")
    for supervisor in supervisors_of(actor):
        notify(
            user=supervisor,
            kind=EXPOSURE_BREACH,
            message=f"A member of your team logged a review session that breaks {rule}.",
            link=link,
            dedupe_key=f"exposure:{session.pk}:breach",
        )
