"""Word (.docx) and OpenDocument text (.odt): ZIP packages whose every part is
judged, not only the folders where editors keep pictures. A part is refused when
its name, its bytes or its markup show a picture, a preview, media, an embedded
object or a link to a picture."""

import codecs
import html
import re
import zipfile
from collections.abc import Iterator
from typing import IO

from cases.filetypes.kinds import (
    ACCEPTED,
    DOCX,
    HEAD_BYTES,
    NEVER_STORED,
    ODT,
    PICTURES_INSIDE,
    DetectedDocument,
    refuse,
)
from cases.filetypes.signatures import (
    encoded_media_in,
    media_inside_chunks,
    never_a_document,
    svg,
)
from common.errors import UnsupportedFileType

# A document is a small ZIP; beyond these limits it is a zip bomb or not a
# document, and is refused from its directory, without being decompressed.
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024

ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

UNCHECKABLE_PART = (
    "This document has parts written in an unusual text encoding, so Tideline cannot "
    "check what they contain. Open it and save it again as a Word document (.docx) or "
    "OpenDocument text (.odt), and attach it again."
)

# Where Word and OpenDocument keep pictures, embedded objects, previews, toolbar
# images and ActiveX controls.
_MEDIA_FOLDERS = {
    "media",
    "embeddings",
    "pictures",
    "objectreplacements",
    "thumbnails",
    "images",
    "bitmaps",
    "activex",
}
# OpenDocument keeps each embedded object (a chart, a formula, an OLE object) in a
# folder of its own: "Object 1/".
_OBJECT_FOLDER = re.compile(r"object ?\d+")
_MEDIA_EXTENSIONS = frozenset(
    re.split(
        r"\s+",
        "png jpg jpeg jpe jfif gif bmp dib tif tiff emf wmf emz wmz svg svgz webp heic heif "
        "avif ico psd jxl jp2 j2k pcx tga mp4 m4v mov avi wmv mkv webm mpg mpeg 3gp mp3 wav "
        "m4a ogg oga ogv flac aac zip 7z rar gz tgz bz2 xz tar cab ole",
    )
)
_CHUNK = 64 * 1024
_MARKUP_OVERLAP = 512


def _media_entry(name: str) -> bool:
    lowered = name.lower()
    folders = lowered.split("/")[:-1]
    extension = lowered.rpartition(".")[2] if "." in lowered.rpartition("/")[2] else ""
    return (
        any(folder in _MEDIA_FOLDERS or _OBJECT_FOLDER.fullmatch(folder) for folder in folders)
        or lowered.startswith("docprops/thumbnail")
        or extension in _MEDIA_EXTENSIONS
    )


# Markup that places a picture, an embedded object or media, in any namespace
# prefix (and in every branch of mc:AlternateContent, which is read like the rest):
# VML's v:imagedata (inside w:pict), DrawingML's a:blip, Word's inline w:binData,
# OLE objects and ActiveX controls, OpenDocument's draw:image, draw:object,
# draw:plugin and draw:applet, and video or audio elements. Text boxes and shapes
# drawn without a picture (w:pict with v:textbox, wps:wsp) are text and stay.
_PICTURE_MARKUP = re.compile(
    rb"<(?:[\w.-]+:)?(?:imagedata|blip|binData|OLEObject|object|object-ole|control|image"
    rb"|plugin|applet|video|audio|videoFile|audioFile|wavAudioFile|quickTimeFile)\b"
)
# Word's field that fetches a picture from a file or web address when fields update.
_PICTURE_FIELD = re.compile(rb"INCLUDEPICTURE", re.IGNORECASE)
# A reference from markup to a part inside the package (a picture, an embedded
# object: "Pictures/1.png", "./Object 1"). Links to a web address, to a bookmark
# ("#...") or to another file beside the document ("../...") are not parts of it.
_HREF = re.compile(rb"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)
# Relationships that bring a picture, media, an embedded or linked object, a
# preview or an ActiveX control into a Word document, whether the target is a part
# of the package or outside it (TargetMode="External": a linked picture).
_REFUSED_RELATIONSHIPS = {
    "image",
    "oleobject",
    "package",
    "video",
    "audio",
    "media",
    "hdphoto",
    "thumbnail",
    "control",
    "activexcontrol",
    "activexcontrolbinary",
    "afchunk",
}
_RELATIONSHIP_TYPE = re.compile(r"""\bType\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_MEDIA_CONTENT_TYPE = re.compile(
    r"""(?:ContentType|media-type)\s*=\s*["']\s*(?:image|video|audio)/""", re.IGNORECASE
)
_TAG = re.compile(r"<\s*([\w:.-]+)[^>]*>")
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_READABLE_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii", "utf-16", "utf16"}


def _office_kind(archive: zipfile.ZipFile) -> DetectedDocument:
    entries = archive.infolist()
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DetectedDocument(DOCX, "Word document (.docx)")
    if entries and entries[0].filename == "mimetype":
        with archive.open(entries[0]) as mimetype:
            declared = mimetype.read(200)
        if declared == ODT.encode():
            return DetectedDocument(ODT, "OpenDocument text (.odt)")
        if declared.startswith(b"application/vnd.oasis.opendocument."):
            raise UnsupportedFileType(
                "This is an OpenDocument file, but not a text document (it may be a "
                f"spreadsheet, presentation or drawing). {ACCEPTED}."
            )
    if "[Content_Types].xml" in names:
        raise UnsupportedFileType(
            "This is a Microsoft Office file, but not a Word document (it may be a "
            f"spreadsheet or presentation). {ACCEPTED}."
        )
    raise refuse("an archive (ZIP)")


def _part_chunks(part: IO[bytes], head: bytes) -> Iterator[bytes]:
    yield head
    while chunk := part.read(_CHUNK):
        yield chunk


def _as_utf8(chunks: Iterator[bytes], head: bytes) -> Iterator[bytes]:
    """A markup part's text as UTF-8, whatever Unicode encoding it was saved in, so
    that the markup checks cannot be dodged by saving a part as UTF-16."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
        for chunk in chunks:
            yield decoder.decode(chunk).encode()
        yield decoder.decode(b"", final=True).encode()
        return
    declared = _DECLARED_ENCODING.match(head.removeprefix(codecs.BOM_UTF8).lstrip())
    if declared and declared.group(1).decode().lower() not in _READABLE_ENCODINGS:
        raise UnsupportedFileType(UNCHECKABLE_PART)
    yield from chunks


def _markup_refers_to_a_picture(text: bytes) -> bool:
    if _PICTURE_MARKUP.search(text) or _PICTURE_FIELD.search(text):
        return True
    if b"href" not in text and b"src" not in text:
        return False
    for match in _HREF.finditer(text):
        target = html.unescape((match.group(1) or match.group(2) or b"").decode(errors="replace"))
        target = target.strip()
        if not target or target.startswith(("#", "../")):
            continue
        scheme = _SCHEME.match(target)
        if scheme is None or scheme.group().lower() == "data:":
            return True
    return False


def _package_declarations_refuse(text: bytes) -> bool:
    """[Content_Types].xml, relationships and the OpenDocument manifest: a part
    declared as a picture or media, or a relationship to one. Word declares a
    picture type by extension (<Default>) only when a part has that extension, and
    such parts are refused by name; an <Override> or a manifest entry names a part."""
    for tag in _TAG.finditer(text.decode("utf-8", errors="replace")):
        declaration = html.unescape(tag.group())
        if tag.group(1).rpartition(":")[2] != "Default" and _MEDIA_CONTENT_TYPE.search(declaration):
            return True
        for match in _RELATIONSHIP_TYPE.finditer(declaration):
            kind = (match.group(1) or match.group(2) or "").rstrip("/").rpartition("/")[2]
            if kind.lower() in _REFUSED_RELATIONSHIPS:
                return True
    return False


def _markup_part(name: str, head: bytes) -> bool:
    lowered = name.lower()
    stripped = head.removeprefix(codecs.BOM_UTF8).lstrip()
    return (
        lowered.endswith((".xml", ".rels", ".rdf"))
        or stripped.startswith(b"<")
        or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    )


def _part_check(entry: zipfile.ZipInfo, part: IO[bytes]) -> None:
    head = part.read(HEAD_BYTES)
    # Nested containers (ZIP, PDF, OLE such as macros or embedded objects) could
    # hold pictures that this check would not see.
    if never_a_document(head) or svg(head) or head.startswith((ZIP, b"%PDF-", OLE2)):
        raise UnsupportedFileType(PICTURES_INSIDE)
    if not _markup_part(entry.filename, head):
        chunks = list(_part_chunks(part, head))
        if media_inside_chunks(chunks) or encoded_media_in(iter(chunks)):
            raise UnsupportedFileType(PICTURES_INSIDE)
        return
    # Markup: read it whole (the package is at most 50 MB expanded, checked from
    # its directory) and judge its text.
    text = b"".join(_as_utf8(_part_chunks(part, head), head))
    lowered = entry.filename.lower()
    declarations = lowered.endswith(".rels") or lowered in (
        "[content_types].xml",
        "meta-inf/manifest.xml",
    )
    if (
        media_inside_chunks([text])
        or encoded_media_in(iter([text]))
        or _markup_refers_to_a_picture(text)
        or (declarations and _package_declarations_refuse(text))
    ):
        raise UnsupportedFileType(PICTURES_INSIDE)


def _office_entries_check(archive: zipfile.ZipFile) -> None:
    """A document may carry its own text and structure, and nothing else."""
    for entry in archive.infolist():
        if entry.is_dir():
            continue
        if entry.flag_bits & 0x1:
            raise UnsupportedFileType(
                "This document is password-protected, so Tideline cannot check what it "
                "contains. Remove the password and attach it again."
            )
        if _media_entry(entry.filename):
            raise UnsupportedFileType(PICTURES_INSIDE)
        with archive.open(entry) as part:
            _part_check(entry, part)


def zip_document(file: IO[bytes]) -> DetectedDocument:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            # zipfile never expands an entry beyond its declared size, so checking the
            # declared sizes first refuses a bomb without decompressing it.
            if len(entries) > ZIP_MAX_ENTRIES or (
                sum(entry.file_size for entry in entries) > ZIP_MAX_UNCOMPRESSED_BYTES
            ):
                raise UnsupportedFileType(
                    "This file would expand to far more than any document does, so it is "
                    f"refused. {NEVER_STORED}"
                )
            kind = _office_kind(archive)
            _office_entries_check(archive)
            return kind
    except UnsupportedFileType:
        raise
    except Exception as exc:
        # A damaged or unreadable container (bad headers, unknown compression, zlib
        # errors, encryption) is refused as an archive, never a server error.
        raise refuse("an archive (ZIP) that cannot be opened as a document") from exc
