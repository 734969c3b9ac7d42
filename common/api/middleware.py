"""Two guarantees every API request gets, whatever view answers it.

`ApiBodyLimitMiddleware`: a body past Django's limits is answered with the API's
413, and whatever the client sent is read before the answer goes, so the client
sees the answer and never a reset connection.

`ApiWriteTransactionMiddleware`: a committed write is never answered as a
failure. Every unsafe request under /api/ runs in one transaction with the
building of its answer: the view, its services, the idempotency record, the
access-log entry and the rendering of the response. An error anywhere answers 5xx
and rolls all of it back; so a 500 means nothing changed. The one moment left is
the COMMIT itself: when the connection dies during it, the client cannot tell
from the error whether it was applied, so on PostgreSQL the transaction's id is
read just before, and after a failure the server is asked what became of it; a
write that committed is answered with its response.
"""

import contextlib
import logging
import time

from django.conf import settings
from django.db import Error, connection, transaction
from django.http import JsonResponse

from common.api.limits import body_discard, body_too_large
from common.request_context import current_request_id

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# How long to wait for PostgreSQL to finish a COMMIT whose answer was lost.
_OUTCOME_WAIT_SECONDS = 2.0


def _declared_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class ApiBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        # Django checks its limit only where it reads the body itself (forms); a JSON
        # parser reads the stream and would take any size. A multipart upload's files
        # do not count against the limit (Django counts its other fields, and each
        # upload service its own files).
        # An endpoint that streams its raw body to a file and sets its own limit
        # (API_STREAMED_UPLOAD_PATHS: an intake package) is its own judge.
        if (
            limit is not None
            and request.content_type != "multipart/form-data"
            and request.path not in settings.API_STREAMED_UPLOAD_PATHS
            and _declared_length(request) > limit
        ):
            response = JsonResponse(body_too_large(), status=413)
            response["Cache-Control"] = "no-store"  # answered before NoStoreMiddleware runs
        else:
            response = self.get_response(request)
        body_discard(request)
        return response


def _transaction_id() -> str | None:
    """This transaction's id if it has written anything (PostgreSQL 13+), else None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id_if_assigned()::text")
        return cursor.fetchone()[0]


def _transaction_outcome(xid: str) -> str | None:
    """What PostgreSQL says became of transaction `xid`: `committed`, `aborted`, or
    None when it cannot be told (the server cannot be reached)."""
    deadline = time.monotonic() + _OUTCOME_WAIT_SECONDS
    with contextlib.suppress(Error):
        connection.close()  # the old connection is broken: ask on a new one
    while True:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_xact_status(%s::xid8)", [xid])
                outcome = cursor.fetchone()[0]
        except Error:
            logger.exception("Could not ask the database what became of transaction %s", xid)
            return None
        # "in progress": the COMMIT is still being written, or the server has not yet
        # noticed that the client went away (it then aborts it).
        if outcome != "in progress" or time.monotonic() > deadline:
            return outcome if outcome in ("committed", "aborted") else None
        time.sleep(0.05)


def _outcome_unknown() -> JsonResponse:
    return JsonResponse(
        {
            "detail": (
                "Tideline could not confirm whether this change was saved. Check before "
                "you make it again, or send it again with the same Idempotency-Key."
            ),
            "request_id": current_request_id(),
        },
        status=503,
    )


class ApiWriteTransactionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX) or request.method in SAFE_METHODS:
            return self.get_response(request)
        # Inside a transaction already (a test's), this is a savepoint: there is no
        # commit of ours to watch.
        outermost = not connection.in_atomic_block
        committed = False
        xid = None
        response = None

        def mark_committed() -> None:
            nonlocal committed
            committed = True

        try:
            with transaction.atomic():
                if outermost:
                    # First of the commit hooks, so that one failing after it (they run
                    # once the data is committed) is known to have come after the commit.
                    transaction.on_commit(mark_committed)
                # Django renders the response inside this call, so the whole answer
                # is built before the transaction ends.
                response = self.get_response(request)
                if response.status_code >= 500:
                    transaction.set_rollback(True)
                    return response
                if outermost:
                    xid = _transaction_id()
        except Exception:
            if committed:
                logger.exception("A hook failed after the write committed; answering its response")
                return response
            if xid is None:
                raise  # nothing was written, or it was rolled back: a true 5xx
            outcome = _transaction_outcome(xid)
            if outcome == "committed":
                logger.exception("The COMMIT's answer was lost, but the write committed")
                return response
            if outcome == "aborted":
                raise
            logger.exception("The COMMIT's answer was lost; its outcome is unknown")
            return _outcome_unknown()
        return response
