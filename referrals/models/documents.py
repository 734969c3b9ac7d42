import uuid

from django.db import models

from cases.models import Document
from cases.models.document import StoredDocument
from cases.models.rules import raise_if
from referrals.models.referral import Referral


class ReferralDocumentPurpose(models.TextChoices):
    DISCLOSURE = "disclosure", "Shared with the disclosure"
    CONCERN = "concern", "Attached to an urgent concern"


class ReferralDocument(StoredDocument):
    """A document that travels with a referral: one the sender shares with the
    disclosure (a copy of a case document, taken when it is attached, so the
    receiver sees exactly what was sent whatever later happens to the case's
    documents), or one the receiver attaches to an urgent concern. Either way its
    content passed the same judge as every case document, and it is stored under a
    random name of its own."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="documents")
    purpose = models.CharField(max_length=16, choices=ReferralDocumentPurpose.choices)
    # The case document a disclosure document was copied from (the sender's side).
    source_document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [
            models.Index(
                fields=["referral", "purpose", "uploaded_at"], name="referral_document_when"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "source_document"],
                condition=models.Q(source_document__isnull=False),
                name="referral_document_shared_once",
            )
        ]

    def __str__(self) -> str:
        return self.title

    # The field `clean` checks itself: `full_clean` leaves it out of its own checks.
    CLEANED_FIELDS = ("source_document",)

    def clean(self) -> None:
        """A document shared with the disclosure is a copy of a document of the
        referral's own case. Whether it is shared already spans records: the
        service (`referrals.services.disclosure_documents`) asks it."""
        errors: dict[str, list[str]] = {}
        if self.purpose == ReferralDocumentPurpose.DISCLOSURE and (
            self.source_document is None or self.source_document.case_id != self.referral.case_id
        ):
            errors["source_document"] = ["Choose a document of this referral's case."]
        raise_if(errors)
