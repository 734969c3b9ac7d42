import uuid

from django.conf import settings
from django.db import models

from cases.models.case import Case


class StoredDocument(models.Model):
    """What every uploaded document keeps about its file: the title it was given,
    the name it came with, the random name it is stored under, what its content
    was judged to be, its size and digest, and who uploaded it."""

    title = models.CharField(max_length=200)
    original_name = models.CharField(max_length=200)
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


class Document(StoredDocument):
    """A document attached to a case: PDF, plain text, Word or OpenDocument text,
    recognised by its content. Stored under a random name; never shown inline."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["case", "-uploaded_at"], name="document_case_when")]

    def __str__(self) -> str:
        return self.title
