"""A stored document as a download, for the API and the pages of every app alike."""

from django.core.files import File
from django.http import FileResponse


def attachment_response(stored: "File[bytes]", *, filename: str, content_type: str) -> FileResponse:
    """The bytes, always as an attachment with the type detected at upload: never
    rendered by the browser, never sniffed into something else, never kept."""
    response = FileResponse(
        stored, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response
