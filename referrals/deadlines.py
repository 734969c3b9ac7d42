"""Referral deadlines: how each is set (once, when its event is recorded, and
stored), and the sweep that tells people when one is near or missed.

All counted in working days by the one calendar (`agencies.working_days`):

* acceptance or decline: immediate the same working day, urgent 1 working day,
  routine 3, from the moment it is sent (or answered, after a question);
* a threshold decision for each child of a safeguarding or strategy-discussion
  referral to a safeguarding hub or children's services: 1 working day from being
  sent (Working Together to Safeguard Children), swept child by child;
* a victim-support referral: 2 working days from the crime being recorded (the
  case's received date, from 09:00), unless the victim refused (the Victims' Code);
* an accepted referral with no update for 20 working days is stale.

The sweep (`referral_deadlines_sweep`, run by Celery beat through
`referrals.tasks.referral_deadlines_sweep_task`) finds the decision, threshold and
victim-support deadlines due within two hours or passed, and tells the receiving
team and their supervisors, and the referrer too once a deadline is missed. It
tells a stale referral's owner and its referrer. Every notification's dedupe key
names the event and the due moment, so a second run, or two at once, tells
nobody twice.

Urgent concerns are the exception to working days: their acknowledgement is due
two clock hours after they are raised, night, weekend or clock change. Their own
sweep (`concern_escalations_sweep`, run every five minutes) tells the owning
team's supervisors when that passes, and every supervisor of the sending agency
when two more hours pass without an acknowledgement."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import cast

from django.contrib.auth.models import User
from django.utils import timezone

from agencies.selectors.supervision import Recipients
from common.dates import when_text
from common.notifications import Notice, moment_key, notices_deliver, sweep_counts
from referrals.models import Concern, ConcernState, Referral, ReferralState, ThresholdDecision
from referrals.services.common import receivers_of, referral_link, referrer_of
from referrals.services.concerns import (
    ACKNOWLEDGE_WITHIN,
    ESCALATE_TO_ALL_AFTER,
    URGENT_CONCERN_ESCALATED,
    URGENT_CONCERN_ESCALATED_TO_ALL,
    ConcernPeople,
    concern_link,
    concern_people,
    escalate_to_all_at_compute,
)
from referrals.services.due_dates import (
    DECISION_WORKING_DAYS,
    STALE_AFTER_WORKING_DAYS,
    THRESHOLD_WORKING_DAYS,
    VICTIM_SUPPORT_WORKING_DAYS,
    decision_due_at_compute,
    stale_at_compute,
    threshold_applies,
    threshold_due_at_compute,
    victim_support_due_at_compute,
)

DUE_SOON_WINDOW = timedelta(hours=2)

DECISION_DUE_SOON = "referrals.decision_due_soon"
DECISION_OVERDUE = "referrals.decision_overdue"
THRESHOLD_DUE_SOON = "referrals.threshold_due_soon"
THRESHOLD_OVERDUE = "referrals.threshold_overdue"
VICTIM_SUPPORT_DUE_SOON = "referrals.victim_support_due_soon"
VICTIM_SUPPORT_OVERDUE = "referrals.victim_support_overdue"
STALE = "referrals.stale"
SWEEP_KINDS = (
    DECISION_DUE_SOON,
    DECISION_OVERDUE,
    THRESHOLD_DUE_SOON,
    THRESHOLD_OVERDUE,
    VICTIM_SUPPORT_DUE_SOON,
    VICTIM_SUPPORT_OVERDUE,
    STALE,
)
# The rules that set the deadlines live with the services that record the events;
# they are named here too, beside the sweep that watches them.
__all__ = [
    "ACKNOWLEDGE_WITHIN",
    "DECISION_WORKING_DAYS",
    "DUE_SOON_WINDOW",
    "ESCALATE_TO_ALL_AFTER",
    "STALE_AFTER_WORKING_DAYS",
    "SWEEP_KINDS",
    "THRESHOLD_WORKING_DAYS",
    "VICTIM_SUPPORT_WORKING_DAYS",
    "concern_escalations_sweep",
    "decision_due_at_compute",
    "referral_deadlines_sweep",
    "stale_at_compute",
    "threshold_applies",
    "threshold_due_at_compute",
    "victim_support_due_at_compute",
]


# --- The sweep


_MISSED = {
    "decision": ("A decision on a referral", "is due by", "was due by"),
    "threshold": ("A threshold decision for a child on a referral", "is due by", "was due by"),
    "victim_support": ("Victim support on a referral", "is due by", "was due by"),
}
_KINDS = {
    "decision": (DECISION_DUE_SOON, DECISION_OVERDUE),
    "threshold": (THRESHOLD_DUE_SOON, THRESHOLD_OVERDUE),
    "victim_support": (VICTIM_SUPPORT_DUE_SOON, VICTIM_SUPPORT_OVERDUE),
}


class _Teams:
    """Each receiving team's members, looked up once per sweep."""

    def __init__(self) -> None:
        self._members: dict[tuple, list[User]] = {}

    def of(self, referral: Referral) -> tuple[User, ...]:
        key = (referral.to_agency_id, referral.to_team_id)
        if key not in self._members:
            self._members[key] = receivers_of(referral)
        return tuple(self._members[key])


def _deadline_notice(
    referral: Referral,
    *,
    step: str,
    due: datetime,
    now: datetime,
    teams: _Teams,
    child: str = "",
) -> Notice:
    overdue = due < now
    what, soon, missed = _MISSED[step]
    due_soon_kind, overdue_kind = _KINDS[step]
    message = (
        f"{what} {missed} {when_text(due)} and has not been made."
        if overdue
        else f"{what} {soon} {when_text(due)}."
    )
    return Notice(
        kind=overdue_kind if overdue else due_soon_kind,
        message=message,
        link=referral_link(referral),
        # The due moment is part of the event: a referral answered after a question
        # gets a new deadline, and missing that is news again.
        # A child's threshold decision is its own event: each child is told of once.
        dedupe_key=(
            f"referral:{referral.pk}:{step}:{f'{child}:' if child else ''}"
            f"{'overdue' if overdue else 'due_soon'}:{moment_key(due)}"
        ),
        # The receiving team and their supervisors; the referrer too once it is missed.
        responsible=teams.of(referral),
        escalate=True,
        also=(referrer_of(referral),) if overdue else (),
    )


def _stale_notice(referral: Referral, *, teams: _Teams) -> Notice:
    # The owner answers for it; if they have left, the receiving team does.
    owner = referral.owner if referral.owner_id else None
    return Notice(
        kind=STALE,
        message=f"A referral has had no update for {STALE_AFTER_WORKING_DAYS} working days.",
        link=referral_link(referral),
        # The stale moment moves with every update: a new silence is a new event.
        dedupe_key=f"referral:{referral.pk}:stale:{moment_key(cast(datetime, referral.stale_at))}",
        responsible=(owner,) if owner is not None and owner.is_active else teams.of(referral),
        also=(referrer_of(referral),),
    )


def _notices(now: datetime) -> Iterator[Notice]:
    soon = now + DUE_SOON_WINDOW
    teams = _Teams()
    referrals = Referral.objects.select_related(
        "to_agency", "owner", "sent_by", "created_by"
    ).order_by("id")
    waiting = referrals.filter(state=ReferralState.SENT)
    # Each step, the referral's field that holds its deadline, and the referrals it is open on.
    for step, due_field, open_on in (
        ("decision", "decision_due_at", waiting),
        ("victim_support", "victim_support_due_at", waiting),
    ):
        for referral in open_on.filter(**{f"{due_field}__lte": soon}):
            yield _deadline_notice(
                referral,
                step=step,
                due=cast(datetime, getattr(referral, due_field)),
                now=now,
                teams=teams,
            )
    # Each child still owed a threshold decision, by its own deadline (read from the
    # index of the children owed one, `threshold_open_due`).
    threshold_open = (
        ThresholdDecision.objects.filter(
            decided_at__isnull=True,
            due_at__lte=soon,
            referral__state__in=[
                ReferralState.SENT,
                ReferralState.ACCEPTED,
                ReferralState.IN_PROGRESS,
            ],
        )
        .select_related(
            "referral__to_agency", "referral__owner", "referral__sent_by", "referral__created_by"
        )
        .order_by("due_at", "id")
    )
    for owed in threshold_open:
        yield _deadline_notice(
            owed.referral,
            step="threshold",
            due=owed.due_at,
            now=now,
            teams=teams,
            child=str(owed.child_id),
        )
    stale = referrals.filter(
        state__in=[ReferralState.ACCEPTED, ReferralState.IN_PROGRESS], stale_at__lte=now
    )
    for referral in stale:
        yield _stale_notice(referral, teams=teams)


def referral_deadlines_sweep(now: datetime | None = None) -> dict[str, int]:
    """Notify whoever answers for each referral deadline that is near or missed.
    Returns how many notifications of each kind it created: all zero on a second
    run over the same moment."""
    now = now or timezone.now()
    created = notices_deliver(Recipients().pairs(_notices(now)))
    return sweep_counts(SWEEP_KINDS, created)


# --- Urgent concerns: clock hours


def _concern_notices(
    concern: Concern, people: ConcernPeople, now: datetime
) -> Iterator[tuple[Notice, User]]:
    link = concern_link(concern)
    due = concern.acknowledge_due_at
    # The team's supervisors; where the team has none, every supervisor at once.
    supervisors = people.supervisors or people.all_supervisors
    first = Notice(
        kind=URGENT_CONCERN_ESCALATED,
        message=(
            "Urgent: a concern raised on a referral your agency sent was not acknowledged "
            f"by {when_text(due)}. Acknowledge it now, with what has been done."
        ),
        link=link,
        dedupe_key=f"concern:{concern.pk}:not_acknowledged:{moment_key(due)}",
    )
    for user in supervisors:
        yield first, user
    everyone_at = escalate_to_all_at_compute(concern)
    if everyone_at <= now:
        second = Notice(
            kind=URGENT_CONCERN_ESCALATED_TO_ALL,
            message=(
                "Urgent: a concern raised on a referral your agency sent has not been "
                f"acknowledged since {when_text(due)}, and is escalated to every supervisor."
            ),
            link=link,
            dedupe_key=f"concern:{concern.pk}:escalated_to_all:{moment_key(everyone_at)}",
        )
        for user in people.all_supervisors:
            yield second, user


def concern_escalations_sweep(now: datetime | None = None) -> dict[str, int]:
    """Escalate every urgent concern whose acknowledgement is overdue: to the
    supervisors at two hours, to every supervisor of the sending agency at four.
    Returns how many notifications of each kind it stored: all zero on a second run
    over the same moment. The moments of escalation are kept on the concern."""
    now = now or timezone.now()
    overdue = (
        Concern.objects.filter(state=ConcernState.RAISED, acknowledge_due_at__lte=now)
        .select_related(
            "referral",
            "referral__case",
            "referral__case__lead_officer",
            "referral__from_agency",
            "referral__sent_by",
            "referral__created_by",
        )
        .order_by("acknowledge_due_at", "id")
    )
    people_of: dict = {}
    pairs: list[tuple[Notice, User]] = []
    escalated: list = []
    escalated_to_all: list = []
    for concern in overdue:
        if concern.referral_id not in people_of:
            people_of[concern.referral_id] = concern_people(concern.referral)
        pairs.extend(_concern_notices(concern, people_of[concern.referral_id], now))
        escalated.append(concern.pk)
        if escalate_to_all_at_compute(concern) <= now:
            escalated_to_all.append(concern.pk)
    created = notices_deliver(pairs)
    # Only the first sweep past each moment writes it down.
    Concern.objects.filter(pk__in=escalated, escalated_at__isnull=True).update(escalated_at=now)
    Concern.objects.filter(pk__in=escalated_to_all, escalated_to_all_at__isnull=True).update(
        escalated_to_all_at=now
    )
    result = {
        "concern_not_acknowledged": created[URGENT_CONCERN_ESCALATED],
        "concern_escalated_to_all": created[URGENT_CONCERN_ESCALATED_TO_ALL],
    }
    result["notifications"] = sum(result.values())
    return result
