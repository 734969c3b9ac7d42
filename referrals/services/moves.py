"""The machinery every move of a referral shares: lock it, check that the move is
the actor's side's to make in the current state (409 naming the state otherwise),
then save, write the timeline event, note history, log the access and tell the
other side."""

from datetime import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from agencies import access
from common.errors import InvalidState, NotFound, ValidationError
from common.history import history_note
from referrals.models import Referral, ReferralState
from referrals.services.common import (
    RECEIVER,
    SENDER,
    event_record,
    other_side_tell,
    referral_access_log,
    side_require,
)

TEXT_MAX_LENGTH = 5000

_SIDE_NAMES = {SENDER: "the referring agency", RECEIVER: "the receiving agency"}


def when_text(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def people_count(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def move_begin(
    *,
    actor: User,
    referral: Referral,
    side: str,
    capability: str,
    allowed_from: frozenset[str],
    verb: str,
) -> Referral:
    """The referral, locked, once the actor may make this move in its current
    state. NotFound if they cannot see it; InvalidState if the move is not theirs
    or not allowed now; AccessDenied if their role may not make it at all."""
    locked = Referral.objects.select_for_update().filter(pk=referral.pk).first()
    if locked is None:
        raise NotFound()
    actor_side = side_require(actor, locked)
    state_label = ReferralState(locked.state).label.lower()
    if actor_side != side:
        raise InvalidState(
            f"Only {_SIDE_NAMES[side]} can {verb} a referral; this one is {state_label}.",
            state=locked.state,
        )
    if locked.state not in allowed_from:
        raise InvalidState(
            f"A referral that is {state_label} cannot be {_past(verb)}.", state=locked.state
        )
    access.require(actor, capability)
    return locked


def _past(verb: str) -> str:
    return {
        "send": "sent",
        "accept": "accepted",
        "decline": "declined",
        "return": "returned",
        "answer": "answered",
        "start": "started",
        "update": "updated",
        "complete": "completed",
        "withdraw": "withdrawn",
        "record a threshold decision on": "given a threshold decision",
    }.get(verb, verb)


def text_required(value: str, *, field: str, missing: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: [missing]})
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError({field: [f"Keep it to {TEXT_MAX_LENGTH} characters or fewer."]})
    return text


def move_finish(
    referral: Referral,
    *,
    actor: User,
    side: str,
    action: str,
    from_state: str,
    fields: list[str],
    message: str,
    note: str = "",
    log_note: str = "",
    at: datetime,
) -> Referral:
    referral.version += 1
    history_note(referral, actor=actor, reason=f"referral {action}")
    referral.save(update_fields=[*fields, "state", "version", "updated_at"])
    event_record(referral, actor=actor, action=action, from_state=from_state, note=note, at=at)
    referral_access_log(
        actor=actor, referral=referral, action=f"referrals.referral.{action}", note=log_note
    )
    other_side_tell(referral, actor=actor, side=side, action=action, message=message)
    return referral
