"""Documents the sender shares with a referral's disclosure.

While the referral is a draft, the sender attaches documents of the case: each is
copied, bytes and all, under a name of its own, so the disclosure holds exactly the
document as it was, whatever later happens to the case's documents. Sending fixes
the list into the disclosure snapshot; after that nothing is attached or removed
(409). Every download, by either side, is logged (the selector does it)."""

from typing import cast

from django.contrib.auth.models import User
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from agencies import access
from cases.models import Document
from cases.services import documents as document_services
from cases.services.common import case_action_require
from common.errors import InvalidState, NotFound, ValidationError
from referrals.models import (
    Referral,
    ReferralDocument,
    ReferralDocumentPurpose,
    ReferralState,
)
from referrals.selectors import referral_locked_get
from referrals.selectors.sides import referral_side_require
from referrals.services.common import SENDER, referral_access_log


def _draft_of_sender(actor: User, referral: Referral, *, verb: str) -> Referral:
    locked = referral_locked_get(referral, "case", "case__owning_agency")
    side = referral_side_require(actor, locked)
    if side != SENDER:
        raise InvalidState(
            f"Only the referring agency can {verb} the documents of a disclosure.",
            state=locked.state,
        )
    if locked.state != ReferralState.DRAFT:
        raise InvalidState(
            "The disclosure was fixed when the referral was sent: its documents cannot "
            "change now. Send what else is needed in the referral's messages, or a new "
            "referral.",
            state=locked.state,
        )
    access.require(actor, "referrals.referral.create")
    return locked


# The particulars a shared document copies from the case document (its own stored
# name comes with the copy of the file).
_COPIED_FIELDS = ("title", "original_name", "content_type", "size", "sha256")


def _own_rules_ask(shared: ReferralDocument) -> None:
    """The shared document's own rules (`ReferralDocument.clean`), before anything is
    copied; the API and the page name its source document `case_document`."""
    try:
        shared.full_clean(
            exclude=[
                *ReferralDocument.CLEANED_FIELDS,
                *_COPIED_FIELDS,
                "stored_name",
                "uploaded_at",
            ],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as refused:
        errors = refused.message_dict
        if "source_document" in errors:
            errors = {"case_document": errors.pop("source_document"), **errors}
        raise ValidationError(errors) from refused


@transaction.atomic
def disclosure_document_attach(
    *, actor: User, referral: Referral, case_document: Document | None
) -> ReferralDocument:
    """Share a document of the case with the draft's disclosure, as a copy."""
    locked = _draft_of_sender(actor, referral, verb="attach")
    shared = ReferralDocument(
        referral=locked,
        purpose=ReferralDocumentPurpose.DISCLOSURE,
        source_document=case_document,
        uploaded_by=actor,
    )
    _own_rules_ask(shared)
    case_document = cast(Document, case_document)  # refused above when missing
    case_action_require(actor, "cases.document.view", locked.case)
    if locked.documents.filter(source_document=case_document).exists():
        raise ValidationError(
            {"case_document": ["This document is already shared with the disclosure."]}
        )
    with default_storage.open(case_document.stored_name, "rb") as source:
        stored_name = document_services.document_file_store(source)
    try:
        with transaction.atomic():
            for field in _COPIED_FIELDS:
                setattr(shared, field, getattr(case_document, field))
            shared.stored_name = stored_name
            shared.uploaded_at = timezone.now()
            shared.save()
    except BaseException:
        default_storage.delete(stored_name)
        raise
    referral_access_log(
        actor=actor,
        referral=locked,
        action="referrals.document.attached",
        note=f"document {shared.pk}, a copy of case document {case_document.pk}",
    )
    return shared


@transaction.atomic
def disclosure_document_remove(
    *, actor: User, referral: Referral, referral_document: ReferralDocument
) -> None:
    """Take a document out of a draft's disclosure; its copy is deleted once the
    removal commits."""
    locked = _draft_of_sender(actor, referral, verb="remove")
    if (
        referral_document.referral_id != locked.pk
        or referral_document.purpose != ReferralDocumentPurpose.DISCLOSURE
    ):
        raise NotFound()
    stored_name = referral_document.stored_name
    referral_document.delete()
    referral_access_log(
        actor=actor,
        referral=locked,
        action="referrals.document.removed",
        note=f"document {referral_document.pk}",
    )
    transaction.on_commit(lambda: default_storage.delete(stored_name), robust=True)


def referral_document_open(
    *, actor: User, referral: Referral, referral_document: ReferralDocument
) -> "File[bytes]":
    """The stored file, opened for reading. The document comes from the selector,
    which checked the side and logged the download; the side is asked again here so
    the file is never opened without it."""
    referral_side_require(actor, referral)
    if referral_document.referral_id != referral.pk:
        raise NotFound()
    try:
        return default_storage.open(referral_document.stored_name, "rb")
    except FileNotFoundError as exc:
        raise NotFound() from exc
