"""Django's limits on what a request may send, answered in the API's error shape:
413 with the limit that was passed, never Django's HTML 400."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def body_too_large() -> dict:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return {
        "detail": f"The request body must be {_megabytes(limit)} or smaller.",
        "max_bytes": limit,
    }


def limit_error(exc: Exception) -> dict | None:
    """The 413 body for a request past one of Django's limits, or None when `exc` is
    not one of them."""
    if isinstance(exc, RequestDataTooBig):
        return body_too_large()
    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return {"detail": f"The request must have {limit} fields or fewer.", "max_fields": limit}
    if isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return {"detail": f"The request must have {limit} files or fewer.", "max_files": limit}
    return None


def body_discard(request) -> None:
    """Read and throw away whatever the client sent that nobody read. A server that
    answers early and closes the connection with unread bytes still in it makes the
    client's side see a reset instead of the answer. Bounded by the Content-Length
    the client declared (Django reads no further)."""
    try:
        while request.read(64 * 1024):
            pass
    except Exception:  # noqa: S110 - the client went away: nobody is left to answer
        pass
