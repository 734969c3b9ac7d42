"""Staff welfare around exposure to abuse material (Recommendation 6): the
debriefs and welfare reviews of a supervisor's team, and each person's usual
shift (against which the final-hour rule is checked when a session is logged).

Staff welfare is its own compartment: a police supervisor of the same team records
that a debrief or welfare review took place (never its content) and may set a
member's shift; a person sets their own shift. Logging sessions is in
`welfare.services.staff_sessions`."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import cast

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies import access
from agencies.audit import access_log_record
from common.api.concurrency import version_check
from common.errors import ValidationError
from common.history import history_note
from welfare.models import StaffShift, WelfareMeeting, WelfareMeetingKind
from welfare.selectors.staff_exposure import team_membership_get
from welfare.services.validation import clean_errors

# --- Debriefs and welfare reviews


@transaction.atomic
def welfare_meeting_record(
    *, actor: User, user: User, kind: str, held_on: date | None, now: datetime | None = None
) -> WelfareMeeting:
    """That a member of the supervisor's team had a debrief or welfare review, and
    on which day. Nothing of what was said is recorded."""
    supervisor = access.require(actor, "staff.meeting.record")
    member = team_membership_get(actor=actor, user_id=getattr(user, "pk", None))
    today = timezone.localtime(now or timezone.now()).date()
    errors: dict[str, list[str]] = {}
    if kind not in WelfareMeetingKind.values:
        errors["kind"] = ["Choose a debrief or a welfare review."]
    if held_on is None:
        errors["held_on"] = ["Enter the date it took place."]
    elif held_on > today:
        errors["held_on"] = ["The date cannot be in the future."]
    if errors:
        raise ValidationError(errors)
    held_on = cast(date, held_on)
    meeting = WelfareMeeting(
        user=member.user,
        agency_id=member.agency_id,
        team_id=member.team_id,
        kind=kind,
        held_on=held_on,
        recorded_by=actor,
    )
    meeting.full_clean()
    history_note(meeting, actor=actor, reason=f"{meeting.get_kind_display().lower()} recorded")
    meeting.save()
    access_log_record(
        actor=actor,
        action="staff.meeting.recorded",
        object_type="welfare_meeting",
        object_id=meeting.pk,
        object_agency_slug=supervisor.agency.slug,
        justification="own team",
    )
    return meeting


# --- Shift times


def staff_shift_get_or_create(user: User) -> StaffShift:
    """The user's usual shift, created with the default (08:00 to 16:00) on first need."""
    shift, _ = StaffShift.objects.get_or_create(user=user)
    return shift


@transaction.atomic
def staff_shift_set(
    *, actor: User, user: User, starts_at: time | None, ends_at: time | None, expected_version: int
) -> StaffShift:
    """A person's usual shift, set by themselves or by their team's supervisor."""
    if getattr(user, "pk", None) == actor.pk:
        access.require(actor, "staff.exposure.log")
    else:
        access.require(actor, "staff.exposure.team")
        team_membership_get(actor=actor, user_id=getattr(user, "pk", None))
    # The shift's own rules (StaffShift.clean), before its version is checked.
    # (None is what clean() refuses, with its message; the stubs' types do not know.)
    shift = StaffShift(starts_at=cast(time, starts_at), ends_at=cast(time, ends_at))
    errors = clean_errors(shift, exclude=["user"])
    if errors:
        raise ValidationError(errors)
    staff_shift_get_or_create(user)
    locked = StaffShift.objects.select_for_update().get(user=user)
    version_check(locked, expected_version)
    starts_at, ends_at = (
        cast(time, starts_at).replace(second=0, microsecond=0),
        cast(time, ends_at).replace(second=0, microsecond=0),
    )
    if (locked.starts_at, locked.ends_at) == (starts_at, ends_at):
        return locked
    locked.starts_at, locked.ends_at = starts_at, ends_at
    locked.version += 1
    locked.full_clean()
    history_note(
        locked,
        actor=actor,
        reason="shift set by the member" if actor.pk == user.pk else "shift set by supervisor",
    )
    locked.save()
    return locked
