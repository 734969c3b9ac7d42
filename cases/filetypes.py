"""What an uploaded file really is, judged from its bytes and never from its name
or the content type the client claims.

Tideline never stores abuse imagery (DESIGN.md, "The one rule above all others").
So an attachment must be a document (PDF, plain text, Word .docx or OpenDocument
.odt) and nothing else: images, video, archives and anything unrecognised are
refused, and so are documents that carry pictures inside them, because an image
inside a document is still an image.
"""

import codecs
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from common.errors import UnsupportedFileType

# The head the caller reads once and hands in: enough for every signature below
# (the deepest, ISO 9660's, sits at 32 KiB) and for the plain-text checks.
HEAD_BYTES = 64 * 1024

# A document is a small ZIP; beyond these limits it is a zip bomb or not a
# document, and is refused from its directory, without being decompressed.
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
TEXT = "text/plain; charset=utf-8"

ACCEPTED = "Tideline accepts PDF, plain text, Word (.docx) and OpenDocument text (.odt) only"
NEVER_STORED = (
    "Tideline never stores images, video or archives: describe material in the "
    "material summary instead, and attach documents only (PDF, plain text, "
    "Word .docx or OpenDocument text .odt)."
)
PICTURES_INSIDE = (
    "This document contains pictures, a preview image or embedded files. Images inside "
    "a document are still images, and Tideline never stores them. Remove the pictures, "
    'or export the document without them (with "Save preview image" turned off, or as '
    "a PDF of the text), and attach it again."
)

_CHUNK = 64 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class DetectedDocument:
    content_type: str
    label: str


def _refuse(looks_like: str) -> UnsupportedFileType:
    return UnsupportedFileType(f"This looks like {looks_like}. {NEVER_STORED}")


# --- Signatures of things that are never documents.

# Fixed prefixes. Each is binary, or long and odd enough, never to be how a text
# file starts ("BM", "MZ" and "ID3" could be, so they are checked more closely below).
_PREFIXES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "an image (JPEG)"),
    (b"\x89PNG\r\n\x1a\n", "an image (PNG)"),
    (b"GIF87a", "an image (GIF)"),
    (b"GIF89a", "an image (GIF)"),
    (b"II*\x00", "an image (TIFF)"),
    (b"MM\x00*", "an image (TIFF)"),
    (b"II+\x00", "an image (TIFF)"),
    (b"MM\x00+", "an image (TIFF)"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "an image (JPEG 2000)"),
    (b"\xff\x4f\xff\x51", "an image (JPEG 2000)"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "an image (JPEG XL)"),
    (b"\xff\x0a", "an image (JPEG XL)"),
    (b"\x00\x00\x01\x00", "an image (icon)"),
    (b"8BPS\x00\x01", "an image (Photoshop)"),
    (b"\xd7\xcd\xc6\x9a", "an image (WMF)"),
    (b"VCLMTF", "an image (StarView metafile)"),
    (b"\x1a\x45\xdf\xa3", "a video (Matroska or WebM)"),
    (b"\x00\x00\x01\xba", "a video (MPEG)"),
    (b"\x00\x00\x01\xb3", "a video (MPEG)"),
    (b"FLV\x01", "a video (Flash FLV)"),
    (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", "a video (Windows Media)"),
    (b"OggS\x00", "a media file (Ogg)"),
    (b"fLaC\x00", "an audio recording (FLAC)"),
    (b"fLaC\x80", "an audio recording (FLAC)"),
    (b"ID3\x02\x00", "an audio recording (MP3)"),
    (b"ID3\x03\x00", "an audio recording (MP3)"),
    (b"ID3\x04\x00", "an audio recording (MP3)"),
    (b"\x1f\x8b", "an archive (gzip)"),
    (b"\xfd7zXZ\x00", "an archive (xz)"),
    (b"7z\xbc\xaf\x27\x1c", "an archive (7-Zip)"),
    (b"Rar!\x1a\x07", "an archive (RAR)"),
    (b"\x28\xb5\x2f\xfd", "an archive (Zstandard)"),
    (b"LZIP\x01", "an archive (lzip)"),
    (b"MSCF\x00\x00\x00\x00", "an archive (Microsoft cabinet)"),
    (b"!<arch>\n", "an archive (ar)"),
    (b"PK\x05\x06", "an archive (ZIP)"),
    (b"PK\x07\x08", "an archive (ZIP)"),
    (b"\x7fELF", "a program (ELF executable)"),
)


def _riff(head: bytes) -> str | None:
    if not head.startswith(b"RIFF") or len(head) < 12:
        return None
    kind = head[8:12]
    if kind == b"WEBP":
        return "an image (WebP)"
    if kind.startswith(b"AVI"):
        return "a video (AVI)"
    if kind == b"WAVE":
        return "an audio recording (WAV)"
    # Any other RIFF, unless it is text that happens to start "RIFF": a real one
    # under 16 MB has a zero high byte in its little-endian size.
    return "a media file (RIFF)" if head[7] == 0 else None


_ISO_BMFF_IMAGE_BRANDS = {
    b"heic": "HEIC",
    b"heix": "HEIC",
    b"heim": "HEIC",
    b"heis": "HEIC",
    b"hevc": "HEIC",
    b"hevx": "HEIC",
    b"mif1": "HEIF",
    b"msf1": "HEIF",
    b"avif": "AVIF",
    b"avis": "AVIF",
}


def _iso_bmff(head: bytes) -> str | None:
    """MP4, MOV, HEIC and AVIF all start with a box of type `ftyp` at offset 4, whose
    size (a small big-endian number) comes first."""
    if head[4:8] != b"ftyp" or not head.startswith(b"\x00\x00"):
        return None
    brand = head[8:12]
    if brand in _ISO_BMFF_IMAGE_BRANDS:
        return f"an image ({_ISO_BMFF_IMAGE_BRANDS[brand]})"
    if brand == b"qt  ":
        return "a video (QuickTime MOV)"
    if brand.startswith(b"3g"):
        return "a video (3GP)"
    if brand.startswith(b"M4A"):
        return "an audio recording (M4A)"
    return "a video (MP4)"


def _bmp(head: bytes) -> str | None:
    # A real bitmap has four reserved zero bytes after its size.
    if head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00":
        return "an image (BMP)"
    return None


def _bzip2(head: bytes) -> str | None:
    if re.match(rb"BZh[1-9]1AY&SY", head):
        return "an archive (bzip2)"
    return None


def _tar(head: bytes) -> str | None:
    if head[257:263] in (b"ustar\x00", b"ustar "):
        return "an archive (tar)"
    return None


def _iso9660(head: bytes) -> str | None:
    if head[32769:32774] == b"CD001":
        return "a disc image (ISO)"
    return None


def _emf(head: bytes) -> str | None:
    if head.startswith(b"\x01\x00\x00\x00") and head[40:44] == b" EMF":
        return "an image (EMF)"
    return None


def _windows_program(head: bytes) -> str | None:
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        return "a program (Windows executable)"
    return None


_STRUCTURED = (_riff, _iso_bmff, _bmp, _bzip2, _tar, _iso9660, _emf, _windows_program)


def _never_a_document(head: bytes) -> str | None:
    """What the bytes look like, when that is something Tideline never stores."""
    for prefix, looks_like in _PREFIXES:
        if head.startswith(prefix):
            return looks_like
    for check in _STRUCTURED:
        looks_like = check(head)
        if looks_like:
            return looks_like
    return None


_SVG_ELEMENT = re.compile(rb"<svg[\s>/]", re.IGNORECASE)


def _svg(head: bytes) -> bool:
    """SVG is text, but it is a picture: markup that draws one is refused."""
    text = head.removeprefix(codecs.BOM_UTF8).lstrip()
    return text.startswith(b"<") and _SVG_ELEMENT.search(text) is not None


# Pictures smuggled inside text: a data: URI, OpenDocument's inline binary data, or
# a long base64 run that starts as a JPEG, PNG, GIF, WebP or AVI file does. The
# run must start a base64 token, and each start is at least six characters long,
# so lists of base64 hashes (PhotoDNA, say) do not match by chance. Each pattern
# has a bounded length, so a chunked scan with a small overlap cannot miss one
# that straddles two chunks.
_ENCODED_MEDIA = re.compile(
    rb"(?i:data:(?:image|video)/[a-z0-9.+-]{1,40};base64,)"
    rb"|<office:binary-data"
    rb"|(?<![A-Za-z0-9+/])"
    rb"(?:/9j/(?:4[AQ]|2w|7g)|iVBORw0KGgo|R0lGOD[dl]h|UklGR[A-Za-z0-9+/]{7}(?:RUJQ|Vkkg))"
    rb"[A-Za-z0-9+/\r\n]{64}"
)
_SCAN_OVERLAP = 256


def _encoded_media_in(chunks: Iterator[bytes]) -> bool:
    tail = b""
    for chunk in chunks:
        window = tail + chunk
        if _ENCODED_MEDIA.search(window):
            return True
        tail = window[-_SCAN_OVERLAP:]
    return False


def _chunks(file: IO[bytes], head: bytes = b"") -> Iterator[bytes]:
    """`head` and then the rest of `file`; with no head, all of `file` from its start."""
    if head:
        yield head
    else:
        file.seek(0)
    while chunk := file.read(_CHUNK):
        yield chunk


# --- Office documents (ZIP containers).

# Where Word and OpenDocument keep pictures, embedded objects and page previews.
_MEDIA_FOLDERS = {"media", "embeddings", "pictures", "objectreplacements", "thumbnails"}


def _media_entry(name: str) -> bool:
    lowered = name.lower()
    folders = lowered.split("/")[:-1]
    return any(folder in _MEDIA_FOLDERS for folder in folders) or lowered.startswith(
        "docprops/thumbnail"
    )


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
    raise _refuse("an archive (ZIP)")


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
            head = part.read(HEAD_BYTES)
            # Nested containers (ZIP, PDF, OLE such as macros or embedded objects)
            # could hold pictures that this check would not see.
            if (
                _never_a_document(head)
                or _svg(head)
                or head.startswith((_ZIP, b"%PDF-", _OLE2))
                or _encoded_media_in(_chunks(part, head))
            ):
                raise UnsupportedFileType(PICTURES_INSIDE)


def _zip_document(file: IO[bytes]) -> DetectedDocument:
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
        raise _refuse("an archive (ZIP) that cannot be opened as a document") from exc


# --- Everything else.


def _utf8_without_nul(file: IO[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        for chunk in _chunks(file):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def document_kind_detect(head: bytes, file: IO[bytes]) -> DetectedDocument:
    """The document type of an upload, or UnsupportedFileType with a message that
    says what the file looks like. `head` is the first HEAD_BYTES of `file`, which
    must be seekable; it is left at its start."""
    try:
        return _detect(head, file)
    finally:
        file.seek(0)


def _detect(head: bytes, file: IO[bytes]) -> DetectedDocument:
    looks_like = _never_a_document(head)
    if looks_like:
        raise _refuse(looks_like)

    if head.startswith(b"%PDF-"):
        # A PDF with a ZIP glued to its end opens as either, and the archive could
        # carry anything.
        file.seek(0)
        if zipfile.is_zipfile(file):
            raise _refuse("a PDF with an archive hidden inside it")
        return DetectedDocument(PDF, "PDF")

    if head.startswith(_ZIP):
        return _zip_document(file)

    if head.startswith(_OLE2):
        # A deliberate decision: legacy binary Office files (.doc and the like) are OLE
        # containers that can hold embedded pictures and objects Tideline cannot
        # inspect, so they are refused rather than trusted.
        raise UnsupportedFileType(
            "This looks like an older Microsoft Office file (such as .doc). These can hold "
            "embedded pictures that Tideline cannot check. Save it as a Word document "
            "(.docx) without pictures, or as a PDF, and attach it again."
        )

    if head.removeprefix(codecs.BOM_UTF8).startswith(b"{\\rtf"):
        # Also deliberate: Rich Text Format is text, but it carries pictures as hex in
        # its \pict groups; like .doc it is refused rather than half-inspected.
        raise UnsupportedFileType(
            "This looks like a Rich Text Format (.rtf) file, which can hold embedded "
            "pictures. Save it as a Word document (.docx) without pictures, or as a PDF, "
            "and attach it again."
        )

    if b"\x00" not in head and _utf8_without_nul(file):
        if _svg(head):
            raise _refuse("an image (SVG)")
        if _encoded_media_in(_chunks(file)):
            raise UnsupportedFileType(
                f"This text contains an encoded picture or video (such as base64 image "
                f"data). {NEVER_STORED}"
            )
        return DetectedDocument(TEXT, "Plain text")

    raise UnsupportedFileType(
        f"Tideline could not recognise this file. {ACCEPTED}; images, video and archives "
        "are never stored."
    )
