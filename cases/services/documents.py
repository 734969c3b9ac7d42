"""Documents attached to a case: accepted only when their content is a document
(cases/filetypes/), stored under a random name, opened only for those who may
read the case. A refused file is judged before anything is written, so nothing of
it is stored."""

import hashlib
import logging
import re
import unicodedata
import uuid

from django.contrib.auth.models import User
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from cases.filetypes import DOCX, HEAD_BYTES, ODT, PDF, TEXT, document_kind_detect
from cases.models import Case, Document
from cases.services.common import case_action_require, case_open_require, log_case_access, raise_if
from common.errors import FileTooLarge, NotFound, ValidationError

logger = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
NAME_MAX_LENGTH = 200
STORAGE_FOLDER = "documents"

# The extensions a downloaded file may keep for each type; any other gets the
# type's own added, so a saved download never opens as something it is not (a
# text file named `notes.html` would otherwise open in a browser as a web page).
_EXTENSIONS = {
    PDF: (".pdf",),
    DOCX: (".docx",),
    ODT: (".odt",),
    TEXT: (".txt", ".text", ".md", ".log"),
}


def document_name_clean(name: str | None) -> str:
    """The original file name as harmless metadata: no folders, no control or
    direction-changing characters, no leading dots, at most 200 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    if len(name) > NAME_MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and 0 < len(extension) <= 10:
            name = f"{stem[: NAME_MAX_LENGTH - len(extension) - 1].rstrip()}.{extension}"
        else:
            name = name[:NAME_MAX_LENGTH].rstrip()
    return name or "document"


def document_download_name(document: Document) -> str:
    extensions = _EXTENSIONS.get(document.content_type, ())
    name = document.original_name or "document"
    if extensions and not name.lower().endswith(extensions):
        name = f"{name}{extensions[0]}"
    return name


def _sha256_of(file: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def document_size_check(uploaded_file: UploadedFile) -> None:
    """The size Django counted while receiving the upload: refused before any of it
    is read (FileTooLarge over 10 MB; ValidationError naming `file` when empty)."""
    # The stubs allow a File without a size; an UploadedFile always has one.
    if uploaded_file.size > MAX_DOCUMENT_BYTES:  # type: ignore[operator]
        raise FileTooLarge("The selected file must be 10 MB or smaller.")
    if uploaded_file.size == 0:
        raise ValidationError({"file": ["The selected file is empty."]})


def document_content_judge(uploaded_file: UploadedFile) -> tuple[str, str]:
    """The content type the file's bytes show, and its SHA-256; UnsupportedFileType
    for anything that is not a document. Every attachment in Tideline passes here."""
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_BYTES)
    detected = document_kind_detect(head, uploaded_file)
    return detected.content_type, _sha256_of(uploaded_file)


def document_file_store(file: "File[bytes]") -> str:
    """Store an accepted file under a random name with no extension and nothing the
    uploader chose; returns that name. The caller deletes it if its row is not
    written."""
    file.seek(0)
    return default_storage.save(f"{STORAGE_FOLDER}/{uuid.uuid4().hex}", file)


def document_upload(
    *, actor: User, case: Case, uploaded_file: UploadedFile, title: str = ""
) -> Document:
    """Attach a document to a case. Refused (and nothing stored) when the upload is
    over 10 MB (FileTooLarge), empty or badly titled (ValidationError), or not a
    document by its content (UnsupportedFileType)."""
    case_action_require(actor, "cases.document.add", case)
    case_open_require(case)
    document_size_check(uploaded_file)
    original_name = document_name_clean(uploaded_file.name)
    title = (title or "").strip() or original_name
    errors: dict[str, list[str]] = {}
    if len(title) > NAME_MAX_LENGTH:
        errors["title"] = [f"Title must be {NAME_MAX_LENGTH} characters or fewer."]
    raise_if(errors)

    content_type, sha256 = document_content_judge(uploaded_file)
    stored_name = document_file_store(uploaded_file)
    try:
        with transaction.atomic():
            document = Document(
                case=case,
                title=title,
                original_name=original_name,
                stored_name=stored_name,
                content_type=content_type,
                size=uploaded_file.size,  # type: ignore[misc]
                sha256=sha256,
                uploaded_by=actor,
            )
            document.full_clean()
            document.save()
            log_case_access(
                actor=actor,
                action="cases.document.uploaded",
                case=case,
                object_type="document",
                object_id=document.pk,
            )
    except BaseException:
        # No row, no file. (If an outer transaction rolls back after this one
        # succeeded, the file stays behind without a row: nobody can reach it, since
        # downloads go through the row, and the hourly sweep in
        # cases/services/stored_files.py deletes it.)
        default_storage.delete(stored_name)
        raise
    return document


def document_open(*, actor: User, case: Case, document: Document) -> "File[bytes]":
    """The stored file, opened for reading. `document` comes from
    `selectors.document_get_for_actor`, which checked access and logged the download;
    the check is repeated here so the file can never be opened without it."""
    case_action_require(actor, "cases.document.view", case)
    if document.case_id != case.pk:
        raise NotFound()
    try:
        return default_storage.open(document.stored_name, "rb")
    except FileNotFoundError as exc:
        logger.error("Stored file missing for document %s (%s)", document.pk, document.stored_name)
        raise NotFound() from exc
