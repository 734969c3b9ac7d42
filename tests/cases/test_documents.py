"""Documents of a case: upload through the API and the page, what is refused (and
that nothing is then stored), download as an attachment, who may do which, and
the access log."""

import hashlib
import re
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import AccessLogEntry, Role
from cases import selectors
from cases.models import Case, Document
from cases.services.documents import (
    MAX_DOCUMENT_BYTES,
    document_download_name,
    document_name_clean,
    document_upload,
)
from tests.cases.document_files import pdf_of_size
from tests.cases.test_filetypes import JPEG_BYTES, PDF_BYTES, PNG_BYTES, docx, odt, zip_of
from tests.factories import CaseFactory, MembershipFactory, TOTPDeviceFactory, grant_case
from tests.helpers import ACCESS_LOG_QUERIES

TEXT_BYTES = b"Statement of a fictional witness, taken on 2 March 2026.\n"


def documents_url(case) -> str:
    return f"/api/v1/cases/{case.id}/documents/"


def download_url(document) -> str:
    return f"/api/v1/cases/{document.case_id}/documents/{document.id}/download/"


def stored_files() -> list[str]:
    root = Path(default_storage.location)
    if not root.exists():
        return []
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def upload(client, case, data: bytes, name: str = "note.txt", title: str = "Statement", **extra):
    return client.post(
        documents_url(case),
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf"), "title": title},
        format="multipart",
        **extra,
    )


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north)


@pytest.fixture
def a_document(case, officer_north):
    return document_upload(
        actor=officer_north.user,
        case=case,
        uploaded_file=SimpleUploadedFile("statement.pdf", PDF_BYTES),
        title="Witness statement",
    )


def member(agency, role):
    membership = MembershipFactory(agency=agency, role=role)
    TOTPDeviceFactory(user=membership.user)
    return membership


# --- Upload through the API


def test_an_officer_attaches_a_pdf(api_for, officer_north, case):
    # when
    response = upload(api_for(officer_north), case, PDF_BYTES, name="statement.pdf")
    # then
    assert response.status_code == 201, response.content
    document = Document.objects.get()
    assert response.json() == {
        "id": str(document.id),
        "title": "Statement",
        "original_name": "statement.pdf",
        "content_type": "application/pdf",
        "size": len(PDF_BYTES),
        "sha256": hashlib.sha256(PDF_BYTES).hexdigest(),
        "uploaded_by": {
            "username": "officer.north",
            "full_name": officer_north.user.get_full_name(),
        },
        "uploaded_at": response.json()["uploaded_at"],
        "download_url": download_url(document),
    }
    assert response["Location"] == download_url(document)
    assert document.case == case
    assert document.uploaded_by == officer_north.user


def test_the_file_is_stored_under_a_random_name_with_identical_bytes(api_for, officer_north, case):
    # when
    upload(api_for(officer_north), case, PDF_BYTES, name="../../etc/statement.pdf")
    # then
    document = Document.objects.get()
    assert re.fullmatch(r"documents/[0-9a-f]{32}", document.stored_name)
    assert stored_files() == [document.stored_name]
    with default_storage.open(document.stored_name, "rb") as stored:
        assert stored.read() == PDF_BYTES
    assert document.original_name == "statement.pdf"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (TEXT_BYTES, "text/plain; charset=utf-8"),
        (docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (odt(), "application/vnd.oasis.opendocument.text"),
    ],
    ids=["text", "docx", "odt"],
)
def test_each_document_type_is_accepted_with_its_detected_type(
    api_for, officer_north, case, data, content_type
):
    # when: the client claims every file is a PDF; only the content counts
    response = upload(api_for(officer_north), case, data, name="upload.bin")
    # then
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == content_type
    assert Document.objects.get().content_type == content_type


def test_a_pdf_named_like_a_photo_is_accepted_as_a_pdf(api_for, officer_north, case):
    # when
    response = upload(api_for(officer_north), case, PDF_BYTES, name="photo.jpg")
    # then
    assert response.status_code == 201
    assert response.json()["content_type"] == "application/pdf"
    assert response.json()["original_name"] == "photo.jpg"


def test_the_title_defaults_to_the_cleaned_file_name(api_for, officer_north, case):
    # when
    response = upload(
        api_for(officer_north),
        case,
        TEXT_BYTES,
        name="C:\\Users\\x\\Visit\u202enotes.txt",
        title="",
    )
    # then
    assert response.status_code == 201
    assert response.json()["title"] == "Visitnotes.txt"
    assert response.json()["original_name"] == "Visitnotes.txt"


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("statement.pdf", "statement.pdf"),
        ("../../secret/statement.pdf", "statement.pdf"),
        ("C:\\evidence\\notes.txt", "notes.txt"),
        ("bad\x00name\x1f.txt", "badname.txt"),
        ("photo\u202egpj.pdf", "photogpj.pdf"),
        ("  many   spaces\t.txt ", "many spaces.txt"),
        ("...", "document"),
        ("", "document"),
        (None, "document"),
        ("a" * 300 + ".docx", "a" * 195 + ".docx"),
        ("b" * 300, "b" * 200),
    ],
)
def test_original_names_are_cleaned(name, cleaned):
    assert document_name_clean(name) == cleaned


@pytest.mark.parametrize(
    ("data", "detail_starts"),
    [
        (JPEG_BYTES, "This looks like an image (JPEG)."),
        (PNG_BYTES, "This looks like an image (PNG)."),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "This looks like a video (MP4)."),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01", "This looks like a video (Matroska or WebM)."),
        (zip_of([("photos/1.txt", b"x")]), "This looks like an archive (ZIP)."),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "This looks like an archive (gzip)."),
        (docx(("word/media/image1.png", PNG_BYTES)), "This document contains pictures"),
        (b"\x00\x01\x02binary", "Tideline could not recognise this file."),
    ],
    ids=["jpeg", "png", "mp4", "webm", "zip", "gzip", "docx-with-picture", "unknown"],
)
def test_images_video_archives_and_the_unknown_are_refused_with_415_and_nothing_stored(
    api_for, officer_north, case, data, detail_starts
):
    # given
    log_before = AccessLogEntry.objects.count()
    # when: named and labelled as a PDF, to show the name is not trusted
    response = upload(api_for(officer_north), case, data, name="statement.pdf")
    # then
    assert response.status_code == 415
    assert response.json()["detail"].startswith(detail_starts)
    assert set(response.json()) == {"detail"}
    assert Document.objects.count() == 0
    assert stored_files() == []
    assert AccessLogEntry.objects.count() == log_before


def test_a_png_renamed_to_pdf_is_refused(api_for, officer_north, case):
    # when
    response = upload(api_for(officer_north), case, PNG_BYTES, name="statement.pdf")
    # then
    assert response.status_code == 415
    assert response.json() == {
        "detail": (
            "This looks like an image (PNG). Tideline never stores images, video or "
            "archives: describe material in the material summary instead, and attach "
            "documents only (PDF, plain text, Word .docx or OpenDocument text .odt)."
        )
    }
    assert Document.objects.count() == 0
    assert stored_files() == []


def test_exactly_10_mb_is_accepted(api_for, officer_north, case):
    # given
    data = pdf_of_size(MAX_DOCUMENT_BYTES)
    # when
    response = upload(api_for(officer_north), case, data, name="bundle.pdf")
    # then
    assert response.status_code == 201
    assert response.json()["size"] == 10 * 1024 * 1024
    assert Path(default_storage.path(Document.objects.get().stored_name)).stat().st_size == len(
        data
    )


def test_one_byte_over_10_mb_is_refused_with_413_before_its_content_is_judged(
    api_for, officer_north, case
):
    # given: an image, which would be 415 if its content were read first
    data = PNG_BYTES + b"0" * (MAX_DOCUMENT_BYTES + 1 - len(PNG_BYTES))
    # when
    response = upload(api_for(officer_north), case, data, name="big.pdf")
    # then
    assert response.status_code == 413
    assert response.json() == {"detail": "The selected file must be 10 MB or smaller."}
    assert Document.objects.count() == 0
    assert stored_files() == []


def test_an_empty_file_is_refused(api_for, officer_north, case):
    # when
    response = upload(api_for(officer_north), case, b"", name="empty.txt")
    # then
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"file"}
    assert Document.objects.count() == 0
    assert stored_files() == []


def test_a_missing_file_is_refused(api_for, officer_north, case):
    # when
    response = api_for(officer_north).post(
        documents_url(case), {"title": "No file"}, format="multipart"
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["No file was submitted."]}
    assert Document.objects.count() == 0


def test_json_is_not_an_upload(api_for, officer_north, case):
    # when
    response = api_for(officer_north).post(documents_url(case), {"title": "x"}, format="json")
    # then
    assert response.status_code == 415
    assert Document.objects.count() == 0


def test_when_the_database_write_fails_the_stored_file_is_removed(officer_north, case, monkeypatch):
    # given
    def broken_log(**kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr("cases.services.documents.log_case_access", broken_log)
    # when
    with pytest.raises(RuntimeError):
        document_upload(
            actor=officer_north.user,
            case=case,
            uploaded_file=SimpleUploadedFile("statement.pdf", PDF_BYTES),
            title="Statement",
        )
    # then
    assert Document.objects.count() == 0
    assert stored_files() == []


def test_a_retried_upload_with_the_same_key_creates_one_document(api_for, officer_north, case):
    # given
    client = api_for(officer_north)
    first = upload(client, case, PDF_BYTES, HTTP_IDEMPOTENCY_KEY="upload-1")
    # when
    again = upload(client, case, PDF_BYTES, HTTP_IDEMPOTENCY_KEY="upload-1")
    # then
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Document.objects.count() == 1
    assert len(stored_files()) == 1


def test_the_same_key_with_a_different_file_of_the_same_name_is_refused(
    api_for, officer_north, case
):
    # given
    client = api_for(officer_north)
    upload(client, case, PDF_BYTES, name="a.pdf", HTTP_IDEMPOTENCY_KEY="upload-2")
    # when
    other = upload(client, case, TEXT_BYTES, name="a.pdf", HTTP_IDEMPOTENCY_KEY="upload-2")
    # then
    assert other.status_code == 422
    assert Document.objects.count() == 1


# --- List and download


def test_the_list_shows_the_case_documents_newest_first(
    api_for, officer_north, case, a_document, django_assert_max_num_queries
):
    # given
    second = document_upload(
        actor=officer_north.user,
        case=case,
        uploaded_file=SimpleUploadedFile("notes.txt", TEXT_BYTES),
        title="Visit notes",
    )
    document_upload(
        actor=officer_north.user,
        case=CaseFactory(owning_agency=case.owning_agency),
        uploaded_file=SimpleUploadedFile("other.txt", TEXT_BYTES),
        title="Another case's",
    )
    client = api_for(officer_north)
    # when
    with django_assert_max_num_queries(3 + ACCESS_LOG_QUERIES):  # and the access-log entry
        response = client.get(documents_url(case))
    # then
    assert response.status_code == 200
    assert [d["title"] for d in response.json()["results"]] == ["Visit notes", "Witness statement"]
    assert response.json()["results"][0]["id"] == str(second.id)
    assert response.json()["next"] is None


def test_the_list_query_count_does_not_grow_with_documents(
    api_for, officer_north, case, django_assert_max_num_queries
):
    # given
    for n in range(8):
        document_upload(
            actor=MembershipFactory(agency=case.owning_agency, role=Role.GENERALIST_OFFICER).user,
            case=case,
            uploaded_file=SimpleUploadedFile(f"n{n}.txt", TEXT_BYTES),
            title=f"Note {n}",
        )
    client = api_for(officer_north)
    # The grant check's content type is cached by Django after its first use in a
    # process; warm it so the count does not depend on which tests ran before.
    ContentType.objects.get_for_model(Case)
    # when
    with django_assert_max_num_queries(3 + ACCESS_LOG_QUERIES):  # and the access-log entry
        response = client.get(documents_url(case))
    # then
    assert len(response.json()["results"]) == 8


def test_a_download_is_an_attachment_with_its_detected_type(api_for, officer_north, a_document):
    # when
    response = api_for(officer_north).get(download_url(a_document))
    # then
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="statement.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "no-store"


def test_a_download_ignores_what_the_client_would_accept(api_for, officer_north, a_document):
    # when
    response = api_for(officer_north).get(download_url(a_document), HTTP_ACCEPT="application/pdf")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_a_text_download_is_plain_text_in_utf8(api_for, officer_north, case):
    # given
    document = document_upload(
        actor=officer_north.user,
        case=case,
        uploaded_file=SimpleUploadedFile("notes.txt", TEXT_BYTES),
        title="Notes",
    )
    # when
    response = api_for(officer_north).get(download_url(document))
    # then
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="notes.txt"'


@pytest.mark.parametrize(
    ("name", "data", "download_as"),
    [
        ("photo.jpg", PDF_BYTES, "photo.jpg.pdf"),
        ("page.html", b"<p>hello</p>", "page.html.txt"),
        ("REPORT.PDF", PDF_BYTES, "REPORT.PDF"),
        ("notes.md", TEXT_BYTES, "notes.md"),
    ],
)
def test_a_download_name_always_ends_as_its_type(officer_north, case, name, data, download_as):
    # given
    document = document_upload(
        actor=officer_north.user,
        case=case,
        uploaded_file=SimpleUploadedFile(name, data),
        title="x",
    )
    # when / then
    assert document_download_name(document) == download_as


def test_a_document_of_another_case_is_not_found_through_this_case(
    api_for, officer_north, a_document
):
    # given
    other_case = CaseFactory(owning_agency=a_document.case.owning_agency)
    logged = AccessLogEntry.objects.count()
    # when
    response = api_for(officer_north).get(
        f"/api/v1/cases/{other_case.id}/documents/{a_document.id}/download/"
    )
    # then
    assert response.status_code == 404
    # and the request wrote nothing to the access log but its refusal: nothing was read
    written = AccessLogEntry.objects.order_by("sequence")[logged:]
    assert {entry.outcome for entry in written} <= {"denied"}


def test_a_document_whose_file_is_missing_is_not_found(api_for, officer_north, a_document):
    # given
    default_storage.delete(a_document.stored_name)
    # when
    response = api_for(officer_north).get(download_url(a_document))
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


# --- Who may do what


def test_another_force_finds_nothing(api_for, officer_south, case, a_document):
    # given
    client = api_for(officer_south)
    # when
    listed = client.get(documents_url(case))
    uploaded = upload(client, case, PDF_BYTES)
    downloaded = client.get(download_url(a_document))
    # then
    assert (listed.status_code, uploaded.status_code, downloaded.status_code) == (404, 404, 404)
    assert listed.json() == uploaded.json() == downloaded.json() == {"detail": "Not found."}
    assert Document.objects.count() == 1
    assert stored_files() == [a_document.stored_name]


def test_a_granted_agency_may_list_and_download_but_not_upload(
    api_for, officer_south, south, case, a_document
):
    # given
    grant_case(case, south)
    client = api_for(officer_south)
    # when
    listed = client.get(documents_url(case))
    downloaded = client.get(download_url(a_document))
    uploaded = upload(client, case, PDF_BYTES)
    # then
    assert listed.status_code == 200
    assert [d["id"] for d in listed.json()["results"]] == [str(a_document.id)]
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == PDF_BYTES
    assert uploaded.status_code == 404
    assert Document.objects.count() == 1
    assert stored_files() == [a_document.stored_name]


@pytest.mark.parametrize("persona", ["caseworker_harbour", "caseworker_lighthouse"])
def test_a_charity_caseworker_finds_nothing(request, api_for, persona, case, a_document):
    # given
    client = api_for(request.getfixturevalue(persona))
    # when
    responses = [
        client.get(documents_url(case)),
        upload(client, case, PDF_BYTES),
        client.get(download_url(a_document)),
    ]
    # then
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert Document.objects.count() == 1


def test_the_selector_returns_nothing_of_another_agency(officer_south, a_document):
    assert list(selectors.document_list(actor=officer_south.user, case=a_document.case)) == []


def test_uploads_and_downloads_are_in_the_access_log(api_for, officer_north, case):
    # given
    client = api_for(officer_north)
    document_id = upload(client, case, PDF_BYTES).json()["id"]
    # when
    client.get(f"{documents_url(case)}{document_id}/download/")
    # then
    entries = AccessLogEntry.objects.filter(object_type="document").order_by("sequence")
    assert [(e.action, e.object_id, e.username, e.outcome) for e in entries] == [
        ("cases.document.uploaded", document_id, "officer.north", "allowed"),
        ("cases.document.downloaded", document_id, "officer.north", "allowed"),
    ]
    assert {e.object_agency_slug for e in entries} == {"northshire-police"}


def test_a_refused_download_is_logged_as_denied(api_for, officer_south, a_document):
    # when
    api_for(officer_south).get(download_url(a_document))
    # then
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert (entry.action, entry.outcome, entry.object_id) == (
        "cases.document.view",
        "denied",
        str(a_document.case_id),
    )


# --- The page


def page_url(case) -> str:
    return f"/cases/{case.id}/documents/new/"


def test_the_page_offers_a_file_upload_form(browser_for, officer_north, case):
    # when
    response = browser_for(officer_north).get(page_url(case))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'class="govuk-file-upload"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Never attach images, video or archives" in html


def test_the_page_attaches_a_document_and_returns_to_the_case(browser_for, officer_north, case):
    # when
    response = browser_for(officer_north).post(
        page_url(case),
        {"title": "Visit notes", "file": SimpleUploadedFile("visit.txt", TEXT_BYTES)},
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.id}/documents/#documents"
    document = Document.objects.get()
    assert (document.title, document.original_name, document.content_type) == (
        "Visit notes",
        "visit.txt",
        "text/plain; charset=utf-8",
    )
    assert stored_files() == [document.stored_name]


def test_a_browser_attaches_then_downloads_from_the_case_page(browser_for, officer_north, case):
    # given
    browser = browser_for(officer_north)
    browser.post(
        page_url(case),
        {"title": "Visit notes", "file": SimpleUploadedFile("visit.txt", TEXT_BYTES)},
    )
    document = Document.objects.get()
    # when
    case_page = browser.get(f"/cases/{case.id}/documents/")
    downloaded = browser.get(download_url(document))
    # then
    assert f'href="{download_url(document)}"' in case_page.content.decode()
    assert downloaded.status_code == 200
    assert downloaded["Content-Disposition"] == 'attachment; filename="visit.txt"'
    assert b"".join(downloaded.streaming_content) == TEXT_BYTES


def test_the_page_shows_a_refused_file_type_on_the_file_field(browser_for, officer_north, case):
    # when
    response = browser_for(officer_north).post(
        page_url(case), {"title": "Photo", "file": SimpleUploadedFile("statement.pdf", PNG_BYTES)}
    )
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_file">This looks like an image (PNG).' in html
    assert 'id="id_file-error"' in html
    assert "govuk-file-upload--error" in html
    assert response.context["form"].errors["file"][0].startswith("This looks like an image (PNG).")
    assert Document.objects.count() == 0
    assert stored_files() == []


def test_the_page_shows_a_file_too_large_on_the_file_field(
    browser_for, officer_north, case, monkeypatch
):
    # given: a smaller limit, so the test need not send 10 MB
    monkeypatch.setattr("cases.services.documents.MAX_DOCUMENT_BYTES", 10)
    # when
    response = browser_for(officer_north).post(
        page_url(case), {"title": "Big", "file": SimpleUploadedFile("big.txt", TEXT_BYTES)}
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["The selected file must be 10 MB or smaller."]
    }
    assert Document.objects.count() == 0
    assert stored_files() == []


def test_the_page_asks_for_a_file(browser_for, officer_north, case):
    # when
    response = browser_for(officer_north).post(page_url(case), {"title": "Nothing"})
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["Select a document to attach."]}
    assert "Error: Attach a document" in response.content.decode()
    assert Document.objects.count() == 0


def test_the_page_is_not_found_for_a_granted_agency_or_another_force(
    browser_for, officer_south, south, case
):
    # given
    other_force = browser_for(officer_south)
    # when
    before_grant = other_force.get(page_url(case))
    grant_case(case, south)
    after_grant = other_force.post(
        page_url(case), {"title": "x", "file": SimpleUploadedFile("a.txt", TEXT_BYTES)}
    )
    # then
    assert (before_grant.status_code, after_grant.status_code) == (404, 404)
    assert Document.objects.count() == 0
