"""Word and OpenDocument judged part by part (names, bytes, markup, relationships
and declarations), and text that is really something else. Every file is built
here."""

import base64
import codecs

import pytest

from cases.filetypes import DOCX, ODT, PICTURES_INSIDE, TEXT
from tests.cases import document_files as files
from tests.cases.test_filetypes import detect, refusal

# --- Word


def test_a_word_document_with_a_text_box_and_a_web_link_is_accepted():
    # given: a shape with text (VML, inside w:pict and mc:AlternateContent) and an
    # external hyperlink: text and structure, no picture
    document = files.word_xml(
        b'<mc:AlternateContent><mc:Choice Requires="wps"><w:r><w:t>box</w:t></w:r>'
        b"</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r>"
        b"<w:t>In a text box.</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape>"
        b"</w:pict></mc:Fallback></mc:AlternateContent>"
        b'<w:hyperlink r:id="rId9"><w:r><w:t>link</w:t></w:r></w:hyperlink>'
    )
    rels = files.document_rels(
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/hyperlink" Target="https://example.invalid/" '
        b'TargetMode="External"/>'
    )
    # when / then
    assert detect(files.docx(rels, document=document)).content_type == DOCX


@pytest.mark.parametrize(
    "extra",
    [
        # the picture, its relationship and its markup, as Word writes them
        [("word/media/image1.png", files.PNG), files.document_rels(files.IMAGE_RELATIONSHIP)],
        # a thumbnail ("Save preview picture")
        [("docProps/thumbnail.jpeg", files.JPEG)],
        # a picture under a name that does not say so
        [("word/foo.bin", files.PNG)],
        [("customXml/item1.xml", b"<root>" + files.PNG + b"</root>")],
        # embedded objects
        [("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64))],
        [("word/embeddings/package.zip", files.zip_of([("a.txt", b"a")]))],
        [("word/activeX/activeX1.xml", b"<ax:ocx/>")],
    ],
    ids=["picture", "thumbnail", "renamed-png", "png-inside-xml", "ole", "package", "activex"],
)
def test_a_word_document_carrying_a_picture_or_object_is_refused(extra):
    assert refusal(files.docx(*extra)) == PICTURES_INSIDE


@pytest.mark.parametrize(
    "markup",
    [
        b'<w:r><w:drawing><a:blip r:embed="rId5"/></w:drawing></w:r>',
        b'<w:r><w:pict><v:shape><v:imagedata r:id="rId5"/></v:shape></w:pict></w:r>',
        b'<mc:AlternateContent><mc:Fallback><w:pict><v:imagedata r:id="rId5"/></w:pict>'
        b"</mc:Fallback></mc:AlternateContent>",
        b'<w:r><w:pict><w:binData w:name="wordml://1.png">iVBORw0KGgo=</w:binData></w:pict></w:r>',
        b'<w:r><w:object><o:OLEObject r:id="rId6"/></w:object></w:r>',
        b'<w:r><x:blip xmlns:x="http://schemas.openxmlformats.org/drawingml/2006/main"/></w:r>',
        b'<w:r><w:instrText> INCLUDEPICTURE "https://example.invalid/x.png" </w:instrText></w:r>',
    ],
    ids=[
        "blip",
        "vml-imagedata",
        "alternate-content",
        "bindata",
        "ole-object",
        "any-prefix",
        "linked-picture-field",
    ],
)
def test_markup_that_places_a_picture_is_refused_without_the_picture_part(markup):
    assert refusal(files.docx(document=files.word_xml(markup))) == PICTURES_INSIDE


@pytest.mark.parametrize(
    "relationship",
    [
        # a linked picture: fetched from outside when the document opens
        b'<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/image" Target="https://example.invalid/x.png" TargetMode="External"/>',
        b'<Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/oleObject" Target="embeddings/x.bin"/>',
        b'<Relationship Id="rId7" Type="http://schemas.microsoft.com/office/2007/relationships/'
        b'hdphoto" Target="media/x.wdp"/>',
        b'<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/aFChunk" Target="afchunk.mht"/>',
        # the type written with character references
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships&#47;&#105;mage" Target="x"/>',
    ],
    ids=["linked-picture", "ole-object", "hd-photo", "alt-chunk", "escaped"],
)
def test_a_relationship_to_a_picture_or_object_is_refused(relationship):
    assert refusal(files.docx(files.document_rels(relationship))) == PICTURES_INSIDE


def test_a_part_declared_as_a_picture_is_refused():
    # given
    content_types = files.CONTENT_TYPES_XML.replace(
        b"</Types>", b'<Override PartName="/word/x.xml" ContentType="image/png"/></Types>'
    )
    # when / then
    assert refusal(files.docx(("[Content_Types].xml", content_types))) == PICTURES_INSIDE


def test_markup_saved_as_utf16_is_read_as_text():
    # given: the picture markup, in a part saved as UTF-16 to hide it from byte searches
    document = files.word_xml(b'<w:r><w:drawing><a:blip r:embed="rId5"/></w:drawing></w:r>')
    utf16 = codecs.BOM_UTF16_LE + document.decode().encode("utf-16-le")
    # when / then
    assert refusal(files.docx(document=utf16)) == PICTURES_INSIDE


def test_markup_in_an_encoding_that_cannot_be_checked_is_refused():
    # given
    document = b'<?xml version="1.0" encoding="UTF-32"?><w:document/>'
    # when / then
    assert refusal(files.docx(document=document)).startswith(
        "This document has parts written in an unusual text encoding"
    )


# --- OpenDocument


def test_an_opendocument_text_with_links_is_accepted():
    assert detect(files.odt()).content_type == ODT


@pytest.mark.parametrize(
    "extra",
    [
        ("Pictures/100000000000000200000002.png", files.PNG),
        ("Object 1/content.xml", b"<math:math/>"),
        ("ObjectReplacements/Object 1", b"VCLMTF\x01\x00"),
        ("Configurations2/images/Bitmaps/x.png", files.PNG),
        ("Thumbnails/thumbnail.png", files.PNG),
        (
            "META-INF/manifest.xml",
            b'<manifest:manifest><manifest:file-entry manifest:full-path="x" '
            b'manifest:media-type="image/png"/></manifest:manifest>',
        ),
        (
            "content.xml",
            b'<office:document-content><draw:frame><draw:image xlink:href="https://'
            b'example.invalid/x.png"/></draw:frame></office:document-content>',
        ),
        (
            "styles.xml",
            b'<office:document-styles><draw:fill-image xlink:href="media/x"/>'
            b"</office:document-styles>",
        ),
    ],
    ids=[
        "pictures",
        "object-folder",
        "object-replacement",
        "toolbar-bitmap",
        "thumbnail",
        "manifest",
        "linked-image",
        "fill-image",
    ],
)
def test_an_opendocument_text_carrying_a_picture_or_object_is_refused(extra):
    assert refusal(files.odt(extra)) == PICTURES_INSIDE


# --- Text that is really something else


@pytest.mark.parametrize(
    "data",
    [
        b'<p>Notes</p><img src="data:image/svg+xml,%3Csvg%3E%3C/svg%3E">',
        b'<p>Notes</p><img src="DATA:IMAGE/PNG;base64,AAAA">',
        b"Exported page:\n<html><body><p>Notes</p><svg width='9'><circle r='4'/></svg></html>",
        b"Dump:\n" + files.PNG.hex().encode() + b"\n",
        b"Dump:\n" + " ".join(f"{b:02X}" for b in files.PNG).encode() + b"\n",
        b"Notes.\n" + base64.b64encode(b"II*\x00\x08\x00\x00\x00" + bytes(80)) + b"\n",
        b"Notes.\n" + base64.urlsafe_b64encode(b"\xff\xd8\xff\xdb\x00\x43\x00" + bytes(80)),
        b"From: x\n\n" + base64.encodebytes(files.PNG + bytes(64)),
    ],
    ids=[
        "svg-data-uri",
        "upper-case-data-uri",
        "inline-svg",
        "hex-dump",
        "spaced-hex-dump",
        "base64-tiff",
        "urlsafe-base64-jpeg",
        "mime-png",
    ],
)
def test_text_carrying_an_encoded_picture_is_refused(data):
    assert refusal(data).startswith("This text contains an encoded picture or video")


@pytest.mark.parametrize(
    "data",
    [
        b"Hashes:\n" + b"\n".join(base64.b64encode(bytes([n]) * 64) for n in range(200)),
        b"The staff effect of 89 50 people; data: none.\n" * 100,
        b"A JPEG starts FF D8 FF E0 and a PNG 89 50 4E 47 0D 0A 1A 0A.\n",
    ],
    ids=["base64-hashes", "ordinary-words", "signatures-described"],
)
def test_text_that_only_looks_encoded_is_text(data):
    assert detect(data).content_type == TEXT
