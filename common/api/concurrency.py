"""Optimistic concurrency: every editable resource has an integer `version`, sent
as its ETag; an edit must send it back in If-Match.

The view parses the header (`expected_version`); the service locks the row and
compares (`version_check`), so the check and the write are one transaction.

`If-Match: *` is refused with 428 like a missing header. RFC 9110 lets `*` match any
current version, which would make the edit unconditional: exactly the lost update
If-Match is here to prevent. A header that is not a Tideline ETag at all is a
malformed request (400 naming If-Match), not a stale one."""

import re

from django.db.models import Model
from rest_framework.exceptions import ValidationError

from common.errors import PreconditionFailed, PreconditionRequired

ETAG_PATTERN = r'^\s*(?:W/)?"?(\d+)"?\s*$'
_ETAG = re.compile(ETAG_PATTERN)
ETAG_FORMAT_MESSAGE = 'Send the ETag of the version you last read, such as "3".'


def etag_for(version: int) -> str:
    return f'"{version}"'


def expected_version(request) -> int:
    header = request.headers.get("If-Match")
    if not header or not header.strip():
        raise PreconditionRequired()
    if header.strip() == "*":
        raise PreconditionRequired(PreconditionRequired.any_version_message)
    match = _ETAG.match(header)
    if not match:
        raise ValidationError({"If-Match": [ETAG_FORMAT_MESSAGE]})
    return int(match.group(1))


def expected_version_if_sent(request) -> int | None:
    """For a change whose If-Match is optional: None when the header is not sent; sent,
    it is read as `expected_version` reads it (empty or `*`: 428; malformed: 400)."""
    if "If-Match" not in request.headers:
        return None
    return expected_version(request)


def version_check(locked: Model, expected: int) -> None:
    """`locked` must have been read with select_for_update()."""
    current: int = locked.version  # type: ignore[attr-defined]  # every versioned model has it
    if current != expected:
        raise PreconditionFailed(current_version=current)


class ETagMixin:
    """Adds the ETag of a single-object response."""

    def with_etag(self, response, version: int):
        response["ETag"] = etag_for(version)
        return response
