"""The demo's staff exposure: `investigator.north` with a week of review sessions
ending yesterday, one of them breaking the final-hour rule; shifts of 08:00 to
16:00 for the investigator and `supervisor.north`; a debrief last month and a
welfare review five months ago, recorded by the supervisor. `officer.north`, a
generalist who views material in the force's grading tools, has the same shift and
two sessions of grading within the limits on the last working days, so that their
page is not empty. Idempotent: a second run finds the week already logged and
changes nothing."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from common.dates import months_after
from welfare.models import ExposureSession, ReviewKind, StaffShift, WelfareMeeting
from welfare.models import WelfareMeetingKind as Kind
from welfare.services.staff_sessions import exposure_session_log
from welfare.services.staff_welfare import welfare_meeting_record

SHIFT = (time(8, 0), time(16, 0))
# (start, end, kind) each working day: 210 minutes. The breach day adds 30 minutes
# in the final hour of the shift, which keeps it to the 240-minute limit.
_DAY_SESSIONS = [
    (time(9, 0), time(11, 0), ReviewKind.GRADING),
    (time(13, 0), time(14, 30), ReviewKind.INTERVIEW),
]
_BREACH_SESSION = (time(14, 45), time(15, 15), ReviewKind.GRADING)
# The generalist's grading for an investigation: an hour, then 45 minutes.
_OFFICER_SESSIONS = [
    (time(10, 0), time(11, 0), ReviewKind.GRADING),
    (time(13, 0), time(13, 45), ReviewKind.GRADING),
]


def _at(day, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def seed_staff_exposure(now: datetime | None = None) -> str:
    now = now or timezone.now()
    users = {u.username: u for u in User.objects.filter(username__in=_NAMES)}
    investigator = users.get("investigator.north")
    supervisor = users.get("supervisor.north")
    if investigator is None or supervisor is None:
        return "staff exposure skipped: investigator.north or supervisor.north is missing"
    officer = users.get("officer.north")
    for user in (investigator, supervisor, officer):
        if user is None:
            continue
        StaffShift.objects.get_or_create(
            user=user, defaults={"starts_at": SHIFT[0], "ends_at": SHIFT[1]}
        )
    today = timezone.localtime(now).date()
    first_day = today - timedelta(days=7)
    logged = 0
    if not ExposureSession.objects.filter(
        user=investigator, started_at__gte=_at(first_day, time.min)
    ).exists():
        working_days = [
            first_day + timedelta(days=i)
            for i in range(7)
            if (first_day + timedelta(days=i)).weekday() < 5
        ]
        breach_day = working_days[-2] if len(working_days) > 1 else working_days[-1]
        for day in working_days:
            sessions = _DAY_SESSIONS + ([_BREACH_SESSION] if day == breach_day else [])
            for starts, ends, kind in sessions:
                exposure_session_log(
                    actor=investigator,
                    started_at=_at(day, starts),
                    ended_at=_at(day, ends),
                    review_kind=kind,
                    confirm_breach=day == breach_day,
                    now=now,
                )
                logged += 1
    logged += _seed_officer(officer, first_day=first_day, now=now)
    met = 0
    for kind, held_on in (
        (Kind.DEBRIEF, months_after(today, -1)),
        (Kind.WELFARE_REVIEW, months_after(today, -5)),
    ):
        if not WelfareMeeting.objects.filter(user=investigator, kind=kind).exists():
            welfare_meeting_record(
                actor=supervisor, user=investigator, kind=kind, held_on=held_on, now=now
            )
            met += 1
    return f"{logged} review session(s) and {met} debrief/welfare review(s) created"


def _seed_officer(officer: User | None, *, first_day: date, now: datetime) -> int:
    """The generalist's two sessions, one on each of the last two working days
    before today; none when they already have one in the week."""
    if (
        officer is None
        or ExposureSession.objects.filter(
            user=officer, started_at__gte=_at(first_day, time.min)
        ).exists()
    ):
        return 0
    working_days = [
        first_day + timedelta(days=i)
        for i in range(7)
        if (first_day + timedelta(days=i)).weekday() < 5
    ]
    logged = 0
    for day, (starts, ends, kind) in zip(working_days[-2:], _OFFICER_SESSIONS, strict=True):
        exposure_session_log(
            actor=officer,
            started_at=_at(day, starts),
            ended_at=_at(day, ends),
            review_kind=kind,
            now=now,
        )
        logged += 1
    return logged


_NAMES = ("investigator.north", "supervisor.north", "officer.north")
