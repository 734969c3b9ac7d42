"""The urgent concern pages: the receiver raises one from the referral page; the
concern's page shows it to both sides, with the acknowledgement form for the
sending side, then the forms that make the acknowledged concern a flag or a
contact on the case. Every move goes through its service; these pages only parse
forms and show what the services say."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.access import AccessDenied, can
from cases.selectors import party_list
from common.dates import when_text
from common.errors import FileTooLarge, InvalidState, UnsupportedFileType, ValidationError
from common.pages import capability_required, form_errors_from
from referrals import selectors
from referrals.forms_concerns import (
    AcknowledgeForm,
    ConcernContactForm,
    ConcernFlagForm,
    ConcernForm,
)
from referrals.models import Concern, ConcernKind, ConcernState, ReferralState
from referrals.selectors import concerns as selectors_concerns
from referrals.selectors.sides import RECEIVER, SENDER, referral_side_require
from referrals.services import concern_answers
from referrals.services import concerns as concern_services
from safeguarding.models import FlagKind

# The flag an acknowledged concern most often becomes.
_FLAG_FOR_KIND: dict[str, str] = {
    ConcernKind.SUICIDE_SELF_HARM: FlagKind.SUICIDE_SELF_HARM,
    ConcernKind.RISK_TO_CHILD: FlagKind.CHILD_AT_RISK,
}
# The service's field names, as the form names them.
_FORM_FIELDS = {"heard_at": "heard_on", "file": "document"}


def _referral(request, referral_id):
    return selectors.referral_get_for_actor(actor=request.user, referral_id=referral_id)


def _state_words(state: str) -> str:
    return dict([*ConcernState.choices, *ReferralState.choices]).get(state, state).lower()


def _to_concern(concern: Concern):
    return redirect("referral-concern-page", referral_id=concern.referral_id, concern_id=concern.pk)


# --- Raising


@capability_required("referrals.concern.raise")
@require_http_methods(["GET", "POST"])
def concern_create(request, referral_id):
    referral = _referral(request, referral_id)
    # Only the receiving side raises the alarm; the form does not exist for others.
    if referral_side_require(request.user, referral) != RECEIVER:
        raise Http404()
    parties = (referral.disclosure or {}).get("parties", [])
    form = (
        ConcernForm(request.POST, request.FILES, disclosed_parties=parties)
        if request.method == "POST"
        else ConcernForm(disclosed_parties=parties)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = concern_services.concern_raise(
                actor=request.user,
                referral=referral,
                kind=data["kind"],
                heard=data["heard"],
                heard_at=form.heard_at(),
                heard_from=data["heard_from"],
                subject_id=data["subject"] or None,
                uploaded_file=data.get("document"),
            )
        except (FileTooLarge, UnsupportedFileType) as refusal:
            form.add_error("document", refusal.message)
        except InvalidState as refused:
            messages.error(request, refused.message)
            return redirect("referral-page", referral_id=referral.pk)
        except ValidationError as error:
            form_errors_from(
                form,
                ValidationError(
                    {_FORM_FIELDS.get(field, field): m for field, m in error.message_dict.items()}
                ),
            )
        else:
            messages.success(
                request,
                f"The urgent concern is raised. {referral.from_agency.name} has been told at "
                f"once, and must acknowledge it by {when_text(concern.acknowledge_due_at)}.",
            )
            return _to_concern(concern)
    return render(
        request,
        "referrals/concern_form.html",
        {"referral": referral, "form": form, "disclosure_from": referral.from_agency.name},
    )


# --- The concern's page


def _case_parties(request, concern: Concern):
    """The people of the case the sending side may see, for a flag or a contact."""
    return list(party_list(actor=request.user, case=concern.referral.case))


def concern_page_context(request, concern: Concern, *, bound: dict | None = None) -> dict:
    actor = request.user
    referral = concern.referral
    side = referral_side_require(actor, referral)
    bound = bound or {}
    sender = side == SENDER and can(actor, "referrals.concern.acknowledge")
    acknowledged = concern.state == ConcernState.ACKNOWLEDGED
    case = referral.case
    forms: dict = {}
    if sender and not acknowledged:
        forms["acknowledge"] = bound.get("acknowledge") or AcknowledgeForm(prefix="acknowledge")
    may_flag = (
        sender
        and acknowledged
        and concern.flag_id is None
        and can(actor, "safeguarding.flag.raise", case)
    )
    may_contact = (
        sender
        and acknowledged
        and concern.contact_id is None
        and can(actor, "cases.contact.add", case)
    )
    if (may_flag or may_contact) and case.is_open:
        parties = _case_parties(request, concern)
        subject = str(concern.subject_id) if concern.subject_id else None
        if may_flag:
            forms["flag"] = bound.get("flag") or ConcernFlagForm(
                prefix="flag",
                parties=parties,
                initial={"party": subject, "kind": _FLAG_FOR_KIND.get(concern.kind)},
            )
        if may_contact:
            forms["contact"] = bound.get("contact") or ConcernContactForm(
                prefix="contact", parties=parties, initial={"party": subject}
            )
    errored = next((form for form in bound.values() if form.errors), None)
    return {
        "concern": concern,
        "referral": referral,
        "side": side,
        "forms": forms,
        "errored_form": errored,
        "may_open_case": side == SENDER and can(actor, "cases.case.view", case),
    }


def _render_concern(request, concern: Concern, *, bound: dict | None = None):
    return render(
        request,
        "referrals/concern_detail.html",
        concern_page_context(request, concern, bound=bound),
    )


def _concern(request, referral_id, concern_id) -> Concern:
    referral = _referral(request, referral_id)
    return selectors_concerns.concern_get_for_actor(
        actor=request.user, referral=referral, concern_id=concern_id
    )


@capability_required("referrals.referral.view")
@require_GET
def concern_page(request, referral_id, concern_id):
    return _render_concern(request, _concern(request, referral_id, concern_id))


# --- The sending side's actions


def _receivers_refused(request, concern: Concern):
    """The receiving side is sent back with the state that refuses it, before its
    form is read (it may not even see the case's people a form would name)."""
    if referral_side_require(request.user, concern.referral) == SENDER:
        return None
    messages.error(
        request,
        "Only the referring agency acts on an urgent concern; the receiving agency "
        f"raised it. The concern is {_state_words(concern.state)}.",
    )
    return _to_concern(concern)


def _act(request, concern: Concern, name: str, form, act, done: str):
    """Run one action's service; back to the concern's page with a banner, the
    form's errors where they were typed, or the state that refused it."""
    if not form.is_valid():
        return _render_concern(request, concern, bound={name: form})
    try:
        act(form.cleaned_data)
    except AccessDenied as exc:
        raise Http404() from exc
    except InvalidState as refused:
        messages.error(request, f"{refused.message} The concern is {_state_words(refused.state)}.")
        return _to_concern(concern)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            error = ValidationError({"__all__": error.messages})
        form_errors_from(form, error)
        return _render_concern(request, concern, bound={name: form})
    messages.success(request, done)
    return _to_concern(concern)


@capability_required("referrals.concern.acknowledge")
@require_POST
def concern_acknowledge_page(request, referral_id, concern_id):
    concern = _concern(request, referral_id, concern_id)
    return _act(
        request,
        concern,
        "acknowledge",
        AcknowledgeForm(request.POST, prefix="acknowledge"),
        lambda data: concern_answers.concern_acknowledge(
            actor=request.user, concern=concern, action_taken=data["action_taken"]
        ),
        "The concern is acknowledged. The partner who raised it has been told.",
    )


def _answer_page(request, referral_id, concern_id, *, name, form_class, service, fields, done):
    """What an acknowledged concern became on the case (a flag, a contact): the form
    `name`, whose `fields` and chosen person go to the answer's `service`."""
    concern = _concern(request, referral_id, concern_id)
    if refused := _receivers_refused(request, concern):
        return refused
    form = form_class(request.POST, prefix=name, parties=_case_parties(request, concern))
    return _act(
        request,
        concern,
        name,
        form,
        lambda data: service(
            actor=request.user,
            concern=concern,
            party=form.parties[data["party"]],
            **{field: data[field] for field in fields},
        ),
        done,
    )


@capability_required("referrals.concern.acknowledge")
@require_POST
def concern_flag_page(request, referral_id, concern_id):
    return _answer_page(
        request,
        referral_id,
        concern_id,
        name="flag",
        form_class=ConcernFlagForm,
        service=concern_answers.concern_flag_raise,
        fields=("kind", "reason", "review_on"),
        done="The flag is raised on the case.",
    )


@capability_required("referrals.concern.acknowledge")
@require_POST
def concern_contact_page(request, referral_id, concern_id):
    return _answer_page(
        request,
        referral_id,
        concern_id,
        name="contact",
        form_class=ConcernContactForm,
        service=concern_answers.concern_contact_record,
        fields=("channel", "summary", "direction"),
        done="The contact is logged on the case.",
    )


urlpatterns = [
    path(
        "referrals/<uuid:referral_id>/concerns/new/",
        concern_create,
        name="referral-concern-create",
    ),
    path(
        "referrals/<uuid:referral_id>/concerns/<uuid:concern_id>/",
        concern_page,
        name="referral-concern-page",
    ),
    path(
        "referrals/<uuid:referral_id>/concerns/<uuid:concern_id>/acknowledge/",
        concern_acknowledge_page,
        name="referral-concern-acknowledge-page",
    ),
    path(
        "referrals/<uuid:referral_id>/concerns/<uuid:concern_id>/flag/",
        concern_flag_page,
        name="referral-concern-flag-page",
    ),
    path(
        "referrals/<uuid:referral_id>/concerns/<uuid:concern_id>/contact/",
        concern_contact_page,
        name="referral-concern-contact-page",
    ),
]
