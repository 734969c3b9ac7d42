from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.access import CASEWORK
from tests.authz import Endpoint
from tests.authz.rows_cases import ALL_TARGETS, a_case
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
        CASEWORK,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case,
    ),
    Endpoint(
        "case-documents",
        "POST",
        "/api/v1/cases/{case}/documents/",
        CASEWORK,
        ok=201,
        body=a_statement,
        multipart=True,
        targets=ALL_TARGETS,
        setup=a_case,
    ),
    Endpoint(
        "case-document-download",
        "GET",
        "/api/v1/cases/{case}/documents/{document}/download/",
        CASEWORK,
        targets=ALL_TARGETS,
        granted_ok=True,
        setup=a_case_with_document,
    ),
    Endpoint(
        "case-document-create",
        "GET",
        "/cases/{case}/documents/new/",
        CASEWORK,
        page=True,
        targets=ALL_TARGETS,
        setup=a_case,
    ),
]
