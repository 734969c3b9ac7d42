"""Hostile files sent to the documents API, each built here: every one is refused
with 415 and a message that says why, and nothing is stored (no row, no file, no
upload in the access log). A clean text-only PDF and Word document still attach."""

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import AccessLogEntry
from cases.models import Document
from tests.cases import document_files as files
from tests.cases.test_documents import stored_files, upload
from tests.factories import CaseFactory

PICTURE = "This PDF contains a picture (an image object)."
IN_DOCUMENT = "This document contains pictures, a preview image or embedded files."

HOSTILE = {
    "png-with-a-pdf-header": (
        b"%PDF-1.7\n" + files.PNG,
        "This PDF has an image (PNG) hidden inside it.",
    ),
    "pdf-drawing-an-image": (files.pdf_of(files.draws_an_image), PICTURE),
    "image-in-a-form-two-deep": (files.pdf_of(files.image_in_a_form_nested_two_deep), PICTURE),
    "inline-image": (
        files.pdf_of(files.draws_an_inline_image),
        "This PDF contains a picture drawn directly in a page's instructions (an inline image).",
    ),
    "png-after-the-end": (
        files.pdf_of() + files.PNG,
        "This PDF has data after its end (after its last %%EOF marker).",
    ),
    "update-adding-an-image": (files.update_adding_an_image(), PICTURE),
    "attachment": (files.pdf_of(files.an_attachment), "This PDF has files attached to it."),
    "javascript": (files.pdf_of(files.javascript_on_open), "This PDF contains JavaScript,"),
    "docx-with-a-picture": (
        files.docx(
            ("word/media/image1.png", files.PNG),
            files.document_rels(files.IMAGE_RELATIONSHIP),
            document=files.PICTURE_XML,
        ),
        IN_DOCUMENT,
    ),
    "docx-with-a-thumbnail": (files.docx(("docProps/thumbnail.jpeg", files.JPEG)), IN_DOCUMENT),
    "docx-with-a-renamed-png": (files.docx(("word/foo.bin", files.PNG)), IN_DOCUMENT),
    "odt-with-pictures": (files.odt(("Pictures/1.png", files.PNG)), IN_DOCUMENT),
    "text-with-a-data-uri": (
        b'<p>Notes</p><img src="data:image/png;base64,iVBORw0KGgo=">',
        "This text contains an encoded picture or video",
    ),
}


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north)


@pytest.mark.parametrize(("data", "detail"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_file_is_refused_with_415_and_nothing_is_stored(
    api_for, officer_north, case, data, detail
):
    # when: named and labelled as a PDF, to show the name is not trusted
    response = upload(api_for(officer_north), case, data, name="statement.pdf")
    # then
    assert response.status_code == 415, response.content
    assert response.json()["detail"].startswith(detail)
    assert Document.objects.count() == 0
    assert stored_files() == []
    assert not AccessLogEntry.objects.filter(action="cases.document.uploaded").exists()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (files.pdf_of(), "application/pdf"),
        (
            files.pdf_of(object_stream_mode=pikepdf.ObjectStreamMode.generate),
            "application/pdf",
        ),
        (files.update_changing_the_title(), "application/pdf"),
        (
            files.docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
    ids=["text-pdf", "text-pdf-object-streams", "text-pdf-updated", "text-docx"],
)
def test_a_clean_document_is_still_accepted_and_stored(
    api_for, officer_north, case, data, content_type
):
    # when
    response = upload(api_for(officer_north), case, data, name="statement.pdf")
    # then
    assert response.status_code == 201, response.content
    document = Document.objects.get()
    assert document.content_type == content_type
    assert stored_files() == [document.stored_name]


def test_the_page_refuses_a_pdf_with_a_picture_and_stores_nothing(browser_for, officer_north, case):
    # given
    data = files.pdf_of(files.draws_an_image)
    # when
    response = browser_for(officer_north).post(
        f"/cases/{case.id}/documents/new/",
        {"title": "Photo", "file": SimpleUploadedFile("statement.pdf", data)},
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith(PICTURE)
    assert Document.objects.count() == 0
    assert stored_files() == []
