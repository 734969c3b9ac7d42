"""PDF: judged by parsing it with qpdf (through pikepdf), never by its first bytes.

A PDF is accepted only when every object it holds passes (cases/filetypes/
pdf_objects.py). The file's bytes are judged, not only what a viewer would show:

- Nothing but whitespace may follow the last %%EOF: bytes there are no part of the
  document and could be any file.
- An incremental update (a later save appended to the file: an edit, a form fill,
  a signature) leaves the objects it replaced in the bytes, where any reader of
  the stored file can still find them. So every save in the file is judged on its
  own: each part ending at an %%EOF is copied into a PDF of its own in which qpdf
  finds every object written in it, whether a cross-reference table lists it or
  not, and every object is judged. An update that adds a picture, an attachment or
  JavaScript is refused as if the file had been saved with it, and so is an update
  that removed one. A clean update (a changed title, a signature with no picture)
  passes. A linearized ("fast web view") file's first-page section is one such part.
- An object number written twice within one save is refused: a reader would see
  only one of the two.
- The raw bytes are searched for media files and encoded pictures too, for data
  that sits between objects, where no parser looks.
"""

import re
import zipfile
from collections import Counter
from typing import IO

from cases.filetypes.kinds import PDF, DetectedDocument, refuse
from cases.filetypes.pdf_objects import PdfJudge
from cases.filetypes.pdf_parse import (
    PDF_UNREADABLE,
    PDF_WHITESPACE,
    damaged,
    hidden_media,
    object_headers,
    pdf_opened,
    standalone,
    too_complex,
)
from cases.filetypes.signatures import encoded_media_in, media_inside
from common.errors import UnsupportedFileType

MAX_PAGES = 5_000
# More saves than any genuine document has had appended (a linearized file counts
# two); each is parsed and judged, so the number bounds the work.
MAX_SAVES = 12

_END_OF_FILE = re.compile(rb"%%EOF(?:\r\n|\r|\n)?")

DATA_AFTER_END = (
    "This PDF has data after its end (after its last %%EOF marker). Such data is no "
    "part of the document and can hide any other file, so Tideline does not store it. "
    "Save or print it to a new PDF and attach it again."
)


def _data_after_end_check(data: bytes) -> None:
    last = data.rfind(b"%%EOF")
    if last != -1 and data[last + len(b"%%EOF") :].strip(PDF_WHITESPACE):
        raise UnsupportedFileType(DATA_AFTER_END)


def _saves(data: bytes) -> list[bytes]:
    """The file cut at each %%EOF: the original save, then each update appended."""
    ends = [match.end() for match in _END_OF_FILE.finditer(data)]
    if not ends:
        raise UnsupportedFileType(PDF_UNREADABLE)
    if len(ends) > MAX_SAVES:
        raise too_complex(f"it has been changed and saved over itself {len(ends) - 1} times")
    starts = [0, *ends[:-1]]
    return [data[start:end] for start, end in zip(starts, ends, strict=True)]


def _objects_written_twice(save: bytes) -> bool:
    headers = Counter((number, generation) for _, number, generation in object_headers(save))
    return any(count > 1 for count in headers.values())


def pdf_document(file: IO[bytes]) -> DetectedDocument:
    # A PDF with a ZIP glued to its end opens as either, and the archive could
    # carry anything.
    file.seek(0)
    if zipfile.is_zipfile(file):
        raise refuse("a PDF with an archive hidden inside it")
    file.seek(0)
    data = file.read()

    _data_after_end_check(data)
    looks_like = media_inside(data)
    if looks_like:
        raise hidden_media(looks_like)
    if encoded_media_in([data]):
        raise hidden_media("an encoded picture or video (such as base64 image data)")
    saves = _saves(data)

    judge = PdfJudge()
    # What a viewer shows: the file as its last save left it, which must open, and
    # the streams its pages draw with.
    with pdf_opened(data) as pdf:
        try:
            if len(pdf.pages) > MAX_PAGES:
                raise too_complex(f"more than {MAX_PAGES:,} pages")
            judge.page_contents_note(pdf)
        except (RuntimeError, ValueError) as exc:
            raise UnsupportedFileType(PDF_UNREADABLE) from exc
    # Everything written in the bytes, one save at a time.
    for save in saves:
        if _objects_written_twice(save):
            raise damaged()
        copy, written = standalone(save)
        with pdf_opened(copy) as pdf:
            judge.judge(pdf, written=written)
    return DetectedDocument(PDF, "PDF")
