"""Where the current request came from, for the access log.

Services record who did what; the endpoint and IP address come from here so
that no service needs the HTTP request passed down to it.
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestOrigin:
    endpoint: str = ""
    method: str = ""
    ip_address: str | None = None


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
