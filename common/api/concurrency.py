"""Optimistic concurrency: every editable resource has an integer `version`, sent
as its ETag; an edit must send it back in If-Match.

The view parses the header (`expected_version`); the service locks the row and
compares (`version_check`), so the check and the write are one transaction."""

import re

from django.db.models import Model

from common.errors import PreconditionFailed, PreconditionRequired

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


def etag_for(version: int) -> str:
    return f'"{version}"'


def expected_version(request) -> int:
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired()
    match = _ETAG.match(header)
    if not match:
        # An ETag Tideline never issued cannot match the current version.
        raise PreconditionFailed(current_version=-1)
    return int(match.group(1))


def version_check(locked: Model, expected: int) -> None:
    """`locked` must have been read with select_for_update()."""
    if locked.version != expected:
        raise PreconditionFailed(current_version=locked.version)


class ETagMixin:
    """Adds the ETag of a single-object response."""

    def with_etag(self, response, version: int):
        response["ETag"] = etag_for(version)
        return response
