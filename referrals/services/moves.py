"""The machinery every move of a referral shares: lock it, check in the table of
moves (`referrals.moves`) that the move is the actor's side's to make in the
current state (409 naming the state otherwise), then set its new state, save,
write the timeline event, note history, log the access and tell the other side."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from agencies import access
from common.dates import when_text
from common.errors import InvalidState, ValidationError
from common.history import history_note
from referrals.models import Referral, ReferralState
from referrals.models.limits import TEXT_MAX_LENGTH
from referrals.moves import MOVES, Move
from referrals.selectors import referral_locked_get
from referrals.selectors.sides import RECEIVER, SENDER, referral_side_require
from referrals.services.common import event_record, other_side_tell, referral_access_log
from referrals.services.due_dates import decision_due_at_compute, stale_at_compute

_SIDE_NAMES = {SENDER: "the referring agency", RECEIVER: "the receiving agency"}


def people_count(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def move_begin(*, actor: User, referral: Referral, name: str) -> tuple[Referral, datetime]:
    """The referral, locked, once the actor may make the move `name` in its
    current state, and the moment of the move. NotFound if they cannot see it;
    InvalidState if the move is not theirs or not allowed now; AccessDenied if
    their role may not make it at all."""
    move = MOVES[name]
    locked = referral_locked_get(referral)
    actor_side = referral_side_require(actor, locked)
    state_label = ReferralState(locked.state).label.lower()
    if actor_side != move.side:
        raise InvalidState(
            f"Only {_SIDE_NAMES[move.side]} can {move.refused_verb} a referral; "
            f"this one is {state_label}.",
            state=locked.state,
        )
    if not move.open_to(actor_side, locked.state):
        raise InvalidState(
            f"A referral that is {state_label} cannot be {move.refused_past}.",
            state=locked.state,
        )
    access.require(actor, move.capability)
    return locked, timezone.now()


def text_required(value: str, *, field: str, missing: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: [missing]})
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError({field: [f"Keep it to {TEXT_MAX_LENGTH} characters or fewer."]})
    return text


def _choice_required(value: str, *, field: str, choices: list[str], missing: str) -> str:
    if not value:
        raise ValidationError({field: [missing]})
    if value not in choices:
        raise ValidationError({field: [f"Choose one of: {', '.join(choices)}."]})
    return value


def choice_and_text_required(
    choice: str,
    text: str,
    *,
    fields: tuple[str, str],
    choices: list[str],
    missing: tuple[str, str],
) -> tuple[str, str]:
    """A move's choice and its text (an outcome and its summary, a decision and its
    rationale), checked together so that both fields' errors show at once."""
    errors: dict[str, list[str]] = {}
    checks: tuple[Callable[[], str], ...] = (
        lambda: _choice_required(choice, field=fields[0], choices=choices, missing=missing[0]),
        lambda: text_required(text, field=fields[1], missing=missing[1]),
    )
    values: list[str] = []
    for check in checks:
        try:
            values.append(check())
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return values[0], values[1]


def move_finish(
    referral: Referral,
    *,
    actor: User,
    name: str,
    fields: list[str],
    message: str,
    at: datetime,
    note: str = "",
    log_note: str = "",
) -> Referral:
    """Make the move `name` on the referral `move_begin` locked: its new state (if
    the move changes it), its last update at `at`, and `fields` already set."""
    move: Move = MOVES[name]
    from_state = referral.state
    if move.to_state is not None:
        referral.state = move.to_state
    referral.last_update_at = at
    referral.version += 1
    history_note(referral, actor=actor, reason=f"referral {move.event}")
    referral.save(update_fields=[*fields, "last_update_at", "state", "version", "updated_at"])
    event_record(referral, actor=actor, action=move.event, from_state=from_state, note=note, at=at)
    referral_access_log(
        actor=actor, referral=referral, action=f"referrals.referral.{move.event}", note=log_note
    )
    other_side_tell(referral, actor=actor, side=move.side, action=move.event, message=message)
    return referral


@dataclass(frozen=True)
class TextMove:
    """A move that takes one text (a reason, a question, an answer, a progress note):
    the text is required, goes on the timeline and, when `kept_in` names a field, on
    the referral; `stamps` gives the other fields the move sets, and `message` tells
    the other side (worded after the stamps, so it may name a new deadline)."""

    missing: str
    kept_in: str | None
    stamps: Callable[[Referral, datetime], dict[str, object]]
    message: Callable[[Referral], str]


def _says(message: str) -> Callable[[Referral], str]:
    return lambda referral: message


def _answered(referral: Referral) -> str:
    due = referral.decision_due_at
    assert due is not None  # the answer's stamp has just set it
    return (
        "The referrer has answered your question on a referral. "
        f"A decision is due by {when_text(due)}."
    )


# The moves that take one text, by their name in the table of moves; the text is the
# move's one field (`Move.fields`), so a refusal names it as the form and the API do.
# fmt: off
TEXT_MOVES: dict[str, TextMove] = {
    "decline": TextMove(
        "Give the reason for declining.", "decline_reason",
        lambda referral, now: {"decided_at": now},
        _says("A referral you sent has been declined. The reason is on the referral."),
    ),
    "return": TextMove(
        "Ask what you need to know before deciding.", "return_question",
        lambda referral, now: {"return_answer": ""},
        _says("A referral you sent has been returned with a question for you."),
    ),
    # The referral is sent again, with a new decision deadline counted from now.
    "answer": TextMove(
        "Answer the receiver's question.", "return_answer",
        lambda referral, now: {"decision_due_at": decision_due_at_compute(referral.urgency, now)},
        _answered,
    ),
    "withdraw": TextMove(
        "Give the reason for withdrawing.", "withdraw_reason",
        lambda referral, now: {"withdrawn_at": now},
        _says("A referral to your agency has been withdrawn by the referrer."),
    ),
    # A progress note goes back to the referrer (kept on the timeline only) and
    # restarts the 20 working days after which the referral is stale.
    "note": TextMove(
        "Write the update for the referrer.", None,
        lambda referral, now: {"stale_at": stale_at_compute(now)},
        _says("There is a progress update on a referral you sent."),
    ),
}
# fmt: on


def text_move_make(*, actor: User, referral: Referral, name: str, text: str) -> Referral:
    """Make the move `name` of `TEXT_MOVES` with its text, as `move_begin` and
    `move_finish` make any move."""
    how = TEXT_MOVES[name]
    locked, now = move_begin(actor=actor, referral=referral, name=name)
    note = text_required(text, field=MOVES[name].fields[0], missing=how.missing)
    changes: dict[str, object] = {how.kept_in: note} if how.kept_in is not None else {}
    changes.update(how.stamps(locked, now))
    for field, value in changes.items():
        setattr(locked, field, value)
    return move_finish(
        locked,
        actor=actor,
        name=name,
        fields=list(changes),
        message=how.message(locked),
        note=note,
        at=now,
    )
