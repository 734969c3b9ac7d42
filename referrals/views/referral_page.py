"""The referral page. The receiver reads exactly the disclosure snapshot fixed when it
was sent, never the live case; the sender reads the same snapshot, "as the receiver
sees it", with the live status and outcome. Each side sees only the moves that are
theirs to make in the referral's state; the services decide all the same."""

from django import forms
from django.contrib.auth.models import User
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from agencies.access import can
from common.pages import capability_required
from referrals import selectors
from referrals.disclosure import disclosure_build
from referrals.forms import (
    AnswerForm,
    CompleteForm,
    DeclineForm,
    NoteForm,
    ReturnForm,
    ThresholdForm,
    WithdrawForm,
)
from referrals.models import Referral, ReferralState
from referrals.moves import MOVES
from referrals.selectors.sides import SENDER, referral_side_require
from referrals.selectors.threshold import threshold_decision_list
from referrals.services.due_dates import threshold_applies
from referrals.views.display import (
    STATE_TAG_COLOURS,
    URGENCY_TAG_COLOURS,
    disclosure_view,
    referral_deadlines,
)
from referrals.views.sections import referral_sections

# The moves that take words, each with its form (keyed by the move's name in
# `referrals.moves.MOVES`, with the fields it names); the others are a single button.
ACTION_FORMS: dict[str, type[forms.Form]] = {
    "decline": DeclineForm,
    "return": ReturnForm,
    "answer": AnswerForm,
    "note": NoteForm,
    "complete": CompleteForm,
    "withdraw": WithdrawForm,
    "threshold": ThresholdForm,
}
_EVENT_WORDS = {
    "created": "Drafted",
    "sent": "Sent",
    "accepted": "Accepted",
    "declined": "Declined",
    "returned": "Returned with a question",
    "answered": "Question answered, and sent again",
    "started": "Work started",
    "progress_noted": "Progress note",
    "completed": "Completed",
    "withdrawn": "Withdrawn",
    "threshold_decided": "Threshold decision",
    "concern_raised": "Urgent concern raised",
    "concern_acknowledged": "Urgent concern acknowledged",
}


def available_actions(actor: User, referral: Referral, side: str | None) -> set[str]:
    """What this reader may be offered on the page: the moves of the table open to
    their side in the referral's state and allowed to their role, and changing a
    draft whenever they may send it. Offering is not deciding: the service refuses
    a move that is not theirs, whatever the page showed."""
    actions = {
        move.name
        for move in MOVES.values()
        if move.open_to(side, referral.state) and can(actor, move.capability)
    }
    if "send" in actions:
        actions.add("edit")
    # A threshold decision is taken once for each child, on the referrals that take
    # one, while any child is owed one.
    if "threshold" in actions and not (
        threshold_applies(referral) and referral.threshold_decided_at is None
    ):
        actions.remove("threshold")
    return actions


def _events(referral: Referral) -> list[dict]:
    return [
        {
            "event": event,
            "words": _EVENT_WORDS.get(event.action, event.action.replace("_", " ").capitalize()),
        }
        for event in selectors.referral_event_list(referral=referral).select_related(
            "by", "by_agency"
        )
    ]


def referral_page_context(request, referral: Referral, *, bound: dict | None = None) -> dict:
    """Everything the page shows. `bound` holds a move's form that came back with
    errors, by action name, so that it shows them where it was typed."""
    actor = request.user
    side = referral_side_require(actor, referral)
    snapshot = referral.disclosure
    previewing = False
    if not snapshot and side == SENDER and referral.state == ReferralState.DRAFT:
        # A draft has no snapshot yet: show what sending it would fix.
        snapshot = disclosure_build(referral)
        previewing = True
    actions = available_actions(actor, referral, side)
    bound = bound or {}
    forms = {
        name: bound.get(name) or form_class(prefix=name)
        for name, form_class in ACTION_FORMS.items()
        if name in actions
    }
    errored = next((form for form in bound.values() if form.errors), None)
    return {
        "referral": referral,
        "side": side,
        "disclosure": disclosure_view(snapshot),
        "previewing": previewing,
        "events": _events(referral),
        "threshold_children": threshold_decision_list(referral=referral),
        "deadlines": referral_deadlines(referral, now=timezone.now()),
        "actions": actions,
        "action_forms": forms,
        "errored_form": errored,
        "open_form": next((name for name, form in bound.items() if form.errors), ""),
        "urgency_colour": URGENCY_TAG_COLOURS.get(referral.urgency, "grey"),
        "state_colour": STATE_TAG_COLOURS.get(referral.state, "grey"),
        # Partners never see the live case: only a reader whom the policy lets open
        # it gets the link (the sender; or a statutory partner that holds it, by the
        # grant its acceptance made or by a named grant).
        "may_open_case": can(actor, "cases.case.view", referral.case),
        # Its urgent concerns, its message thread and the documents shared with it.
        **referral_sections(actor, referral, side, bound=bound),
    }


def render_referral_page(request, referral: Referral, *, bound: dict | None = None, status=200):
    context = referral_page_context(request, referral, bound=bound)
    return render(request, "referrals/referral_detail.html", context, status=status)


@capability_required("referrals.referral.view")
@require_GET
def referral_page(request, referral_id):
    referral = selectors.referral_get_for_actor(actor=request.user, referral_id=referral_id)
    return render_referral_page(request, referral)


urlpatterns = [
    path("referrals/<uuid:referral_id>/", referral_page, name="referral-page"),
]
