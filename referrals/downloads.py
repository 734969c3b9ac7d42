"""A document of a referral as a download, for the API and the pages alike."""

from django.http import FileResponse

from cases.downloads import attachment_response
from cases.services.documents import document_download_name
from referrals.models import ReferralDocument
from referrals.services.disclosure_documents import referral_document_open


def document_file_response(request, referral, document: ReferralDocument) -> FileResponse:
    """The bytes, always as an attachment, never sniffed or kept (as for case
    documents)."""
    stored = referral_document_open(
        actor=request.user, referral=referral, referral_document=document
    )
    return attachment_response(
        stored,
        filename=document_download_name(document),  # type: ignore[arg-type]  # the same fields
        content_type=document.content_type,
    )
