"""Each child's threshold decision (issue 16): recorded by the hub's coordinator or a
social worker of the receiving agency, for one child of a safeguarding referral,
through the API (`threshold-decisions/`, 201) or the child's own page. The referring
side is told 409 by the API (the move is not theirs) and finds no page (404);
everyone else gets 404, and nothing is decided."""

from datetime import timedelta

from django.utils import timezone

from agencies.models import Role
from referrals.models import Referral, ReferralPurpose, ReferralState, ThresholdDecision
from tests.authz import REFERRAL_TARGETS, Endpoint
from tests.authz.rows_referrals import a_referral

# Written out, never imported from the policy: the matrix must fail when it changes.
DECIDERS = frozenset({Role.MASH_COORDINATOR, Role.SOCIAL_WORKER})


def a_childs_referral(state: str):
    """A safeguarding referral from `sender` to `receiver` about one child, whose
    party id the path and the body name."""
    due_at = timezone.now() + timedelta(days=1)
    base = a_referral(
        state,
        purpose=ReferralPurpose.SAFEGUARDING,
        party_role="victim",
        threshold_due_at=due_at,
    )

    def setup(sender, receiver, actor) -> dict:
        values = base(sender, receiver, actor)
        referral = values["_referral"]
        # As sending leaves it: the child owed a decision.
        child = ThresholdDecision.objects.create(
            referral=referral, child=referral.parties.get(), due_at=due_at
        ).child_id
        return {**values, "child": child}

    return setup


def _decision(values) -> dict:
    return {
        "child": str(values["child"]),
        "decision": "early_help",
        "rationale": "Early help meets this child's needs.",
    }


def _page_decision(values) -> dict:
    return {
        "threshold-decision": "early_help",
        "threshold-rationale": "Early help meets this child's needs.",
    }


def decided_only_by_deciders(values, column, target) -> str | None:
    """The child is decided when a decider of the receiving side made the move, and
    otherwise still owed (and the referral's state as it was)."""
    decided = ThresholdDecision.objects.filter(
        referral_id=values["referral"], decided_at__isnull=False
    ).exists()
    made = target == "own" and column.role in DECIDERS
    state = Referral.objects.values_list("state", flat=True).get(pk=values["referral"])
    if state != values["_state"]:
        return f"the referral is {state}, not {values['_state']}"
    if decided != made:
        return "the child is decided" if decided else "the child is not decided"
    return None


ROWS = [
    Endpoint(
        "referral-threshold-decisions",
        "POST",
        "/api/v1/referrals/{referral}/threshold-decisions/",
        DECIDERS,
        ok=201,
        body=_decision,
        targets=REFERRAL_TARGETS,
        side="receiver",
        other_side=409,
        setup=a_childs_referral(ReferralState.SENT),
        then=decided_only_by_deciders,
    ),
    Endpoint(
        "referral-threshold-child-page",
        "GET",
        "/referrals/{referral}/threshold/{child}/",
        DECIDERS,
        page=True,
        targets=REFERRAL_TARGETS,
        side="receiver",
        other_side=404,
        setup=a_childs_referral(ReferralState.ACCEPTED),
    ),
    Endpoint(
        "referral-threshold-child-page",
        "POST",
        "/referrals/{referral}/threshold/{child}/",
        DECIDERS,
        ok=302,
        body=_page_decision,
        page=True,
        targets=REFERRAL_TARGETS,
        side="receiver",
        other_side=404,
        setup=a_childs_referral(ReferralState.ACCEPTED),
        then=decided_only_by_deciders,
    ),
]
