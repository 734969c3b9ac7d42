"""The accepted document types, what a judge answers, and the messages a refused
upload is given. Every message says what the file is or carries, and why Tideline
refuses it; most also say how to attach the document instead."""

from dataclasses import dataclass

from common.errors import UnsupportedFileType

# The head the caller reads once and hands in: enough for every signature (the
# deepest, ISO 9660's, sits at 32 KiB) and for the plain-text checks.
HEAD_BYTES = 64 * 1024

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


@dataclass(frozen=True)
class DetectedDocument:
    content_type: str
    label: str


def refuse(looks_like: str) -> UnsupportedFileType:
    return UnsupportedFileType(f"This looks like {looks_like}. {NEVER_STORED}")
