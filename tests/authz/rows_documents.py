"""Case documents: casework reads and adds them; an agency granted the whole case
reads them (and never adds)."""

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.authz import RECORD_TARGETS, Endpoint
from tests.authz.rows_case_pages import form_page
from tests.authz.rows_cases import CASEWORKERS, a_case
from tests.factories import UserFactory


def a_case_with_document(owner, actor) -> dict:
    from cases.models import Document

    values = a_case(owner, actor)
    stored_name = default_storage.save(
        "documents/0123456789abcdef0123456789abcdef", SimpleUploadedFile("x", b"Notes\n")
    )
    document = Document.objects.create(
        case=values["_case"],
        title="Visit notes",
        original_name="notes.txt",
        stored_name=stored_name,
        content_type="text/plain; charset=utf-8",
        size=6,
        sha256="0" * 64,
        uploaded_by=UserFactory(),
    )
    return {**values, "document": document.id}


def a_statement(values) -> dict:
    return {
        "file": SimpleUploadedFile("note.txt", b"Statement text", content_type="text/plain"),
        "title": "Statement",
    }


ROWS = [
    Endpoint(
        "case-documents",
        "GET",
        "/api/v1/cases/{case}/documents/",
        CASEWORKERS,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_case_with_document,
        listing=True,
        fields=frozenset(
            {
                "id",
                "title",
                "original_name",
                "content_type",
                "size",
                "sha256",
                "uploaded_by",
                "uploaded_at",
                "download_url",
            }
        ),
    ),
    Endpoint(
        "case-documents",
        "POST",
        "/api/v1/cases/{case}/documents/",
        CASEWORKERS,
        ok=201,
        body=a_statement,
        multipart=True,
        targets=RECORD_TARGETS,
        setup=a_case,
    ),
    # A file, not JSON: its fields are its bytes.
    Endpoint(
        "case-document-download",
        "GET",
        "/api/v1/cases/{case}/documents/{document}/download/",
        CASEWORKERS,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_case_with_document,
        fields=frozenset(),
    ),
    *form_page("case-document-create", "/cases/{case}/documents/new/", CASEWORKERS),
]
