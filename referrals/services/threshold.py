"""The threshold decisions of a safeguarding hub or children's services on a
safeguarding or strategy-discussion referral (Working Together to Safeguard
Children), one for each child the referral is about: each owed from when the
referral is sent, due within one working day (stored then, by the one calendar),
recorded once with its own rationale, and sent back to the referrer at once.

The referral keeps, on its own row, what its children's decisions add up to
(`threshold_marks_refresh`): the earliest deadline of a child still owed one, and
when the last child was decided. The inbox's order (`Referral.receiver_due_at`) and
its list rows read those, never the children's rows."""

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction

from common.errors import InvalidState, ValidationError
from common.history import history_note
from referrals.models import Referral, ReferralState, ThresholdDecision, ThresholdDecisionKind
from referrals.selectors.threshold import threshold_child_names, threshold_children_of
from referrals.services.due_dates import (
    stale_at_compute,
    threshold_applies,
    threshold_due_at_compute,
)
from referrals.services.moves import (
    choice_and_text_required,
    move_begin,
    move_finish,
)


def threshold_children_open(referral: Referral, *, due_at: datetime) -> list[ThresholdDecision]:
    """Each child's decision owed from now, due at `due_at`: called when the
    referral is sent (its snapshot fixed). A child already owed one keeps it."""
    have = set(
        ThresholdDecision.objects.filter(referral=referral).values_list("child_id", flat=True)
    )
    rows = [
        ThresholdDecision(referral=referral, child_id=child, due_at=due_at)
        for child in threshold_children_of(referral)
        if UUID(child) not in have
    ]
    return ThresholdDecision.objects.bulk_create(rows)


def threshold_marks_refresh(referral: Referral, rows: Iterable[ThresholdDecision]) -> list[str]:
    """Set the referral's threshold deadline and decided moment from its children's
    decisions; the fields it set, for the caller's save."""
    rows = list(rows)
    if not rows:
        return []
    owed = [row.due_at for row in rows if row.decided_at is None]
    if owed:
        referral.threshold_due_at = min(owed)
        referral.threshold_decided_at = None
    else:
        referral.threshold_due_at = min(row.due_at for row in rows)
        referral.threshold_decided_at = max(row.decided_at for row in rows if row.decided_at)
    return ["threshold_due_at", "threshold_decided_at"]


def _child_row(
    rows: list[ThresholdDecision], child: UUID | str | None, errors: dict[str, list[str]]
) -> ThresholdDecision | None:
    if child in (None, ""):
        if len(rows) == 1:
            return rows[0]
        errors["child"] = [
            f"This referral is about {len(rows)} children: choose the child this decision is for."
        ]
        return None
    for row in rows:
        if str(row.child_id) == str(child):
            return row
    errors["child"] = ["Choose a child this referral is about."]
    return None


@transaction.atomic
def threshold_decision_record(
    *,
    actor: User,
    referral: Referral,
    child: UUID | str | None = None,
    decision: str,
    rationale: str,
) -> ThresholdDecision:
    """One child's threshold decision, recorded once and sent back to the referrer
    at once. `child` is the child's party id; it may be left out only when the
    referral is about one child. Refused, changing nothing: a child the referral is
    not about, a missing decision or rationale (ValidationError naming each), a
    child already decided or a referral that takes no threshold decision
    (InvalidState naming the referral's state)."""
    locked, now = move_begin(actor=actor, referral=referral, name="threshold")
    if not threshold_applies(locked):
        raise InvalidState(
            "Only a safeguarding or strategy-discussion referral to a safeguarding hub or "
            "children's services takes a threshold decision.",
            state=locked.state,
        )
    rows = list(ThresholdDecision.objects.select_for_update().filter(referral=locked))
    if not rows:
        # Written without its children owed one (a bulk load, an older release): each
        # is owed one now, by the referral's deadline, or one working day from sending.
        due_at = locked.threshold_due_at or threshold_due_at_compute(locked.sent_at or now)
        rows = threshold_children_open(locked, due_at=due_at)
    errors: dict[str, list[str]] = {}
    row = _child_row(rows, child, errors)
    if row is not None and row.decided_at is not None:
        raise InvalidState(
            "A threshold decision has already been recorded for this child.",
            state=locked.state,
            details={"child": str(row.child_id), "decided_at": row.decided_at.isoformat()},
        )
    try:
        decision, rationale = choice_and_text_required(
            decision,
            rationale,
            fields=("decision", "rationale"),
            choices=ThresholdDecisionKind.values,
            missing=("Choose the threshold decision.", "Give the rationale for the decision."),
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors or row is None:
        raise ValidationError(errors)
    row.decision, row.rationale, row.decided_by, row.decided_at = decision, rationale, actor, now
    row.full_clean(exclude=["referral", "child", "decided_by"])
    history_note(row, actor=actor, reason="threshold decision recorded")
    row.save(update_fields=["decision", "rationale", "decided_by", "decided_at"])
    fields = threshold_marks_refresh(locked, rows)
    if locked.state in (ReferralState.ACCEPTED, ReferralState.IN_PROGRESS):
        locked.stale_at = stale_at_compute(now)
        fields.append("stale_at")
    label = ThresholdDecisionKind(decision).label
    if len(rows) == 1:
        note, message = (
            f"{label}: {rationale}",
            "A threshold decision has been recorded on a referral you sent.",
        )
    else:
        name = threshold_child_names(locked).get(str(row.child_id), "A child")
        decided = sum(1 for each in rows if each.decided_at is not None)
        note = f"For {name}: {label}: {rationale}"
        message = (
            "A threshold decision has been recorded for a child on a referral you sent "
            f"({decided} of {len(rows)} children decided)."
        )
    move_finish(
        locked,
        actor=actor,
        name="threshold",
        fields=fields,
        message=message,
        note=note,
        at=now,
    )
    return row
