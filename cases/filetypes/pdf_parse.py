"""Opening a PDF with qpdf, and the messages of a refused PDF. Also the standalone
copy of part of a file, in which qpdf sees every object written in those bytes."""

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise

import pikepdf

from cases.filetypes.kinds import NEVER_STORED
from common.errors import UnsupportedFileType

_FIX = "Save or print it to a new PDF of the text only, and attach it again."
PDF_PICTURES = (
    "This PDF contains {what}. Images inside a document are still images, and Tideline "
    "never stores them. Remove the pictures, or save the document as a PDF of its text "
    "only, and attach it again."
)
PDF_ATTACHMENTS = (
    "This PDF has {what}. Tideline cannot check what attached or linked files contain, "
    "so it never stores them. Remove the attachments, or save a copy without them, and "
    "attach it again."
)
PDF_ACTIVE = (
    "This PDF contains {what}, which can run code or show content that is not on its "
    f"pages, so Tideline cannot check it. {_FIX}"
)
PDF_UNREADABLE = (
    "This is not a readable PDF: it starts like one but cannot be read as one, so "
    f"Tideline cannot check what it contains. {_FIX}"
)
PDF_DAMAGED = (
    "This PDF has damaged or unusually encoded parts that Tideline cannot read, so it "
    f"cannot check what they contain. {_FIX}"
)
PDF_ENCRYPTED = (
    "This PDF is encrypted or password-protected, so Tideline cannot check what it "
    "contains. Remove the password and attach it again."
)
PDF_TOO_COMPLEX = (
    "This PDF is too large or complex for Tideline to check ({what}). Split it into "
    "smaller documents, or save or print it to a new PDF, and attach it again."
)


def pictures(what: str) -> UnsupportedFileType:
    return UnsupportedFileType(PDF_PICTURES.format(what=what))


def hidden_media(looks_like: str) -> UnsupportedFileType:
    return UnsupportedFileType(
        f"This PDF has {looks_like} hidden inside it. Images inside a document are still "
        f"images: {NEVER_STORED}"
    )


def too_complex(what: str) -> UnsupportedFileType:
    return UnsupportedFileType(PDF_TOO_COMPLEX.format(what=what))


def damaged() -> UnsupportedFileType:
    return UnsupportedFileType(PDF_DAMAGED)


# PDF whitespace, which alone may follow a file's last %%EOF.
PDF_WHITESPACE = b"\x00\t\n\x0c\r "


@contextmanager
def pdf_opened(data: bytes) -> Iterator[pikepdf.Pdf]:
    """`data` parsed by qpdf, or the refusal that says why it cannot be."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise UnsupportedFileType(PDF_ENCRYPTED) from exc
    except (pikepdf.PdfError, RuntimeError, ValueError, OverflowError) as exc:
        raise UnsupportedFileType(PDF_UNREADABLE) from exc
    try:
        if pdf.is_encrypted:
            raise UnsupportedFileType(PDF_ENCRYPTED)
        yield pdf
    finally:
        pdf.close()


_WHITESPACE = frozenset(PDF_WHITESPACE)
_DIGITS = frozenset(b"0123456789")
_REGULAR = frozenset(range(33, 127)) - frozenset(b"()<>[]{}/%")
_OBJ = re.compile(rb"obj")
# The largest object number PDF allows. qpdf believes an object number only when the
# file is at least three bytes long for each number below it, so the copy is padded.
MAX_OBJECT_NUMBER = 8_388_607
MAX_PADDING = 8 * 1024 * 1024


def _run_start(data: bytes, end: int, kind: frozenset[int]) -> int:
    start = end
    while start > 0 and data[start - 1] in kind:
        start -= 1
    return start


def object_headers(data: bytes) -> list[tuple[int, int, int]]:
    """Where "N G obj" is written in `data` (where a viewer rebuilding a damaged
    file would find an object), as (offset, number, generation). Found from each
    "obj" keyword backwards, which is fast, and whatever whitespace separates the
    numbers."""
    headers = []
    for match in _OBJ.finditer(data):
        at = match.start()
        if at + 3 < len(data) and data[at + 3] in _REGULAR:
            continue
        generation_end = _run_start(data, at, _WHITESPACE)
        generation_start = _run_start(data, generation_end, _DIGITS)
        number_end = _run_start(data, generation_start, _WHITESPACE)
        number_start = _run_start(data, number_end, _DIGITS)
        if at > generation_end > generation_start > number_end > number_start and (
            number_start == 0 or data[number_start - 1] not in _REGULAR
        ):
            headers.append(
                (
                    number_start,
                    int(data[number_start:number_end]),
                    int(data[generation_start:generation_end]),
                )
            )
    return headers


def standalone(objects: bytes) -> tuple[bytes, set[int]]:
    """A PDF that holds `objects` (bytes with "N G obj ... endobj" in them) and a
    catalog of its own, and the object numbers written in those bytes.

    qpdf, rebuilding the cross-reference table of this copy, finds every object
    written in the bytes, whether any cross-reference table of the original file
    listed it or not: each header is put at the start of a line (the only place qpdf
    looks), the original trailers are hidden so that the copy's own is used, and the
    copy is long enough for qpdf to believe the largest object number. The caller
    checks that qpdf found every number."""
    headers = object_headers(objects)
    numbers = {number for _, number, _ in headers}
    largest = max(numbers, default=0)
    if largest > MAX_OBJECT_NUMBER:
        raise damaged()
    cuts = [0, *(offset for offset, _, _ in headers), len(objects)]
    body = b"\n".join(objects[start:end] for start, end in pairwise(cuts))
    body = body.replace(b"trailer", b"%railer")
    root = largest + 1
    pages, page = root + 1, root + 2
    parts = [
        b"%PDF-1.7\n",
        body,
        b"\n%d 0 obj\n<< /Type /Catalog /Pages %d 0 R >>\nendobj\n" % (root, pages),
        b"%d 0 obj\n<< /Type /Pages /Kids [%d 0 R] /Count 1 >>\nendobj\n" % (pages, page),
        b"%d 0 obj\n<< /Type /Page /Parent %d 0 R /MediaBox [0 0 1 1] >>\nendobj\n" % (page, pages),
    ]
    padding = 3 * (page + 1) + 256 - sum(len(part) for part in parts)
    if padding > MAX_PADDING:
        raise too_complex("its objects are numbered far beyond their count")
    if padding > 0:
        parts.append(b"%" + b" " * padding + b"\n")
    parts.append(
        b"trailer\n<< /Root %d 0 R /Size %d >>\nstartxref\n0\n%%%%EOF\n" % (root, page + 1)
    )
    return b"".join(parts), numbers
