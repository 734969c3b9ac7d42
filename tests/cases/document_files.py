"""Documents and hostile files for the upload tests, each built here from scratch:
PNGs with zlib and struct, PDFs with pikepdf (and by hand, for what pikepdf will not
write: incremental updates, orphaned objects), Word and OpenDocument packages with
zipfile. Nothing is read from disk."""

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable

import pikepdf
from pikepdf import Array, Dictionary, Name, String

ODT_TYPE = "application/vnd.oasis.opendocument.text"


# --- Pictures


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real, valid PNG of red pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG = png_bytes()
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(64)


# --- PDFs

PageBuilder = Callable[[pikepdf.Pdf, pikepdf.Page], None]


def pdf_of(
    build: PageBuilder | None = None,
    *,
    text: str = "Statement of a fictional witness. BI ID EI are words here.",
    **save,
) -> bytes:
    """A one-page PDF that writes `text` in Helvetica; `build` adds to it."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    page.obj.Contents = pdf.make_stream(
        f"BT /F1 12 Tf 72 770 Td ({escaped}) Tj ET".encode("latin-1")
    )
    if build:
        build(pdf, page)
    out = io.BytesIO()
    pdf.save(out, **save)
    return out.getvalue()


def image_xobject(pdf: pikepdf.Pdf) -> pikepdf.Stream:
    return pdf.make_stream(
        b"\xff\x00\x00" * 4,
        Type=Name.XObject,
        Subtype=Name.Image,
        Width=2,
        Height=2,
        ColorSpace=Name.DeviceRGB,
        BitsPerComponent=8,
    )


def form_xobject(pdf: pikepdf.Pdf, content: bytes, resources: Dictionary) -> pikepdf.Stream:
    return pdf.make_stream(
        content,
        Type=Name.XObject,
        Subtype=Name.Form,
        BBox=Array([0, 0, 100, 100]),
        Resources=resources,
    )


def draws_an_image(pdf, page):
    page.obj.Resources.XObject = Dictionary(Im1=image_xobject(pdf))
    page.obj.Contents = pdf.make_stream(b"q 100 0 0 100 72 600 cm /Im1 Do Q")


def image_in_a_form_nested_two_deep(pdf, page):
    inner = form_xobject(pdf, b"/Im1 Do", Dictionary(XObject=Dictionary(Im1=image_xobject(pdf))))
    outer = form_xobject(pdf, b"/Fm2 Do", Dictionary(XObject=Dictionary(Fm2=inner)))
    page.obj.Resources.XObject = Dictionary(Fm1=outer)
    page.obj.Contents = pdf.make_stream(b"q /Fm1 Do Q")


INLINE_IMAGE = (
    b"q 10 0 0 10 72 600 cm BI /W 2 /H 2 /CS /RGB /BPC 8 ID " + b"\xff\x00\x00" * 4 + b" EI Q"
)


def draws_an_inline_image(pdf, page):
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 770 Td (Notes) Tj ET " + INLINE_IMAGE)


def inline_image_in_a_form(pdf, page):
    page.obj.Resources.XObject = Dictionary(Fm1=form_xobject(pdf, INLINE_IMAGE, Dictionary()))
    page.obj.Contents = pdf.make_stream(b"/Fm1 Do")


def image_in_an_annotation_appearance(pdf, page):
    appearance = form_xobject(
        pdf, b"/Im1 Do", Dictionary(XObject=Dictionary(Im1=image_xobject(pdf)))
    )
    page.obj.Annots = Array(
        [
            pdf.make_indirect(
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Stamp,
                    Rect=Array([0, 0, 100, 100]),
                    AP=Dictionary(N=appearance),
                )
            )
        ]
    )


def image_as_a_soft_mask(pdf, page):
    state = Dictionary(
        Type=Name.ExtGState,
        SMask=Dictionary(Type=Name.Mask, S=Name.Luminosity, G=image_xobject(pdf)),
    )
    page.obj.Resources.ExtGState = Dictionary(GS1=state)


def image_in_a_tiling_pattern(pdf, page):
    pattern = pdf.make_stream(
        b"/Im1 Do",
        Type=Name.Pattern,
        PatternType=1,
        PaintType=1,
        TilingType=1,
        BBox=Array([0, 0, 10, 10]),
        XStep=10,
        YStep=10,
        Resources=Dictionary(XObject=Dictionary(Im1=image_xobject(pdf))),
    )
    page.obj.Resources.Pattern = Dictionary(P1=pattern)


def a_page_thumbnail(pdf, page):
    page.obj.Thumb = image_xobject(pdf)


def a_jpeg_stream_without_a_subtype(pdf, page):
    page.obj.PieceInfo = pdf.make_stream(JPEG, Filter=Name.DCTDecode)


def a_png_hidden_in_a_stream(pdf, page):
    page.obj.PieceInfo = Dictionary(Data=pdf.make_stream(PNG))


def a_png_in_a_hex_string(pdf, page):
    page.obj.Contents = pdf.make_stream(
        b"BT /F1 12 Tf 72 770 Td <" + PNG.hex().encode() + b"> Tj ET"
    )


def an_attachment(pdf, page):
    pdf.attachments["notes.txt"] = pikepdf.AttachedFileSpec(pdf, b"Attached notes.\n")


def a_file_attachment_annotation(pdf, page):
    page.obj.Annots = Array(
        [
            pdf.make_indirect(
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.FileAttachment,
                    Rect=Array([0, 0, 10, 10]),
                    FS=Dictionary(Type=Name.Filespec, F=String("x.txt")),
                )
            )
        ]
    )


def javascript_on_open(pdf, page):
    pdf.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=String("app.alert('x')"))


def a_launch_action(pdf, page):
    pdf.Root.OpenAction = Dictionary(S=Name.Launch, F=String("calc.exe"))


def an_xfa_form(pdf, page):
    pdf.Root.AcroForm = Dictionary(Fields=Array([]), XFA=pdf.make_stream(b"<xdp:xdp/>"))


def a_video(pdf, page):
    page.obj.Annots = Array(
        [Dictionary(Type=Name.Annot, Subtype=Name.RichMedia, Rect=Array([0, 0, 10, 10]))]
    )


def a_web_link(pdf, page):
    page.obj.Annots = Array(
        [
            Dictionary(
                Type=Name.Annot,
                Subtype=Name.Link,
                Rect=Array([0, 0, 10, 10]),
                A=Dictionary(S=Name.URI, URI=String("https://example.invalid/")),
            )
        ]
    )


def pdf_objects_of(data: bytes) -> dict[str, tuple[int, int]]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return {
            "root": pdf.Root.objgen,
            "page": pdf.pages[0].obj.objgen,
            "size": (int(pdf.trailer.Size), 0),
        }


def incremental_update(base: bytes, objects: dict[int, bytes], *, root: int, size: int) -> bytes:
    """`base` with an update appended, as an editor saving "over" a file writes one:
    the new or replaced objects, a cross-reference section for them and a trailer
    pointing back to the previous one."""
    assert base.endswith(b"%%EOF\n")
    body, offsets = b"", {}
    for number, obj in objects.items():
        offsets[number] = len(base) + len(body)
        body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref_at = len(base) + len(body)
    xref = b"xref\n" + b"".join(
        b"%d 1\n%010d 00000 n \n" % (number, offset) for number, offset in offsets.items()
    )
    previous = int(re.findall(rb"startxref\s+(\d+)", base)[-1])
    trailer = b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        max(size, *(n + 1 for n in objects)),
        root,
        previous,
        xref_at,
    )
    return base + body + xref + trailer


def update_adding_an_image() -> bytes:
    base = pdf_of(object_stream_mode=pikepdf.ObjectStreamMode.disable)
    found = pdf_objects_of(base)
    image, content, page = found["size"][0], found["size"][0] + 1, found["page"][0]
    return incremental_update(
        base,
        {
            image: b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace "
            b"/DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream",
            content: b"<< /Length 28 >>\nstream\nq 100 0 0 100 0 0 cm /Im1 Do Q\nendstream",
            page: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << "
            b"/XObject << /Im1 %d 0 R >> >> /Contents %d 0 R >>" % (image, content),
        },
        root=found["root"][0],
        size=found["size"][0],
    )


def update_removing_an_image() -> bytes:
    """The image is no longer drawn after the update, but its bytes are still there."""
    base = pdf_of(draws_an_image, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    found = pdf_objects_of(base)
    content, page = found["size"][0], found["page"][0]
    return incremental_update(
        base,
        {
            content: b"<< /Length 11 >>\nstream\nBT ET q Q\nendstream",
            page: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>"
            % content,
        },
        root=found["root"][0],
        size=found["size"][0],
    )


def update_changing_the_title() -> bytes:
    base = pdf_of(object_stream_mode=pikepdf.ObjectStreamMode.disable)
    found = pdf_objects_of(base)
    info = found["size"][0]
    updated = incremental_update(
        base, {info: b"<< /Title (Revised statement) >>"}, root=found["root"][0], size=info
    )
    return updated.replace(b"/Prev", b"/Info %d 0 R /Prev" % info)


def with_an_orphaned_object(base: bytes, obj: bytes, *, number: int = 999) -> bytes:
    """`base` with an object written into it that no cross-reference table lists
    (and the offsets kept right, so the file is not even damaged)."""
    at = base.rindex(b"\nxref\n") + 1
    orphan = b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    data = base[:at] + orphan + base[at:]
    start = base.rindex(b"startxref")
    old = int(base[start + len(b"startxref") :].split()[0])
    return data.replace(b"startxref\n%d" % old, b"startxref\n%d" % (old + len(orphan)))


ORPHANED_IMAGE = (
    b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
    b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
)


# --- Word and OpenDocument

DOCUMENT_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>Statement of a fictional witness.</w:t></w:r></w:p></w:body>"
    b"</w:document>"
)
CONTENT_TYPES_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/'
    b'vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
ODT_CONTENT_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    b' xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"'
    b' xmlns:xlink="http://www.w3.org/1999/xlink">'
    b"<office:body><office:text><text:p>Fictional referral notes.</text:p>"
    b'<text:p><text:a xlink:href="https://example.invalid/">a link</text:a>'
    b'<text:a xlink:href="#bookmark">a bookmark</text:a></text:p>'
    b"<svg:desc>a text frame</svg:desc></office:text></office:body></office:document-content>"
)


def zip_of(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            compression = zipfile.ZIP_STORED if stored_first and index == 0 else None
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


def docx(*extra: tuple[str, bytes], document: bytes = DOCUMENT_XML) -> bytes:
    replaced = {name for name, _ in extra}
    base = [
        ("[Content_Types].xml", CONTENT_TYPES_XML),
        ("_rels/.rels", RELS_XML),
        ("word/document.xml", document),
    ]
    return zip_of([entry for entry in base if entry[0] not in replaced] + list(extra))


def odt(*extra: tuple[str, bytes], mimetype: bytes = ODT_TYPE.encode()) -> bytes:
    replaced = {name for name, _ in extra}
    base = [
        ("content.xml", ODT_CONTENT_XML),
        ("META-INF/manifest.xml", b"<manifest:manifest/>"),
    ]
    return zip_of(
        [("mimetype", mimetype)]
        + [entry for entry in base if entry[0] not in replaced]
        + list(extra),
        stored_first=True,
    )


def word_xml(body: bytes) -> bytes:
    """A document.xml whose body is `body`, declaring the namespaces Word uses."""
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
        b' xmlns:v="urn:schemas-microsoft-com:vml"'
        b' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
        b' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        b"<w:body><w:p><w:r><w:t>Statement.</w:t></w:r>" + body + b"</w:p></w:body></w:document>"
    )


def document_rels(*relationships: bytes) -> tuple[str, bytes]:
    return (
        "word/_rels/document.xml.rels",
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships">'
        + b"".join(relationships)
        + b"</Relationships>",
    )


IMAGE_RELATIONSHIP = (
    b'<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/image" Target="media/image1.png"/>'
)
PICTURE_XML = word_xml(
    b"<w:r><w:drawing><a:graphic><a:graphicData><pic:pic xmlns:pic="
    b'"http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:blipFill>'
    b'<a:blip r:embed="rId5"/></pic:blipFill></pic:pic></a:graphicData></a:graphic>'
    b"</w:drawing></w:r>"
)


def pdf_of_size(size: int) -> bytes:
    """A text PDF of exactly `size` bytes, its page padded with a long comment."""
    padding = size
    for _ in range(3):
        data = pdf_of(
            lambda pdf, page, padding=padding: page.obj.Contents.write(
                b"BT /F1 12 Tf 72 770 Td (Bundle) Tj ET\n%" + b" " * padding + b"\n"
            ),
            compress_streams=False,
        )
        padding += size - len(data)
    assert len(data) == size
    return data
