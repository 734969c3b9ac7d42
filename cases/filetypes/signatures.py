"""Signatures of what is never a document: images, video, audio, archives and
programs, found at the start of a file, anywhere inside decoded data, or encoded
as text (data: URIs, base64, hex)."""

import base64
import binascii
import codecs
import re
from collections.abc import Iterable, Iterator
from typing import IO

_CHUNK = 64 * 1024

# --- At the start of a file.

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


def never_a_document(head: bytes) -> str | None:
    """What the bytes look like, when they start as something Tideline never stores."""
    for prefix, looks_like in _PREFIXES:
        if head.startswith(prefix):
            return looks_like
    for check in _STRUCTURED:
        found = check(head)
        if found:
            return found
    return None


_SVG_ELEMENT = re.compile(rb"<svg[\s>/]", re.IGNORECASE)


def svg(head: bytes) -> bool:
    """SVG is text, but it is a picture: markup that draws one is refused."""
    text = head.removeprefix(codecs.BOM_UTF8).lstrip()
    return text.startswith(b"<") and _SVG_ELEMENT.search(text) is not None


# --- Anywhere inside data: a document's parts, a PDF's streams, a PDF's bytes.

# Only signatures long and specific enough never to occur by chance in compressed
# data, fonts or text (several fixed bytes each), so that a document is not refused
# for a coincidence: the two-byte starts above (gzip, JPEG XL) are checked only at
# the start of a file, and a JPEG only with the header every camera and editor
# writes after its first marker. Each is found by a fixed run of bytes in it (the
# anchor, searched for with bytes.find, which is fast) and then checked whole; a
# single regular expression over all of them would take seconds per megabyte.
_MEDIA_INSIDE: tuple[tuple[str, bytes, int, bytes], ...] = (
    # (what it is, anchor, where the anchor sits in it, the whole signature)
    ("an image (PNG)", b"\x89PNG\r\n\x1a\n", 0, rb"\x89PNG\r\n\x1a\n"),
    (
        "an image (JPEG)",
        b"\xff\xd8\xff",
        0,
        rb"\xff\xd8\xff(?:\xe0..JFIF\x00|\xe1..Exif\x00|\xdb\x00[\x43\x84]\x00"
        rb"|\xee\x00\x0eAdobe|\xe2..ICC_PROFILE|\xed..Photoshop)",
    ),
    ("an image (GIF)", b"GIF8", 0, rb"GIF8[79]a"),
    ("an image (WebP)", b"WEBPVP8", 8, rb"RIFF....WEBPVP8"),
    ("a video (AVI)", b"AVI LIST", 8, rb"RIFF....AVI LIST"),
    ("an audio recording (WAV)", b"WAVEfmt ", 8, rb"RIFF....WAVEfmt "),
    (
        "an image or video (HEIC, AVIF, MP4 or MOV)",
        b"ftyp",
        4,
        rb"\x00\x00\x00[\x0c-\xff]ftyp(?:hei[cxms]|hev[cx]|mif1|msf1|avi[fs]|isom|iso[2-9]"
        rb"|mp4[12]|avc1|qt  |M4[AV] |3gp[0-9]|3g2[a-z]|dash|crx )",
    ),
    ("an image (TIFF)", b"II*\x00", 0, rb"II\*\x00.\x00\x00\x00"),
    ("an image (TIFF)", b"MM\x00*", 0, rb"MM\x00\*\x00\x00\x00."),
    ("an image (JPEG 2000)", b"jP  \r\n\x87\n", 4, rb"\x00\x00\x00\x0cjP  \r\n\x87\n"),
    ("an image (JPEG 2000)", b"\xff\x4f\xff\x51\x00", 0, rb"\xff\x4f\xff\x51\x00"),
    ("an image (JPEG XL)", b"JXL \r\n\x87\n", 4, rb"\x00\x00\x00\x0cJXL \r\n\x87\n"),
    (
        "an image (BMP)",
        b"BM",
        0,
        rb"BM....\x00\x00\x00\x00....[\x0c\x28\x38\x40\x6c\x7c]\x00\x00\x00",
    ),
    ("an image (Photoshop)", b"8BPS\x00\x01", 0, rb"8BPS\x00\x01\x00\x00\x00\x00\x00\x00"),
    ("an image (WMF)", b"\xd7\xcd\xc6\x9a\x00\x00", 0, rb"\xd7\xcd\xc6\x9a\x00\x00"),
    ("an image (EMF)", b" EMF", 40, rb"\x01\x00\x00\x00.{36} EMF"),
    (
        "a video (Matroska or WebM)",
        b"\x1a\x45\xdf\xa3",
        0,
        rb"\x1a\x45\xdf\xa3.{1,8}?\x42\x86\x81\x01",
    ),
    ("a video (MPEG)", b"\x00\x00\x01\xba", 0, rb"\x00\x00\x01\xba[\x44\x21]"),
    ("a video (Flash FLV)", b"FLV\x01", 0, rb"FLV\x01[\x01\x04\x05]\x00\x00\x00\x09"),
    (
        "a video (Windows Media)",
        b"\x30\x26\xb2\x75\x8e\x66\xcf\x11",
        0,
        rb"\x30\x26\xb2\x75\x8e\x66\xcf\x11",
    ),
    ("a media file (Ogg)", b"OggS\x00", 0, rb"OggS\x00[\x00-\x07]"),
    ("an audio recording (FLAC)", b"fLaC\x00\x00\x00\x22", 0, rb"fLaC\x00\x00\x00\x22"),
    ("an archive (ZIP)", b"PK\x03\x04", 0, rb"PK\x03\x04[\x0a\x14\x2d]\x00"),
    (
        "an archive (gzip)",
        b"\x1f\x8b\x08",
        0,
        rb"\x1f\x8b\x08[\x00-\x1f]....[\x00\x02\x04][\x00-\x0d\xff]",
    ),
    ("an archive (7-Zip)", b"7z\xbc\xaf\x27\x1c", 0, rb"7z\xbc\xaf\x27\x1c"),
    ("an archive (RAR)", b"Rar!\x1a\x07", 0, rb"Rar!\x1a\x07"),
    ("an archive (xz)", b"\xfd7zXZ\x00", 0, rb"\xfd7zXZ\x00"),
    ("an archive (bzip2)", b"1AY&SY", 4, rb"BZh[1-9]1AY&SY"),
    ("an archive (Microsoft cabinet)", b"MSCF\x00\x00\x00\x00", 0, rb"MSCF\x00\x00\x00\x00"),
    (
        "an embedded Office file (OLE)",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        0,
        rb"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    ),
)
_MEDIA_INSIDE_CHECKS = tuple(
    (label, anchor, offset, re.compile(pattern, re.DOTALL))
    for label, anchor, offset, pattern in _MEDIA_INSIDE
)
_MEDIA_INSIDE_OVERLAP = 64  # longer than any signature above


def _found(data: bytes, anchor: bytes, offset: int, whole: re.Pattern[bytes]) -> bool:
    at = data.find(anchor)
    while at != -1:
        if at >= offset and whole.match(data, at - offset):
            return True
        at = data.find(anchor, at + 1)
    return False


def media_inside(data: bytes) -> str | None:
    """What media file is embedded somewhere in `data`, if any."""
    for label, anchor, offset, whole in _MEDIA_INSIDE_CHECKS:
        if _found(data, anchor, offset, whole):
            return label
    return None


def _first_byte(pattern: bytes) -> int:
    """The byte every match of a signature starts with (each starts with a fixed one)."""
    return int(pattern[2:4], 16) if pattern.startswith(b"\\x") else pattern[0]


_MEDIA_STARTING_WITH: dict[int, list[tuple[str, re.Pattern[bytes]]]] = {}
for _label, _anchor, _offset, _whole in _MEDIA_INSIDE_CHECKS:
    _MEDIA_STARTING_WITH.setdefault(_first_byte(_whole.pattern), []).append((_label, _whole))


def media_start(data: bytes) -> str | None:
    """What media file `data` starts with, by the signatures above."""
    for label, whole in _MEDIA_STARTING_WITH.get(data[0], []) if data else []:
        if whole.match(data):
            return label
    return None


def media_inside_chunks(chunks: Iterable[bytes]) -> str | None:
    tail = b""
    for chunk in chunks:
        window = tail + chunk
        looks_like = media_inside(window)
        if looks_like:
            return looks_like
        tail = window[-_MEDIA_INSIDE_OVERLAP:]
    return None


# --- Encoded as text.

# Pictures smuggled inside text: a data: URI, OpenDocument's inline binary data, a
# hex dump, or a long base64 run that starts as a JPEG, PNG, GIF, WebP or AVI file
# does. The run must start a base64 token, and each start is at least six
# characters long, so lists of base64 hashes (PhotoDNA, say) do not match by
# chance. Each is found by an anchor, like the signatures above, in the text
# lowered to ASCII lower case where case does not matter; each has a bounded
# length, so a chunked scan with a small overlap cannot miss one that straddles two
# chunks.
_ENCODED_MEDIA: tuple[tuple[bool, bytes, bytes], ...] = (
    # (in the lowered text, anchor, the whole pattern from the anchor)
    (True, b"data:", rb"data:(?:image|video|audio)/[a-z0-9.+-]{1,40}[;,]"),
    (False, b"<office:binary-data", rb"<office:binary-data"),
    *(
        (False, anchor, rb"(?<![A-Za-z0-9+/])" + pattern + rb"[A-Za-z0-9+/\r\n]{64}")
        for anchor, pattern in (
            (b"/9j/", rb"/9j/(?:4[AQ]|2w|7g)"),
            (b"iVBORw0KGgo", rb"iVBORw0KGgo"),
            (b"R0lGOD", rb"R0lGOD[dl]h"),
            (b"UklGR", rb"UklGR[A-Za-z0-9+/]{7}(?:RUJQ|Vkkg)"),
        )
    ),
    *(
        (True, anchor, rb"(?<![0-9a-f])" + pattern + rb"(?:\s?[0-9a-f]{2}){64}")
        for anchor, pattern in (
            (b"89504e47", rb"89504e470d0a1a0a"),
            (b"89 50 4e 47", rb"89 50 4e 47 0d 0a 1a 0a"),
            (b"ffd8ff", rb"ffd8ff(?:e[0-2]|db)"),
            (b"ff d8 ff", rb"ff d8 ff (?:e[0-2]|db)"),
            (b"47494638", rb"47494638[79]61"),
            (b"47 49 46 38", rb"47 49 46 38 [79]61"),
        )
    ),
)
_ENCODED_MEDIA_CHECKS = tuple(
    (lowered, anchor, re.compile(pattern)) for lowered, anchor, pattern in _ENCODED_MEDIA
)
# Any other run of 64 or more base64 characters (standard or URL-safe alphabet) is
# decoded from its start and refused if the bytes begin as a media file does; a run
# is where an encoder starts, so its first four characters are a whole group. Runs
# are found by mapping every base64 character to "A" and searching for 64 of them.
_BASE64_MAP = bytes(
    ord("A") if chr(n).isascii() and (chr(n).isalnum() or chr(n) in "+/-_\r\n") else ord(".")
    for n in range(256)
)
_RUN = b"A" * 64
_SCAN_OVERLAP = 256


def _base64_runs_with_media(window: bytes) -> bool:
    mapped = window.translate(_BASE64_MAP)
    at = mapped.find(_RUN)
    while at != -1:
        # A run includes its line breaks (MIME and PEM wrap base64 in lines), so a
        # block is decoded once, from its start.
        if at == 0 or mapped[at - 1 : at] != b"A":
            run = re.sub(rb"[\r\n]", b"", window[at : at + 192])[:64]
            run = run[: len(run) // 4 * 4].replace(b"-", b"+").replace(b"_", b"/")
            try:
                decoded = base64.b64decode(run, validate=True)
            except binascii.Error:
                decoded = b""
            if media_start(decoded):
                return True
        end = mapped.find(b".", at)
        if end == -1:
            return False
        at = mapped.find(_RUN, end)
    return False


def _encoded_media_in_window(window: bytes) -> bool:
    lowered = window.lower()
    for in_lowered, anchor, whole in _ENCODED_MEDIA_CHECKS:
        data = lowered if in_lowered else window
        at = data.find(anchor)
        while at != -1:
            if whole.match(data, at):
                return True
            at = data.find(anchor, at + 1)
    return _base64_runs_with_media(window)


def encoded_media_in(chunks: Iterable[bytes]) -> bool:
    tail = b""
    for chunk in chunks:
        window = tail + chunk
        if _encoded_media_in_window(window):
            return True
        tail = window[-_SCAN_OVERLAP:]
    return False


def chunks_of(file: IO[bytes], head: bytes = b"") -> Iterator[bytes]:
    """`head` and then the rest of `file`; with no head, all of `file` from its start."""
    if head:
        yield head
    else:
        file.seek(0)
    while chunk := file.read(_CHUNK):
        yield chunk
