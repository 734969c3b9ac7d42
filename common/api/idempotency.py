"""Retry-safe creates. A POST sent with an `Idempotency-Key` header creates at most
once: the same key with the same body replays the first response; the same key
with a different body answers 422.

The record of the key is inserted in the same transaction as the create, so a
concurrent duplicate waits on the unique index and then replays."""

import functools
import hashlib
import json

from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from common.errors import IdempotencyKeyMismatch
from common.models import IdempotencyRecord
from common.services import idempotency_record_begin, idempotency_record_find

HEADER = "Idempotency-Key"
# The length of IdempotencyRecord.key: a longer key is refused, never cut short, since
# two keys that differ only after the cut would otherwise replay each other.
MAX_KEY_LENGTH = 255
_REPLAYED_HEADERS = ("Location", "ETag")


def _fingerprint(request) -> str:
    """The request's identity: method, path and body, with each uploaded file
    stood for by the hash of its content (not its name)."""
    data = request.data
    files = getattr(request, "FILES", None)
    if files:
        data = {key: value for key, value in data.items() if key not in files}
        for key, upload in files.items():
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            data[key] = f"sha256:{digest.hexdigest()}"
    body = json.dumps(data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_fingerprint != fingerprint:
        raise IdempotencyKeyMismatch()
    response = Response(record.response_body, status=record.response_status)
    for name, value in record.response_headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent_create(view_method):
    """Decorate an APIView's `post`. Only successful responses are kept: a refused
    create can be corrected and retried with the same key."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return view_method(self, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            raise ValidationError(
                {HEADER: [f"The {HEADER} header must be at most {MAX_KEY_LENGTH} characters."]}
            )
        fingerprint = _fingerprint(request)
        existing = idempotency_record_find(user=request.user, key=key)
        if existing is not None:
            return _replay(existing, fingerprint)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = idempotency_record_begin(
                        user=request.user, key=key, fingerprint=fingerprint
                    )
            except IntegrityError:
                # Another request with this key committed first: answer as it did.
                return _replay(idempotency_record_find(user=request.user, key=key), fingerprint)
            response = view_method(self, request, *args, **kwargs)
            if not 200 <= response.status_code < 300:
                transaction.set_rollback(True)
                return response
            record.response_status = response.status_code
            body = json.loads(json.dumps(response.data, default=str))
            # A secret shown once (an enrolment link) is not kept for a replay, which
            # answers null in its place.
            for name in getattr(self, "idempotency_unkept_fields", ()):
                if isinstance(body, dict) and name in body:
                    body[name] = None
            record.response_body = body
            record.response_headers = {
                name: response[name] for name in _REPLAYED_HEADERS if name in response
            }
            record.save(update_fields=["response_status", "response_body", "response_headers"])
            return response

    return wrapper
