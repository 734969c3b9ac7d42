"""PDFs judged by parsing them (qpdf through pikepdf), every object of every save:
pictures wherever they sit, inline images, media hidden in data, attachments,
active content, data after the end, incremental updates, damaged and encrypted
files, and the bounds on the work. Every file is built here."""

import base64
import io
import zlib

import pikepdf
import pytest
from pikepdf import Dictionary, Name

from cases.filetypes import PDF, DetectedDocument, pdf_objects
from cases.filetypes.pdf_streams import Decoder
from tests.cases import document_files as files
from tests.cases.test_filetypes import detect, refusal

PICTURE = "This PDF contains a picture (an image object). Images inside a document are still"
INLINE = "This PDF contains a picture drawn directly in a page's instructions (an inline image)."
ATTACHED = "This PDF has files attached to it. Tideline cannot check what attached or linked"
DAMAGED = "This PDF has damaged or unusually encoded parts that Tideline cannot read"


def hidden(looks_like: str) -> str:
    return f"This PDF has {looks_like} hidden inside it. Images inside a document are still"


def active(what: str) -> str:
    return f"This PDF contains {what}, which can run code or show content that is not on its"


# --- Accepted


@pytest.mark.parametrize(
    "data",
    [
        files.pdf_of(),
        files.pdf_of(object_stream_mode=pikepdf.ObjectStreamMode.generate),
        files.pdf_of(object_stream_mode=pikepdf.ObjectStreamMode.disable),
        files.pdf_of(linearize=True),
        files.pdf_of(compress_streams=False),
        files.pdf_of(files.a_web_link),
        files.update_changing_the_title(),
    ],
    ids=["plain", "object-streams", "xref-table", "linearized", "uncompressed", "link", "update"],
)
def test_a_text_only_pdf_is_accepted(data):
    assert detect(data) == DetectedDocument(PDF, "PDF")


def test_text_that_mentions_the_inline_image_operators_is_still_text():
    # given: "BI", "ID" and "EI" as words in the text, not as operators
    data = files.pdf_of(text="BI ID EI: initials in a witness statement")
    # when / then
    assert detect(data).content_type == PDF


# --- Pictures, wherever they sit


@pytest.mark.parametrize(
    "build",
    [
        files.draws_an_image,
        files.image_in_a_form_nested_two_deep,
        files.image_in_an_annotation_appearance,
        files.image_as_a_soft_mask,
        files.image_in_a_tiling_pattern,
    ],
    ids=["on-the-page", "form-two-deep", "annotation-appearance", "soft-mask", "pattern"],
)
def test_an_image_object_anywhere_is_refused(build):
    assert refusal(files.pdf_of(build)).startswith(PICTURE)


def test_an_image_nobody_draws_is_still_refused():
    # given: an image object in the file that no page uses
    def unused_image(pdf, page):
        pdf.Root.Unused = files.image_xobject(pdf)

    # when / then
    assert refusal(files.pdf_of(unused_image)).startswith(PICTURE)


def test_a_page_thumbnail_is_refused():
    assert refusal(files.pdf_of(files.a_page_thumbnail)).startswith(
        "This PDF contains a thumbnail picture of a page."
    )


@pytest.mark.parametrize(
    "build",
    [files.draws_an_inline_image, files.inline_image_in_a_form],
    ids=["page", "form"],
)
def test_an_inline_image_is_refused(build):
    assert refusal(files.pdf_of(build)).startswith(INLINE)


def test_an_inline_image_in_a_compressed_stream_is_refused():
    # given: the same inline image, Flate-compressed as most writers store it
    def compressed(pdf, page):
        page.obj.Contents = pdf.make_stream(
            zlib.compress(files.INLINE_IMAGE), Filter=Name.FlateDecode
        )

    # when / then
    assert refusal(files.pdf_of(compressed)).startswith(INLINE)


@pytest.mark.parametrize(
    ("build", "looks_like"),
    [
        (files.a_jpeg_stream_without_a_subtype, "an image (JPEG)"),
        (files.a_png_hidden_in_a_stream, "an image (PNG)"),
        (files.a_png_in_a_hex_string, "an encoded picture or video (such as base64 image data)"),
    ],
    ids=["jpeg-filter", "png-stream", "png-hex-string"],
)
def test_media_hidden_in_a_stream_or_string_is_refused(build, looks_like):
    assert refusal(files.pdf_of(build)).startswith(hidden(looks_like))


def test_a_png_with_a_pdf_header_is_refused():
    # given
    data = b"%PDF-1.7\n" + files.PNG
    # when / then
    assert refusal(data).startswith(hidden("an image (PNG)"))


def test_a_file_that_does_not_parse_is_refused():
    assert refusal(b"%PDF-1.7\nnot a PDF at all\n%%EOF\n").startswith(
        "This is not a readable PDF: it starts like one but cannot be read as one"
    )


def test_a_pdf_with_no_end_is_refused_as_unreadable():
    # given: a download cut short
    data = files.pdf_of()[:-200]
    # when / then
    assert refusal(data).startswith("This is not a readable PDF")


# --- Attachments and active content


@pytest.mark.parametrize(
    "build", [files.an_attachment, files.a_file_attachment_annotation], ids=["embedded", "annot"]
)
def test_attached_files_are_refused(build):
    assert refusal(files.pdf_of(build)).startswith(ATTACHED)


@pytest.mark.parametrize(
    ("build", "what"),
    [
        (files.javascript_on_open, "JavaScript"),
        (files.a_launch_action, "an action that starts another program (Launch)"),
        (files.an_xfa_form, "an XFA form"),
        (files.a_video, "embedded media (video, sound or 3D)"),
    ],
    ids=["javascript", "launch", "xfa", "rich-media"],
)
def test_active_content_is_refused(build, what):
    assert refusal(files.pdf_of(build)).startswith(active(what))


def test_javascript_inside_an_object_stream_is_refused():
    # given: the action compressed in an object stream, invisible in the raw bytes
    data = files.pdf_of(
        files.javascript_on_open, object_stream_mode=pikepdf.ObjectStreamMode.generate
    )
    assert b"JavaScript" not in data
    # when / then
    assert refusal(data).startswith(active("JavaScript"))


# --- The bytes beyond what a viewer shows


def test_a_png_appended_after_the_end_is_refused():
    assert refusal(files.pdf_of() + files.PNG).startswith(
        "This PDF has data after its end (after its last %%EOF marker)."
    )


def test_whitespace_after_the_end_is_accepted():
    assert detect(files.pdf_of() + b"\r\n \x00\n").content_type == PDF


def test_an_incremental_update_that_adds_an_image_is_refused():
    # given
    data = files.update_adding_an_image()
    assert data.count(b"%%EOF") == 2
    # when / then
    assert refusal(data).startswith(PICTURE)


def test_an_incremental_update_that_hides_an_image_is_refused():
    # given: the update no longer draws the image, but its bytes are still in the file
    data = files.update_removing_an_image()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/XObject" not in pdf.pages[0].obj.get("/Resources", Dictionary())
    # when / then
    assert refusal(data).startswith(PICTURE)


@pytest.mark.parametrize(
    ("orphan", "message"),
    [
        (files.ORPHANED_IMAGE, PICTURE),
        (b"<< /S /JavaScript /JS (app.alert(1)) >>", active("JavaScript")),
    ],
    ids=["image", "javascript"],
)
def test_an_object_that_no_cross_reference_table_lists_is_judged(orphan, message):
    # given: an object written into the bytes, listed nowhere, the file not damaged
    data = files.with_an_orphaned_object(
        files.pdf_of(object_stream_mode=pikepdf.ObjectStreamMode.disable), orphan
    )
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert 999 not in {number for number, _ in pdf.get_xref_table()}
    # when / then
    assert refusal(data).startswith(message)


def test_an_object_hidden_mid_line_with_a_huge_number_is_judged():
    # given: qpdf alone would miss it (mid-line, and a number far beyond the file's size)
    base = files.pdf_of(object_stream_mode=pikepdf.ObjectStreamMode.disable)
    at = base.rindex(b"\nxref\n")
    data = base[:at] + b" 2000000 0 obj << /S /JavaScript /JS (x) >> endobj" + base[at:]
    # when / then
    assert refusal(data).startswith(active("JavaScript"))


def test_an_object_written_twice_in_one_save_is_refused():
    # given: a second object 1 that a reader would never see
    data = files.with_an_orphaned_object(
        files.pdf_of(object_stream_mode=pikepdf.ObjectStreamMode.disable),
        b"<< /Type /Catalog >>",
        number=1,
    )
    # when / then
    assert refusal(data).startswith(DAMAGED)


def test_an_encrypted_pdf_is_refused():
    # given: encrypted with an empty user password, so it opens without one
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(files.pdf_of())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner", user=""))
    # when / then
    assert refusal(out.getvalue()).startswith("This PDF is encrypted or password-protected")


def test_a_password_protected_pdf_is_refused():
    # given
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(files.pdf_of())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    # when / then
    assert refusal(out.getvalue()).startswith("This PDF is encrypted or password-protected")


# --- Bounds on the work


def test_a_compression_bomb_is_refused_before_it_is_expanded(monkeypatch):
    # given: a content stream that expands to 8 MB, over a budget made small for the test
    monkeypatch.setattr(pdf_objects, "MAX_DECODED_BYTES", 4 * 1024 * 1024)

    def bomb(pdf, page):
        page.obj.Contents = pdf.make_stream(
            zlib.compress(b" " * (8 * 1024 * 1024), 9), Filter=Name.FlateDecode
        )

    # when / then
    assert refusal(files.pdf_of(bomb)).startswith(
        "This PDF is too large or complex for Tideline to check "
        "(its compressed data expands too far)."
    )


def test_a_pdf_saved_over_itself_too_often_is_refused():
    # given: thirteen saves
    data = files.pdf_of(object_stream_mode=pikepdf.ObjectStreamMode.disable)
    found = files.pdf_objects_of(data)
    for n in range(12):
        data = files.incremental_update(
            data,
            {found["size"][0] + n: b"<< /Title (Revision %d) >>" % n},
            root=found["root"][0],
            size=found["size"][0] + n,
        )
    # when / then
    assert refusal(data).startswith(
        "This PDF is too large or complex for Tideline to check (it has been changed and "
        "saved over itself 12 times)."
    )


def test_objects_nested_too_deeply_are_refused():
    # given: arrays nested far deeper than any document's
    def deep(pdf, page):
        nested = pikepdf.Array([1])
        for _ in range(100):
            nested = pikepdf.Array([nested])
        page.obj.Deep = nested

    # when / then
    assert refusal(files.pdf_of(deep)).startswith(
        "This PDF is too large or complex for Tideline to check (objects nested too deeply)."
    )


def test_a_pdf_that_takes_too_long_to_check_is_refused(monkeypatch):
    # given: no time at all
    monkeypatch.setattr(pdf_objects, "MAX_SECONDS", -1.0)
    # when / then
    assert refusal(files.pdf_of()).startswith(
        "This PDF is too large or complex for Tideline to check (it took too long to check)."
    )


# --- Every encoding a stream may use is undone before it is judged


def _run_length(data: bytes) -> bytes:
    runs = (data[n : n + 128] for n in range(0, len(data), 128))
    return b"".join(bytes([len(run) - 1]) + run for run in runs) + b"\x80"


@pytest.mark.parametrize(
    ("filters", "encode"),
    [
        ([Name.ASCIIHexDecode], lambda data: data.hex().encode() + b">"),
        ([Name.ASCII85Decode], lambda data: base64.a85encode(data) + b"~>"),
        ([Name.RunLengthDecode], _run_length),
        (
            [Name.ASCIIHexDecode, Name.FlateDecode],
            lambda data: zlib.compress(data).hex().encode() + b">",
        ),
    ],
    ids=["hex", "ascii85", "run-length", "flate-then-hex"],
)
def test_a_png_under_any_encoding_is_found(filters, encode):
    # given
    def encoded(pdf, page):
        page.obj.PieceInfo = pdf.make_stream(encode(files.PNG), Filter=pikepdf.Array(filters))

    # when / then
    assert refusal(files.pdf_of(encoded)).startswith(hidden("an image (PNG)"))


def test_lzw_is_decoded_as_the_pdf_reference_shows():
    # The example of the PDF reference (7.4.4.2): codes 256 45 258 258 65 259 66 257.
    decoder = Decoder(1024)
    assert decoder._lzw(bytes.fromhex("800B6050220C0C8501"), early_change=1) == b"-----A---B"


def test_an_unknown_encoding_is_refused():
    # given
    def unknown(pdf, page):
        page.obj.PieceInfo = pdf.make_stream(b"x", Filter=Name("/MadeUpDecode"))

    # when / then
    assert refusal(files.pdf_of(unknown)).startswith(DAMAGED)
