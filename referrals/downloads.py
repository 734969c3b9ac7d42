"""A document of a referral as a download, for the API and the pages alike."""

from django.http import FileResponse

from cases.downloads import attachment_response
from cases.services.documents import document_download_name
from referrals import selectors
from referrals.selectors import concerns as selectors_concerns
from referrals.services.disclosure_documents import referral_document_open


def referral_document_download(request, referral_id, document_id) -> FileResponse:
    """A document of the referral, read (and logged) through the referral's accessors:
    the bytes, always as an attachment, never sniffed or kept (as for case documents)."""
    referral = selectors.referral_get_for_actor(actor=request.user, referral_id=referral_id)
    document = selectors_concerns.referral_document_get_for_actor(
        actor=request.user, referral=referral, document_id=document_id
    )
    stored = referral_document_open(
        actor=request.user, referral=referral, referral_document=document
    )
    return attachment_response(
        stored,
        filename=document_download_name(document),  # type: ignore[arg-type]  # the same fields
        content_type=document.content_type,
    )
