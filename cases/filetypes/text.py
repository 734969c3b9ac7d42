"""Plain text: UTF-8 without NUL bytes, and not a picture written as text (SVG
markup, a data: URI, base64 or a hex dump of a media file)."""

import codecs
import re
from typing import IO

from cases.filetypes.kinds import NEVER_STORED, TEXT, DetectedDocument, refuse
from cases.filetypes.signatures import chunks_of, encoded_media_in, svg
from common.errors import UnsupportedFileType

# A drawing anywhere in the text, such as an HTML page with an inline <svg>.
_SVG_ANYWHERE = re.compile(rb"<svg[\s>/]", re.IGNORECASE)
_SCAN_OVERLAP = 16


def _utf8_without_nul(file: IO[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        for chunk in chunks_of(file):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _drawing_inside(file: IO[bytes]) -> bool:
    tail = b""
    for chunk in chunks_of(file):
        window = tail + chunk
        if _SVG_ANYWHERE.search(window):
            return True
        tail = window[-_SCAN_OVERLAP:]
    return False


def text_document(head: bytes, file: IO[bytes]) -> DetectedDocument | None:
    """Plain text, or None when the bytes are not text at all."""
    if b"\x00" in head or not _utf8_without_nul(file):
        return None
    if svg(head):
        raise refuse("an image (SVG)")
    if encoded_media_in(chunks_of(file)) or _drawing_inside(file):
        raise UnsupportedFileType(
            f"This text contains an encoded picture or video (such as base64 image "
            f"data, or a drawing in SVG). {NEVER_STORED}"
        )
    return DetectedDocument(TEXT, "Plain text")
