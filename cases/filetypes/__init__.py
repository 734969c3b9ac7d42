"""What an uploaded file really is, judged from its bytes and never from its name
or the content type the client claims.

Tideline never stores abuse imagery (DESIGN.md, "The one rule above all others").
So an attachment must be a document (PDF, plain text, Word .docx or OpenDocument
.odt) and nothing else: images, video, archives and anything unrecognised are
refused, and so are documents that carry pictures inside them, because an image
inside a document is still an image.

`document_kind_detect` is the one entry point: every upload in Tideline, whatever
it is attached to, is judged by it.

- kinds.py: the accepted types and the messages of a refusal;
- signatures.py: what images, video, audio and archives look like, at the start of
  a file, inside data, or encoded as text;
- pdf.py and pdf_objects.py: PDFs, parsed with qpdf and judged object by object;
- office.py: Word and OpenDocument packages, judged part by part;
- text.py: plain text.
"""

import codecs
from typing import IO

from cases.filetypes.kinds import (
    ACCEPTED,
    DOCX,
    HEAD_BYTES,
    NEVER_STORED,
    ODT,
    PDF,
    PICTURES_INSIDE,
    TEXT,
    DetectedDocument,
    refuse,
)
from cases.filetypes.office import (
    OLE2,
    ZIP,
    ZIP_MAX_ENTRIES,
    ZIP_MAX_UNCOMPRESSED_BYTES,
    zip_document,
)
from cases.filetypes.pdf import pdf_document
from cases.filetypes.signatures import never_a_document
from cases.filetypes.text import text_document
from common.errors import UnsupportedFileType

__all__ = [
    "ACCEPTED",
    "DOCX",
    "HEAD_BYTES",
    "NEVER_STORED",
    "ODT",
    "PDF",
    "PICTURES_INSIDE",
    "TEXT",
    "ZIP_MAX_ENTRIES",
    "ZIP_MAX_UNCOMPRESSED_BYTES",
    "DetectedDocument",
    "document_kind_detect",
]


def document_kind_detect(head: bytes, file: IO[bytes]) -> DetectedDocument:
    """The document type of an upload, or UnsupportedFileType with a message that
    says what the file is or carries and why it is refused. `head` is the first
    HEAD_BYTES of `file`, which must be seekable; it is left at its start."""
    try:
        return _detect(head, file)
    finally:
        file.seek(0)


def _detect(head: bytes, file: IO[bytes]) -> DetectedDocument:
    looks_like = never_a_document(head)
    if looks_like:
        raise refuse(looks_like)

    if head.startswith(b"%PDF-"):
        return pdf_document(file)

    if head.startswith(ZIP):
        return zip_document(file)

    if head.startswith(OLE2):
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

    detected = text_document(head, file)
    if detected:
        return detected

    raise UnsupportedFileType(
        f"Tideline could not recognise this file. {ACCEPTED}; images, video and archives "
        "are never stored."
    )
