"""The moves of a subject access request, as data (the pattern of ADR 0009): one
table that the services, the request page and the API all read.

    received --start--> gathering --build--> in_review --release--> released
    (received, gathering, in_review) --refuse / withdraw (a reason)--> refused / withdrawn

`build` gathers the records again from any open state (a rebuild starts the review
again); `extend` (UK GDPR only, with a reason) and `review` change no state."""

from dataclasses import dataclass

from subject_access.models import OPEN_STATES, RequestState


@dataclass(frozen=True)
class Move:
    name: str
    label: str  # the button's words
    capability: str  # an agencies.access action
    from_states: tuple[str, ...]
    to_state: str | None  # None: the state does not change
    action: str  # the access-log code of the move
    takes_reason: bool = False

    def open_from(self, state: str) -> bool:
        return state in self.from_states


_OPEN = tuple(str(state) for state in OPEN_STATES)
MANAGE = "subject_access.request.manage"

MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        Move(
            "start",
            "Start gathering records",
            MANAGE,
            (RequestState.RECEIVED,),
            RequestState.GATHERING,
            "subject_access.request.started",
        ),
        Move(
            "build",
            "Gather the records",
            MANAGE,
            _OPEN,
            RequestState.IN_REVIEW,
            "subject_access.export.built",
        ),
        Move(
            "review",
            "Record the review",
            MANAGE,
            (RequestState.IN_REVIEW,),
            None,
            "subject_access.export.reviewed",
        ),
        Move(
            "release",
            "Release the export",
            "subject_access.request.release",
            (RequestState.IN_REVIEW,),
            RequestState.RELEASED,
            "subject_access.export.released",
        ),
        Move(
            "extend",
            "Extend the deadline",
            MANAGE,
            _OPEN,
            None,
            "subject_access.request.extended",
            takes_reason=True,
        ),
        Move(
            "refuse",
            "Refuse the request",
            MANAGE,
            _OPEN,
            RequestState.REFUSED,
            "subject_access.request.refused",
            takes_reason=True,
        ),
        Move(
            "withdraw",
            "Record that it was withdrawn",
            MANAGE,
            _OPEN,
            RequestState.WITHDRAWN,
            "subject_access.request.withdrawn",
            takes_reason=True,
        ),
    )
}
