"""Where the current request came from, for the access log and the logs.

Services record who did what; the endpoint and IP address come from here so
that no service needs the HTTP request passed down to it. The request id names
one request in the logs, in its `X-Request-ID` response header and in the body
of a 5xx answer, so that an error a user reports can be found.
"""

import logging
import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

REQUEST_ID_HEADER = "X-Request-ID"
# An id a proxy in front already gave the request is kept, if it looks like one: it
# is written into the logs, so nothing else is.
_GIVEN_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


@dataclass(frozen=True)
class RequestOrigin:
    endpoint: str = ""
    method: str = ""
    ip_address: str | None = None
    request_id: str = ""


# RequestOrigin is frozen, so sharing one default instance is safe.
_current_origin: ContextVar[RequestOrigin] = ContextVar(
    "request_origin",
    default=RequestOrigin(),  # noqa: B039
)


def current_origin() -> RequestOrigin:
    return _current_origin.get()


def set_origin(origin: RequestOrigin):
    return _current_origin.set(origin)


def reset_origin(token) -> None:
    _current_origin.reset(token)


def client_ip(request) -> str | None:
    # Behind a proxy the real address is set by the proxy; REMOTE_ADDR is the only
    # value a client cannot forge, so that is what the log trusts.
    return request.META.get("REMOTE_ADDR") or None


def request_id_for(request) -> str:
    """The id a proxy gave this request (`X-Request-ID`), or a new one."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    if _GIVEN_REQUEST_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


def current_request_id() -> str:
    return _current_origin.get().request_id


class RequestIdLogFilter(logging.Filter):
    """Puts the current request's id on every log record (`%(request_id)s`); "-"
    outside a request (a Celery task, a management command)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx or 5xx answer once the middleware has finished, with the
        # request attached: its id is then read from the request.
        request = getattr(record, "request", None)
        record.request_id = current_request_id() or getattr(request, "request_id", "") or "-"
        return True
