"""The moves of a victim's review request (docs/adr/0017), in one table: who may make
each (an `agencies.access` capability), from which states, to which state, and the
fields it takes. The services, the page and the API all read it (as ADR 0009's
referral moves), so that a move cannot be offered in one place and refused in another.

    requested -> assigned -> upheld | overturned
    requested | assigned -> withdrawn
    assigned -> assigned (a supervisor names another reviewer)
"""

from dataclasses import dataclass

from welfare.models import ReviewStatus


@dataclass(frozen=True)
class ReviewMove:
    name: str
    label: str  # the button
    capability: str
    from_states: frozenset[str]
    to_state: str
    fields: tuple[str, ...]
    done: str  # the banner after it


_OPEN = frozenset({ReviewStatus.REQUESTED, ReviewStatus.ASSIGNED})

REVIEW_MOVES: dict[str, ReviewMove] = {
    "assign": ReviewMove(
        name="assign",
        label="Assign the review",
        capability="welfare.right_to_review.assign",
        from_states=_OPEN,
        to_state=ReviewStatus.ASSIGNED,
        fields=("reviewer", "reason"),
        done="The review was assigned.",
    ),
    "uphold": ReviewMove(
        name="uphold",
        label="Uphold the decision",
        capability="welfare.right_to_review.decide",
        from_states=frozenset({ReviewStatus.ASSIGNED}),
        to_state=ReviewStatus.UPHELD,
        fields=("reason",),
        done="The review was decided: the decision not to charge stands. Tell the victim.",
    ),
    "overturn": ReviewMove(
        name="overturn",
        label="Overturn the decision",
        capability="welfare.right_to_review.decide",
        from_states=frozenset({ReviewStatus.ASSIGNED}),
        to_state=ReviewStatus.OVERTURNED,
        fields=("reason",),
        done="The review was decided: the decision was overturned. Tell the victim.",
    ),
    "withdraw": ReviewMove(
        name="withdraw",
        label="Record that the victim withdrew the request",
        capability="welfare.right_to_review.request",
        from_states=_OPEN,
        to_state=ReviewStatus.WITHDRAWN,
        fields=("reason",),
        done="The request was recorded as withdrawn.",
    ),
}
# A decision names its result; the result names its move.
RESULT_MOVES: dict[str, str] = {ReviewStatus.UPHELD: "uphold", ReviewStatus.OVERTURNED: "overturn"}
