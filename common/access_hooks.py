"""The two questions common's building blocks ask of the access policy, which lives
above common, in agencies (ADR 0008): may this user take this action (for
`common.pages.capability_required`), and the access log's entry for a page of a
list (for `common.api.pagination.CursorPagination`).

The policy registers its answers when agencies starts (`AgenciesConfig.ready`),
so that common imports nothing above it. Until then both refuse to run: nothing
is shown unchecked or unlogged."""

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class ListRecorder(Protocol):
    def __call__(self, *, actor: Any, records: Iterable[Any], model: Any = None) -> None: ...


_can: Callable[[Any, str], bool] | None = None
_list_record: ListRecorder | None = None


def access_hooks_register(*, can: Callable[[Any, str], bool], list_record: ListRecorder) -> None:
    """Called once, by the access policy's app when it is ready."""
    global _can, _list_record
    _can, _list_record = can, list_record


def _unregistered() -> ImproperlyConfigured:
    return ImproperlyConfigured(
        "No access policy is registered: agencies must be in INSTALLED_APPS."
    )


def access_can(user: Any, action: str) -> bool:
    """May `user` take `action`? Deny by default (agencies.access.can)."""
    if _can is None:
        raise _unregistered()
    return _can(user, action)


def access_list_record(*, actor: Any, records: Iterable[Any], model: Any = None) -> None:
    """Log a page of a list in the access log (agencies.audit.access_list_record)."""
    if _list_record is None:
        raise _unregistered()
    _list_record(actor=actor, records=records, model=model)
