"""The moves of a referral, written once (ADR 0009).

    draft -> sent -> accepted | declined | returned
    returned -> sent (the referrer answers)
    accepted -> in_progress -> completed
    sent, returned, accepted, in_progress -> withdrawn (the referrer)

Each move belongs to one side and needs one capability of the access policy. The
services refuse a move from any other state (`referrals.services.moves`), the page
offers exactly the moves this table allows (`referrals.views.referral_page`), and
the page's forms, the API's bodies and the service each move calls are looked up by
its name (tests/referrals/test_moves_table.py checks that they cover the same
moves, with the same fields)."""

from dataclasses import dataclass

from referrals.models import ReferralState
from referrals.selectors.sides import RECEIVER, SENDER, Side


@dataclass(frozen=True)
class Move:
    """One move. `to_state` None leaves the state as it is (a note, a decision);
    `event` is the timeline's name for it; `fields` names what it takes, as the
    form, the API's body and the service name it. A refusal is worded with `verb`
    and `past` ("Only the receiving agency can accept a referral", "A referral
    that is sent cannot be started"), which default to the name and the event."""

    name: str
    side: Side
    capability: str
    from_states: frozenset[str]
    to_state: str | None
    event: str
    fields: tuple[str, ...] = ()
    verb: str = ""
    past: str = ""

    def open_to(self, side: str | None, state: str) -> bool:
        """Whether this side may make the move in this state (the capability aside)."""
        return side == self.side and state in self.from_states

    @property
    def refused_verb(self) -> str:
        return self.verb or self.name

    @property
    def refused_past(self) -> str:
        return self.past or self.event


_S = ReferralState
SENDS = "referrals.referral.create"
RECEIVES = "referrals.referral.receive"
_WITHDRAWABLE = frozenset({_S.SENT, _S.RETURNED, _S.ACCEPTED, _S.IN_PROGRESS})
_UNDECIDED = frozenset({_S.SENT, _S.ACCEPTED, _S.IN_PROGRESS})

# fmt: off
MOVES: dict[str, Move] = {move.name: move for move in (
    #    name        side      capability  from                    to               event
    Move("send",     SENDER,   SENDS,      frozenset({_S.DRAFT}),  _S.SENT,         "sent"),
    Move("accept",   RECEIVER, RECEIVES,   frozenset({_S.SENT}),   _S.ACCEPTED,     "accepted"),
    Move("decline",  RECEIVER, RECEIVES,   frozenset({_S.SENT}),   _S.DECLINED,     "declined",
         ("reason",)),
    Move("return",   RECEIVER, RECEIVES,   frozenset({_S.SENT}),   _S.RETURNED,     "returned",
         ("question",)),
    Move("answer",   SENDER,   SENDS,      frozenset({_S.RETURNED}), _S.SENT,       "answered",
         ("answer",)),
    Move("start",    RECEIVER, RECEIVES,   frozenset({_S.ACCEPTED}), _S.IN_PROGRESS, "started"),
    Move("note",     RECEIVER, RECEIVES,   frozenset({_S.ACCEPTED, _S.IN_PROGRESS}), None,
         "progress_noted", ("note",), verb="update", past="updated"),
    Move("complete", RECEIVER, RECEIVES,   frozenset({_S.IN_PROGRESS}), _S.COMPLETED, "completed",
         ("outcome", "summary")),
    Move("withdraw", SENDER,   SENDS,      _WITHDRAWABLE,          _S.WITHDRAWN,    "withdrawn",
         ("reason",)),
    Move("threshold", RECEIVER, "referrals.threshold.record", _UNDECIDED, None, "threshold_decided",
         ("child", "decision", "rationale"),
         verb="record a threshold decision on", past="given a threshold decision"),
)}
# fmt: on
