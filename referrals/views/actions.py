"""The moves on a referral (`referrals.moves.MOVES`), as POSTs from its page. Each
parses its form, calls its service and goes back to the referral page: with a
success banner, with the form's errors where they were typed, or with a banner
naming the state that refused it."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from common.dates import weekday_when_text
from common.errors import AccessDenied, InvalidState, ValidationError
from common.pages import capability_required, form_errors_from
from referrals import selectors
from referrals.models import Referral, ReferralState
from referrals.moves import MOVES
from referrals.services.case_grants import case_grant_applies
from referrals.services.transitions import MOVE_SERVICES
from referrals.views.referral_page import ACTION_FORMS, render_referral_page


def _due(moment) -> str:
    return weekday_when_text(moment)


def _sent(sent: Referral) -> str:
    message = f"The referral is sent to {sent.to_agency.name}."
    if sent.decision_due_at:
        message += f" They are due to accept or decline it by {_due(sent.decision_due_at)}."
    return message


def _accepted(accepted: Referral) -> str:
    done = "You accepted the referral: it is yours. The referrer has been told."
    if case_grant_applies(accepted):
        done += (
            f" Your agency now holds case {accepted.case.reference} for the people it "
            "names: open it from this page."
        )
    return done


# The banner after each move of `referrals.moves.MOVES`: words, or words made from
# what its service returned.
DONE: dict[str, str | Callable[[Any], str]] = {
    "send": _sent,
    "accept": _accepted,
    "decline": "You declined the referral. The referrer has been told why.",
    "return": "The referral is returned to the referrer with your question.",
    "answer": "Your answer is sent. The referral is with the receiver again.",
    "start": "The work has started. The referrer has been told.",
    "note": "Progress note added. The referrer has been told.",
    "complete": "The referral is completed. The outcome has gone back to the referrer.",
    "withdraw": "The referral is withdrawn. The receiver has been told why.",
    "threshold": "The threshold decision is recorded. The referrer has been told at once.",
}


def _move_make(actor: User, referral: Referral, name: str, data: dict[str, Any]) -> str:
    """Make the move through its service; the banner that says it is done."""
    made = MOVE_SERVICES[name](actor=actor, referral=referral, **data)
    done = DONE[name]
    return done if isinstance(done, str) else done(made)


def _state_words(state: str) -> str:
    return dict(ReferralState.choices).get(state, state).lower()


def as_field_errors(error: ValidationError) -> ValidationError:
    """A service error that names no field goes to the top of the form."""
    if hasattr(error, "error_dict"):
        return error
    return ValidationError({"__all__": error.messages})


def _to_page(referral_id):
    return redirect("referral-page", referral_id=referral_id)


@capability_required("referrals.referral.view")
@require_POST
def referral_action_page(request, referral_id, action: str):
    if action not in MOVES:
        raise Http404()
    actor = request.user
    referral = selectors.referral_get_for_actor(actor=actor, referral_id=referral_id)
    form = None
    data: dict[str, Any] = {}
    if action in ACTION_FORMS:
        form = ACTION_FORMS[action](request.POST, prefix=action)
        if not form.is_valid():
            return render_referral_page(request, referral, bound={action: form})
        data = form.cleaned_data
    try:
        done = _move_make(actor, referral, action, data)
    except AccessDenied as exc:
        raise Http404() from exc
    except InvalidState as refused:
        messages.error(request, f"{refused.message} The referral is {_state_words(refused.state)}.")
        return _to_page(referral.id)
    except ValidationError as error:
        if form is None:
            messages.error(request, f"Not done: {' '.join(error.messages)}")
            return _to_page(referral.id)
        form_errors_from(form, as_field_errors(error))
        return render_referral_page(request, referral, bound={action: form})
    messages.success(request, done)
    return _to_page(referral.id)


urlpatterns = [
    path(
        "referrals/<uuid:referral_id>/<slug:action>/",
        referral_action_page,
        name="referral-action-page",
    ),
]
