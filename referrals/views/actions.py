"""The moves on a referral, as POSTs from its page. Each parses its form, calls one
service and goes back to the referral page: with a success banner, with the form's
errors where they were typed, or with a banner naming the state that refused it."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from common.errors import AccessDenied, InvalidState, ValidationError
from common.pages import capability_required, form_errors_from
from referrals import selectors, services
from referrals.models import Referral, ReferralState
from referrals.services.case_grants import grants_the_case
from referrals.views.referral_page import ACTION_FORMS, render_referral_page


def _due(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y}"


def _send(actor, referral: Referral, data: dict) -> str:
    sent = services.referral_send(actor=actor, referral=referral)
    message = f"The referral is sent to {sent.to_agency.name}."
    if sent.decision_due_at:
        message += f" They are due to accept or decline it by {_due(sent.decision_due_at)}."
    return message


def _accept(actor, referral, data) -> str:
    accepted = services.referral_accept(actor=actor, referral=referral)
    done = "You accepted the referral: it is yours. The referrer has been told."
    if grants_the_case(accepted):
        done += (
            f" Your agency now holds case {accepted.case.reference} for the people it "
            "names: open it from this page."
        )
    return done


def _decline(actor, referral, data) -> str:
    services.referral_decline(actor=actor, referral=referral, reason=data["reason"])
    return "You declined the referral. The referrer has been told why."


def _return(actor, referral, data) -> str:
    services.referral_return(actor=actor, referral=referral, question=data["question"])
    return "The referral is returned to the referrer with your question."


def _answer(actor, referral, data) -> str:
    services.referral_answer(actor=actor, referral=referral, answer=data["answer"])
    return "Your answer is sent. The referral is with the receiver again."


def _start(actor, referral, data) -> str:
    services.referral_start(actor=actor, referral=referral)
    return "The work has started. The referrer has been told."


def _note(actor, referral, data) -> str:
    services.referral_update_note(actor=actor, referral=referral, note=data["note"])
    return "Progress note added. The referrer has been told."


def _complete(actor, referral, data) -> str:
    services.referral_complete(
        actor=actor, referral=referral, outcome=data["outcome"], summary=data["summary"]
    )
    return "The referral is completed. The outcome has gone back to the referrer."


def _withdraw(actor, referral, data) -> str:
    services.referral_withdraw(actor=actor, referral=referral, reason=data["reason"])
    return "The referral is withdrawn. The receiver has been told why."


def _threshold(actor, referral, data) -> str:
    services.threshold_decision_record(
        actor=actor, referral=referral, decision=data["decision"], rationale=data["rationale"]
    )
    return "The threshold decision is recorded. The referrer has been told at once."


MOVES = {
    "send": _send,
    "accept": _accept,
    "decline": _decline,
    "return": _return,
    "answer": _answer,
    "start": _start,
    "note": _note,
    "complete": _complete,
    "withdraw": _withdraw,
    "threshold": _threshold,
}


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
    move = MOVES.get(action)
    if move is None:
        raise Http404()
    actor = request.user
    referral = selectors.referral_get_for_actor(actor=actor, referral_id=referral_id)
    form = None
    data: dict = {}
    if action in ACTION_FORMS:
        form = ACTION_FORMS[action](request.POST, prefix=action)
        if not form.is_valid():
            return render_referral_page(request, referral, bound={action: form})
        data = form.cleaned_data
    try:
        done = move(actor, referral, data)
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
