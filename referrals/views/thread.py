"""What the referral page shows beside the referral itself: its urgent concerns,
its message thread, and the documents shared with its disclosure; and the POSTs
behind them (a message, a document shared with or taken out of a draft), and the
download of a document, logged like every download."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from common.errors import AccessDenied, InvalidState, ValidationError
from common.pages import capability_required, form_errors_from
from referrals import selectors
from referrals.downloads import referral_document_download
from referrals.forms_concerns import DisclosureDocumentForm, MessageForm
from referrals.models import Referral, ReferralState
from referrals.selectors import concerns as selectors_concerns
from referrals.selectors.sides import SENDER, referral_side_require
from referrals.services import disclosure_documents
from referrals.services.messages import message_post
from referrals.views.referral_page import render_referral_page
from referrals.views.sections import case_documents_to_share


def _to_section(referral: Referral, anchor: str):
    return redirect(f"{reverse('referral-page', args=[referral.pk])}#{anchor}")


def _state_words(state: str) -> str:
    return dict(ReferralState.choices).get(state, state).lower()


@capability_required("referrals.message.post")
@require_POST
def message_post_page(request, referral_id):
    referral = selectors.referral_get_for_actor(actor=request.user, referral_id=referral_id)
    form = MessageForm(request.POST, prefix="message")
    if form.is_valid():
        try:
            message_post(actor=request.user, referral=referral, body=form.cleaned_data["body"])
        except AccessDenied as exc:
            raise Http404() from exc
        except InvalidState as refused:
            messages.error(request, refused.message)
            return _to_section(referral, "messages")
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, "Your message is sent. The other side has been told.")
            return _to_section(referral, "messages")
    return render_referral_page(request, referral, bound={"message": form})


@capability_required("referrals.referral.create")
@require_POST
def disclosure_document_attach_page(request, referral_id):
    referral = selectors.referral_get_for_actor(actor=request.user, referral_id=referral_id)
    if referral_side_require(request.user, referral) != SENDER:
        raise Http404()
    form = DisclosureDocumentForm(
        request.POST, prefix="document", documents=case_documents_to_share(request.user, referral)
    )
    if form.is_valid():
        try:
            shared = disclosure_documents.disclosure_document_attach(
                actor=request.user,
                referral=referral,
                case_document=form.documents[form.cleaned_data["case_document"]],
            )
        except AccessDenied as exc:
            raise Http404() from exc
        except InvalidState as refused:
            messages.error(
                request, f"{refused.message} The referral is {_state_words(refused.state)}."
            )
            return _to_section(referral, "shared-documents")
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, f"{shared.title} will be shared with the disclosure.")
            return _to_section(referral, "shared-documents")
    return render_referral_page(request, referral, bound={"document": form})


@capability_required("referrals.referral.create")
@require_POST
def disclosure_document_remove_page(request, referral_id, document_id):
    referral = selectors.referral_get_for_actor(actor=request.user, referral_id=referral_id)
    document = selectors_concerns.disclosure_document_get_for_actor(
        actor=request.user, referral=referral, document_id=document_id
    )
    try:
        disclosure_documents.disclosure_document_remove(
            actor=request.user, referral=referral, referral_document=document
        )
    except AccessDenied as exc:
        raise Http404() from exc
    except InvalidState as refused:
        messages.error(request, f"{refused.message} The referral is {_state_words(refused.state)}.")
    else:
        messages.success(request, f"{document.title} will not be shared.")
    return _to_section(referral, "shared-documents")


@capability_required("referrals.referral.view")
@require_GET
def referral_document_download_page(request, referral_id, document_id):
    return referral_document_download(request, referral_id, document_id)


# Before the moves' catch-all `referrals/<id>/<action>/`, which would take these.
urlpatterns = [
    path(
        "referrals/<uuid:referral_id>/messages/",
        message_post_page,
        name="referral-message-post-page",
    ),
    path(
        "referrals/<uuid:referral_id>/documents/",
        disclosure_document_attach_page,
        name="referral-document-attach-page",
    ),
    path(
        "referrals/<uuid:referral_id>/documents/<uuid:document_id>/remove/",
        disclosure_document_remove_page,
        name="referral-document-remove-page",
    ),
    path(
        "referrals/<uuid:referral_id>/documents/<uuid:document_id>/download/",
        referral_document_download_page,
        name="referral-document-download-page",
    ),
]
