"""Domain errors that services raise. The API and the pages each turn them into
the status codes of the design: 404, 409, 412, 428, 422, 413, 415."""

from django.core.exceptions import ValidationError

__all__ = [
    "AccessDenied",
    "FileTooLarge",
    "IdempotencyKeyMismatch",
    "InvalidState",
    "NotFound",
    "PreconditionFailed",
    "PreconditionRequired",
    "UnsupportedFileType",
    "ValidationError",
]


class AccessDenied(Exception):
    """The access policy (agencies/access.py's `require`) refused an action. The API
    answers 404 for objects, 403 for collections."""

    def __init__(self, action: str) -> None:
        super().__init__(f"Not allowed: {action}")
        self.action = action


class NotFound(Exception):
    """Does not exist, or is outside the caller's scope: the two are never told apart."""

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)
        self.message = message


class InvalidState(Exception):
    """The action is not allowed in the record's current state (409). `details`
    adds what the caller needs to act on it (the open duties that stop a case
    closing), as more keys of the error body."""

    def __init__(self, message: str, *, state: str, details: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.state = state
        self.details = details or {}


class PreconditionRequired(Exception):
    """An edit arrived without If-Match, or with `If-Match: *` (428)."""

    message = "This change needs an If-Match header with the version you last read."
    any_version_message = (
        'If-Match must name the version you last read, such as "3": `*` is not accepted, '
        "as it would overwrite changes you have not seen."
    )

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class PreconditionFailed(Exception):
    """An edit was based on a stale version (412)."""

    def __init__(self, *, current_version: int) -> None:
        super().__init__(f"Stale version; the current version is {current_version}.")
        self.current_version = current_version
        self.message = (
            "Someone else has changed this record since you read it "
            f"(it is now at version {current_version}). Reload it and make your change again."
        )


class IdempotencyKeyMismatch(Exception):
    """The same Idempotency-Key was sent with a different request (422)."""

    message = (
        "This Idempotency-Key was already used with a different request. "
        "Use a new key for a new request."
    )


class UnsupportedFileType(Exception):
    """An upload whose content is not an accepted document type (415)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FileTooLarge(Exception):
    """An upload over the size limit (413)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
