"""The referral page's sections beside the referral itself: its urgent concerns,
its message thread, and the documents shared with its disclosure."""

from agencies.access import can
from cases.selectors import document_list
from referrals.forms_concerns import DisclosureDocumentForm, MessageForm
from referrals.models import Referral, ReferralState
from referrals.selectors import concerns as selectors_concerns
from referrals.selectors.sides import RECEIVER, SENDER


def case_documents_to_share(actor, referral: Referral) -> list:
    """Documents of the case the sender may still share with a draft."""
    if not can(actor, "cases.document.view", referral.case):
        return []
    shared = referral.documents.filter(source_document__isnull=False).values("source_document")
    return list(document_list(actor=actor, case=referral.case).exclude(pk__in=shared))


def referral_sections(actor, referral: Referral, side: str, *, bound: dict) -> dict:
    """The concerns, thread and documents of the referral page, for `side`. `bound`
    holds a form that came back with errors."""
    draft = referral.state == ReferralState.DRAFT
    sender = side == SENDER
    attachable = []
    if sender and draft and can(actor, "referrals.referral.create"):
        attachable = case_documents_to_share(actor, referral)
    return {
        "concerns": []
        if draft
        else list(selectors_concerns.concern_list_for_referral(actor=actor, referral=referral)),
        "may_raise_concern": (
            side == RECEIVER and not draft and can(actor, "referrals.concern.raise")
        ),
        "thread": []
        if draft
        else list(selectors_concerns.message_list(actor=actor, referral=referral)),
        "message_form": (
            (bound.get("message") or MessageForm(prefix="message"))
            if not draft and can(actor, "referrals.message.post")
            else None
        ),
        "shared_documents": list(
            selectors_concerns.disclosure_document_list(actor=actor, referral=referral)
        ),
        "may_change_documents": sender and draft and can(actor, "referrals.referral.create"),
        "document_form": (
            bound.get("document") or DisclosureDocumentForm(prefix="document", documents=attachable)
        )
        if attachable
        else None,
    }
