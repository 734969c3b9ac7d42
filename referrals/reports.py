"""The referrals report: for the referrals sent by or to the caller's agency in a
period, per (from agency, to agency, purpose), how many were sent, accepted,
declined and completed, how many were overdue at each step, how long decisions
and completions took, and how many completions closed the loop with feedback.

Counted in the database in one grouped query; the durations are read in a second
query and counted in working days (the one calendar, `agencies.working_days`)
with the closure days read once. So the report costs the same whatever the
number of referrals."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.contrib.auth.models import User
from django.db.models import Count, F, Q
from django.utils import timezone

from agencies import access
from agencies.models import Agency
from agencies.working_days import working_days_late
from common.errors import ValidationError
from common.replica import replica_reads
from referrals.models import Referral, ReferralPurpose, ReferralState

MAX_PERIOD_DAYS = 366

_OPEN_FOR_THRESHOLD = (
    ReferralState.SENT,
    ReferralState.RETURNED,
    ReferralState.ACCEPTED,
    ReferralState.IN_PROGRESS,
)
_WORKING = (ReferralState.ACCEPTED, ReferralState.IN_PROGRESS)


def _counted_conditions(now: datetime) -> dict[str, Q]:
    """What each count counts. A step is overdue if it was done after its due
    moment, or is still not done and its due moment has passed."""
    return {
        # Accepting and declining both record `decided_at`; a declined referral
        # stays declined, so every other decided referral was accepted.
        "accepted": Q(decided_at__isnull=False) & ~Q(state=ReferralState.DECLINED),
        "declined": Q(state=ReferralState.DECLINED),
        "completed": Q(state=ReferralState.COMPLETED),
        "completed_with_feedback": Q(state=ReferralState.COMPLETED)
        & ~Q(outcome="")
        & ~Q(outcome_summary=""),
        "decision_overdue": Q(decision_due_at__isnull=False)
        & (
            Q(decided_at__gt=F("decision_due_at"))
            | Q(decided_at__isnull=True, state=ReferralState.SENT, decision_due_at__lt=now)
        ),
        "threshold_decision_overdue": Q(threshold_due_at__isnull=False)
        & (
            # The referral's row: its last child decided after the first deadline.
            Q(threshold_decided_at__gt=F("threshold_due_at"))
            | Q(
                threshold_decided_at__isnull=True,
                state__in=_OPEN_FOR_THRESHOLD,
                threshold_due_at__lt=now,
            )
        ),
        # Stale: 20 working days without an update (each update moves `stale_at`).
        "completion_stale": Q(stale_at__isnull=False)
        & (Q(state__in=_WORKING, stale_at__lt=now) | Q(completed_at__gt=F("stale_at"))),
    }


COUNTS = (
    "sent",
    "accepted",
    "declined",
    "completed",
    "completed_with_feedback",
    "decision_overdue",
    "threshold_decision_overdue",
    "completion_stale",
)


@dataclass
class ReferralReportRow:
    from_agency: dict
    to_agency: dict
    purpose: str
    counts: dict[str, int] = field(default_factory=dict)
    days_to_decision: list[int] = field(default_factory=list)
    days_to_completion: list[int] = field(default_factory=list)

    @property
    def median_working_days_to_decision(self) -> Decimal | None:
        return _median(self.days_to_decision)

    @property
    def median_working_days_to_completion(self) -> Decimal | None:
        return _median(self.days_to_completion)

    @property
    def feedback_share(self) -> Decimal | None:
        """Of the completed referrals, the percentage closed with an outcome summary
        for the referrer; None when none were completed."""
        completed = self.counts.get("completed", 0)
        if not completed:
            return None
        share = Decimal(self.counts.get("completed_with_feedback", 0)) * 100 / completed
        return share.quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def overdue(self) -> dict[str, int]:
        return {
            "decision": self.counts["decision_overdue"],
            "threshold_decision": self.counts["threshold_decision_overdue"],
            "completion_stale": self.counts["completion_stale"],
        }


@dataclass
class ReferralReport:
    date_from: date
    date_to: date
    agency: Agency
    rows: list[ReferralReportRow]
    totals: ReferralReportRow
    median_unit: str = "working_days"


def _median(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return Decimal(str(median(values))).quantize(Decimal("0.1"), ROUND_HALF_UP)


def report_period_check(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    errors: dict[str, list[str]] = {}
    if date_from is None:
        errors["from"] = ["Enter the first day of the period, such as 2026-03-01."]
    if date_to is None:
        errors["to"] = ["Enter the last day of the period, such as 2026-03-31."]
    if date_from is None or date_to is None:
        raise ValidationError(errors)
    if not errors and date_from > date_to:
        errors["to"] = ["The last day must not be before the first day."]
    if not errors and (date_to - date_from).days >= MAX_PERIOD_DAYS:
        errors["to"] = [f"Choose a period of at most {MAX_PERIOD_DAYS} days."]
    if errors:
        raise ValidationError(errors)
    return date_from, date_to


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


_PURPOSE_ORDER = {purpose: position for position, purpose in enumerate(ReferralPurpose.values)}
_KEY = ("from_agency__slug", "to_agency__slug", "purpose")


# A statistical return: its counts may come from the read replica, if any.
@replica_reads()
def referral_report(
    *, actor: User, date_from: date | None, date_to: date | None, now: datetime | None = None
) -> ReferralReport:
    """The caller's agency's referrals, sent or received, that were sent in the
    period (Europe/London days, both ends included).

    A statistical return of counts, with no record in it, so an auditor may read
    it, as the access policy says."""
    membership = access.require(actor, "referrals.report.view")
    date_from, date_to = report_period_check(date_from, date_to)
    now = now or timezone.now()
    agency_id = membership.agency_id
    referrals = Referral.objects.filter(
        Q(from_agency_id=agency_id) | Q(to_agency_id=agency_id),
        sent_at__gte=_start_of(date_from),
        sent_at__lt=_start_of(date_to + timedelta(days=1)),
    ).order_by()

    conditions = _counted_conditions(now)
    grouped = referrals.values(*_KEY, "from_agency__name", "to_agency__name").annotate(
        sent=Count("id"),
        **{name: Count("id", filter=condition) for name, condition in conditions.items()},
    )
    rows: dict[tuple, ReferralReportRow] = {}
    for group in grouped:
        key = tuple(group[name] for name in _KEY)
        rows[key] = ReferralReportRow(
            from_agency={"slug": group["from_agency__slug"], "name": group["from_agency__name"]},
            to_agency={"slug": group["to_agency__slug"], "name": group["to_agency__name"]},
            purpose=group["purpose"],
            counts={name: group[name] for name in COUNTS},
        )

    durations = list(
        referrals.filter(Q(decided_at__isnull=False) | Q(completed_at__isnull=False)).values_list(
            *_KEY, "sent_at", "decided_at", "completed_at"
        )
    )
    days = {_local_day(moment) for row in durations for moment in row[3:] if moment is not None}
    # Working days after each day up to the last: the difference between two days'
    # counts is the working days between them (one read of the closure days).
    after = working_days_late(days, max(days)) if days else {}
    totals = ReferralReportRow(
        from_agency={}, to_agency={}, purpose="", counts=dict.fromkeys(COUNTS, 0)
    )
    for *key, sent_at, decided_at, completed_at in durations:
        row = rows[tuple(key)]
        sent_day = _local_day(sent_at)
        if decided_at is not None:
            taken = after[sent_day] - after[_local_day(decided_at)]
            row.days_to_decision.append(taken)
            totals.days_to_decision.append(taken)
        if completed_at is not None:
            taken = after[sent_day] - after[_local_day(completed_at)]
            row.days_to_completion.append(taken)
            totals.days_to_completion.append(taken)

    ordered = sorted(
        rows.values(),
        key=lambda row: (
            row.from_agency["slug"],
            row.to_agency["slug"],
            _PURPOSE_ORDER.get(row.purpose, len(_PURPOSE_ORDER)),
        ),
    )
    for row in ordered:
        for name in COUNTS:
            totals.counts[name] += row.counts[name]
    return ReferralReport(
        date_from=date_from,
        date_to=date_to,
        agency=membership.agency,
        rows=ordered,
        totals=totals,
    )
