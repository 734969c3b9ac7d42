"""What an upload is, judged from its bytes: documents accepted, images, video,
archives, documents with pictures in them and anything unrecognised refused."""

import base64
import io
import time
import zipfile

import pytest

from cases.filetypes import (
    DOCX,
    HEAD_BYTES,
    ODT,
    PDF,
    PICTURES_INSIDE,
    TEXT,
    ZIP_MAX_ENTRIES,
    DetectedDocument,
    document_kind_detect,
)
from common.errors import UnsupportedFileType
from tests.cases.document_files import (
    CONTENT_TYPES_XML,
    DOCUMENT_XML,
    JPEG,
    docx,
    odt,
    pdf_of,
    zip_of,
)

__all__ = ["JPEG_BYTES", "PDF_BYTES", "PNG_BYTES", "docx", "odt", "zip_of"]

# Real files, built in the test run (tests/cases/document_files.py).
PDF_BYTES = pdf_of()
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
JPEG_BYTES = JPEG


def detect(data: bytes) -> DetectedDocument:
    file = io.BytesIO(data)
    return document_kind_detect(file.read(HEAD_BYTES), file)


def refusal(data: bytes) -> str:
    with pytest.raises(UnsupportedFileType) as refused:
        detect(data)
    return refused.value.message


# --- Accepted


@pytest.mark.parametrize(
    ("data", "content_type", "label"),
    [
        (PDF_BYTES, PDF, "PDF"),
        (b"Statement taken on 2 March 2026.\nNothing further.\n", TEXT, "Plain text"),
        ("Datganiad: ŵ ŷ, café, 日本語\n".encode(), TEXT, "Plain text"),
        (b"\xef\xbb\xbfText saved with a byte order mark.\n", TEXT, "Plain text"),
        (b"BMW seen outside the school at 3pm.\n", TEXT, "Plain text"),
        (b"MZ Smith called back.\n", TEXT, "Plain text"),
        (b"ID3 form returned by the school.\n", TEXT, "Plain text"),
        (b"<html><body><p>An exported e-mail.</p></body></html>", TEXT, "Plain text"),
    ],
    ids=["pdf", "text", "utf8", "utf8-bom", "starts-BM", "starts-MZ", "starts-ID3", "html"],
)
def test_documents_are_recognised_by_content(data, content_type, label):
    # when
    detected = detect(data)
    # then
    assert detected == DetectedDocument(content_type, label)


def test_a_word_document_is_recognised():
    assert detect(docx()) == DetectedDocument(DOCX, "Word document (.docx)")


def test_an_opendocument_text_is_recognised_despite_svg_namespaced_elements():
    assert detect(odt()) == DetectedDocument(ODT, "OpenDocument text (.odt)")


def test_the_file_is_left_at_its_start():
    # given
    file = io.BytesIO(docx())
    # when
    document_kind_detect(file.read(HEAD_BYTES), file)
    # then
    assert file.tell() == 0


# --- Images, video, archives: refused with what they look like


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (JPEG_BYTES, "an image (JPEG)"),
        (PNG_BYTES, "an image (PNG)"),
        (b"GIF89a\x01\x00\x01\x00\x80\x00\x00", "an image (GIF)"),
        (b"GIF87a\x01\x00\x01\x00\x80\x00\x00", "an image (GIF)"),
        (b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00", "an image (BMP)"),
        (b"II*\x00\x08\x00\x00\x00", "an image (TIFF)"),
        (b"MM\x00*\x00\x00\x00\x08", "an image (TIFF)"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "an image (WebP)"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "an image (HEIC)"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00", "an image (AVIF)"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "a video (MP4)"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "a video (QuickTime MOV)"),
        (b"RIFF\x24\x00\x00\x00AVI LIST", "a video (AVI)"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01", "a video (Matroska or WebM)"),
        (b"\x00\x00\x01\xba\x44\x00\x04\x00", "a video (MPEG)"),
        (b"\x00\x00\x01\xb3\x14\x00\xf0\x13", "a video (MPEG)"),
        (b"FLV\x01\x05\x00\x00\x00\x09", "a video (Flash FLV)"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "an archive (gzip)"),
        (b"BZh91AY&SY\x00\x01", "an archive (bzip2)"),
        (b"\xfd7zXZ\x00\x00\x04", "an archive (xz)"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", "an archive (7-Zip)"),
        (b"Rar!\x1a\x07\x01\x00", "an archive (RAR)"),
        (b"photo.jpg".ljust(257, b"\x00") + b"ustar\x0000" + bytes(100), "an archive (tar)"),
        (b"photo.jpg".ljust(257, b"\x00") + b"ustar  \x00" + bytes(100), "an archive (tar)"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_images_video_and_archives_are_refused_naming_what_they_look_like(data, looks_like):
    # when
    message = refusal(data)
    # then
    assert message.startswith(f"This looks like {looks_like}. Tideline never stores images")


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>',
        b'<?xml version="1.0"?>\n<!-- drawn -->\n<svg width="10" height="10"></svg>',
        b"\xef\xbb\xbf  \n<SVG viewBox='0 0 1 1'/>",
    ],
    ids=["svg", "xml-svg", "bom-upper"],
)
def test_svg_is_an_image_although_it_is_text(data):
    assert refusal(data).startswith("This looks like an image (SVG).")


def test_a_png_renamed_to_pdf_is_still_an_image():
    # The name never reaches the detector: only the bytes do.
    assert refusal(PNG_BYTES).startswith("This looks like an image (PNG).")


def test_text_with_an_encoded_picture_is_refused():
    # given
    base64_jpeg = b"/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8U" * 3
    data = b"Notes.\n" + b"x" * 70_000 + b'<img src="data:image/jpeg;base64,' + base64_jpeg
    # when
    message = refusal(data)
    # then
    assert message.startswith("This text contains an encoded picture or video")


@pytest.mark.parametrize(
    "media",
    [
        b"\xff\xd8\xff\xe1" + bytes(80),
        b"GIF89a" + bytes(80),
        b"RIFF\xd2\x04\x00\x00WEBPVP8 " + bytes(80),
        b"RIFF\x9f\x86\x01\x00AVI LIST" + bytes(80),
    ],
    ids=["jpeg-exif", "gif", "webp", "avi"],
)
def test_an_e_mail_with_a_base64_attachment_is_refused(media):
    # given
    encoded = base64.encodebytes(media)
    data = b"From: someone@example.invalid\n\nSee attached.\n\n" + encoded
    # when / then
    assert refusal(data).startswith("This text contains an encoded picture")


def test_a_list_of_base64_hashes_is_text():
    # given: hash-like tokens that contain picture starts inside them, not at their start
    data = b"\n".join(b"Ab" + marker + b"Q" * 90 for marker in (b"/9j/4A", b"iVBORw0KGgo")) * 500
    # when / then
    assert detect(data).content_type == TEXT


@pytest.mark.parametrize(
    "data",
    [b"RIFF-RAFF seen near the park, 3 March.\n", b"The ftyp box of the video was examined.\n"],
)
def test_text_that_starts_like_a_media_header_is_still_text(data):
    assert detect(data).content_type == TEXT


def test_a_bare_base64_picture_split_across_chunks_is_found():
    # given: the PNG's base64 starts just before the 64 KiB chunk boundary
    png_base64 = b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
    data = b"a" * (64 * 1024 - 6) + b"\n" + png_base64 + b"60e6kgAAAABJRU5ErkJggg=="
    # when / then
    assert refusal(data).startswith("This text contains an encoded picture")


# --- Office documents that carry pictures, and other containers


@pytest.mark.parametrize(
    "extra",
    [
        ("word/media/image1.png", PNG_BYTES),
        ("word/media/image1.bin", b"not an image signature, still in media"),
        ("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
        ("docProps/thumbnail.jpeg", JPEG_BYTES),
        ("customXml/item9.xml", JPEG_BYTES),
        ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64)),
        ("word/attached.zip", zip_of([("a.txt", b"a")])),
        ("word/drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
    ],
    ids=["media-png", "media-any", "embedding", "thumbnail", "jpeg-elsewhere", "ole", "zip", "svg"],
)
def test_a_word_document_with_pictures_or_embedded_files_is_refused(extra):
    assert refusal(docx(extra)) == PICTURES_INSIDE


@pytest.mark.parametrize(
    "extra",
    [
        ("Pictures/10000000000000200000002000D5F1A2.png", PNG_BYTES),
        ("Thumbnails/thumbnail.png", PNG_BYTES),
        ("ObjectReplacements/Object 1", b"VCLMTF\x01\x00"),
        (
            "styles.xml",
            b"<office:document-styles><office:binary-data>iVBORw0KGgo"
            b"</office:binary-data></office:document-styles>",
        ),
    ],
    ids=["pictures", "thumbnail", "object-replacement", "inline-binary"],
)
def test_an_opendocument_text_with_pictures_is_refused(extra):
    assert refusal(odt(extra)) == PICTURES_INSIDE


def test_the_pictures_message_says_how_to_fix_it():
    assert "Remove the pictures, or export the document without them" in PICTURES_INSIDE


def test_any_other_zip_is_an_archive():
    # given
    data = zip_of([("holiday/photo1.txt", b"not a document")])
    # when / then
    assert refusal(data).startswith("This looks like an archive (ZIP).")


def test_a_zip_that_cannot_be_opened_is_an_archive():
    # given: a local header and nothing else
    data = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(40)
    # when / then
    assert refusal(data).startswith("This looks like an archive (ZIP) that cannot be opened")


def test_an_opendocument_spreadsheet_is_not_a_text_document():
    # given
    data = odt(mimetype=b"application/vnd.oasis.opendocument.spreadsheet")
    # when / then
    assert refusal(data).startswith("This is an OpenDocument file, but not a text document")


def test_an_office_file_that_is_not_word_is_refused():
    # given: an Excel workbook's skeleton
    data = zip_of([("[Content_Types].xml", CONTENT_TYPES_XML), ("xl/workbook.xml", b"<w/>")])
    # when / then
    assert refusal(data).startswith("This is a Microsoft Office file, but not a Word document")


def test_a_password_protected_entry_is_refused():
    # given: a DOCX whose document entry claims to be encrypted
    data = bytearray(docx())
    for offset in _header_offsets(bytes(data), b"word/document.xml"):
        data[offset] |= 0x01
    # when / then
    assert refusal(bytes(data)).startswith("This document is password-protected")


def _header_offsets(data: bytes, name: bytes) -> list[int]:
    """Where the general-purpose flag of `name` sits, in its local and central headers."""
    offsets = []
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            if data[start + name_at : start + name_at + len(name)] == name:
                offsets.append(start + flag_at)
            start += 4
    return offsets


def test_a_zip_bomb_is_refused_quickly_without_being_expanded():
    # given: a DOCX with 51 MB of zeros that compress to about 50 KB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML)
        archive.writestr("word/document.xml", DOCUMENT_XML)
        with archive.open("word/padding.xml", "w", force_zip64=True) as padding:
            block = bytes(1024 * 1024)
            for _ in range(51):
                padding.write(block)
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    started = time.perf_counter()
    # when
    message = refusal(data)
    # then
    assert message.startswith("This file would expand to far more than any document does")
    assert time.perf_counter() - started < 0.5


def test_a_zip_with_too_many_entries_is_refused():
    # given
    data = docx(*[(f"word/part{n}.xml", b"<p/>") for n in range(ZIP_MAX_ENTRIES)])
    # when / then
    assert refusal(data).startswith("This file would expand to far more")


def test_a_pdf_with_an_archive_glued_to_its_end_is_refused():
    # given
    data = PDF_BYTES + zip_of([("photo.txt", b"x")])
    # when / then
    assert refusal(data).startswith("This looks like a PDF with an archive hidden inside it.")


# --- Deliberate refusals and the unrecognised


def test_a_legacy_word_document_is_refused_with_how_to_save_it():
    # given
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    # when
    message = refusal(data)
    # then
    assert message == (
        "This looks like an older Microsoft Office file (such as .doc). These can hold "
        "embedded pictures that Tideline cannot check. Save it as a Word document (.docx) "
        "without pictures, or as a PDF, and attach it again."
    )


def test_rich_text_is_refused_because_it_can_carry_pictures():
    assert refusal(b"{\\rtf1\\ansi Statement}").startswith(
        "This looks like a Rich Text Format (.rtf) file"
    )


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\x03 some binary record",
        "UTF-16 text".encode("utf-16"),
        b"Latin-1 caf\xe9 is not UTF-8",
        b"Text with a NUL\x00 in it",
        b"Text" + b"a" * 70_000 + b"\x00",
    ],
    ids=["binary", "utf16", "latin1", "nul", "late-nul"],
)
def test_anything_unrecognised_is_refused(data):
    assert refusal(data) == (
        "Tideline could not recognise this file. Tideline accepts PDF, plain text, Word "
        "(.docx) and OpenDocument text (.odt) only; images, video and archives are never "
        "stored."
    )


def test_a_jpeg_after_valid_text_is_not_text():
    # given: a text preamble with a JPEG after it (0xFF is never valid UTF-8)
    data = b"Statement.\n" * 10 + JPEG_BYTES
    # when / then
    assert refusal(data).startswith("Tideline could not recognise this file.")
