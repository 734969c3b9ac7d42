"""The keyset cursor (common.keyset): the ordering values of the row a page starts
after (or before, going back), typed so that dates, times, UUIDs, numbers, text and
None come back as they went, as base64 JSON signed with a salt that names the list
(its model and ordering): only a cursor Tideline gave, for this list, decodes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core import signing


class InvalidCursor(ValueError):
    """A cursor Tideline did not give for this list (or gave before a key rotation)."""


def _typed(value: Any) -> list[Any]:
    # datetime before date: a datetime is a date too.
    if value is None:
        return ["n", None]
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", value]
    if isinstance(value, str):
        return ["s", value]
    if isinstance(value, dt.datetime):
        return ["t", value.isoformat()]
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    if isinstance(value, dt.time):
        return ["h", value.isoformat()]
    if isinstance(value, UUID):
        return ["u", str(value)]
    if isinstance(value, Decimal):
        return ["m", str(value)]
    if isinstance(value, float):
        return ["f", value]
    raise TypeError(f"A keyset cannot hold a {type(value).__name__} in its cursor.")


_READERS: dict[str, Callable[[Any], Any]] = {
    "n": lambda text: None,
    "b": bool,
    "i": int,
    "s": str,
    "t": dt.datetime.fromisoformat,
    "d": dt.date.fromisoformat,
    "h": dt.time.fromisoformat,
    "u": UUID,
    "m": Decimal,
    "f": float,
}
_JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "n": type(None),
    "b": bool,
    "i": int,
    "f": (int, float),
}


def _untyped(item: Any) -> Any:
    if not (isinstance(item, list) and len(item) == 2 and item[0] in _READERS):
        raise InvalidCursor()
    tag, raw = item
    if not isinstance(raw, _JSON_TYPES.get(tag, str)) or (tag == "i" and isinstance(raw, bool)):
        raise InvalidCursor()
    try:
        return _READERS[tag](raw)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise InvalidCursor() from exc


@dataclass(frozen=True)
class Position:
    """Where a page starts: after the row with these values (going forward), or
    before it (going back, for a `previous` link)."""

    values: tuple[Any, ...]
    backwards: bool = False


def encode_cursor(position: Position, *, salt: str) -> str:
    payload = {"k": [_typed(value) for value in position.values], "r": position.backwards}
    return signing.dumps(payload, salt=salt, compress=False)


def decode_cursor(cursor: str, *, salt: str, length: int) -> Position:
    try:
        payload = signing.loads(cursor, salt=salt)
    except (signing.BadSignature, ValueError, UnicodeError) as exc:
        raise InvalidCursor() from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("r"), bool):
        raise InvalidCursor()
    items = payload.get("k")
    if not isinstance(items, list) or len(items) != length:
        raise InvalidCursor()
    return Position(tuple(_untyped(item) for item in items), payload["r"])
