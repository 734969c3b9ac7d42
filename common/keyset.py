"""Keyset ("seek") pagination: the one way every list, API and page, is paged.

A page is found by the ordering values of the row it follows, never by counting or
skipping rows, so page 2,000 costs what page 1 costs and nothing counts the scope:

    WHERE (a, b, id) > (x, y, z) ORDER BY a, b, id LIMIT page_size + 1

PostgreSQL starts the index scan on (a, b, id) at the position itself, however many
rows share `a` (the queue's band has two values). The extra row says whether there
is a next page. An ordering that mixes directions, or holds a nullable field, has
no row comparison; it is expanded so that its leading field is a range the index
serves and the rest settles ties:

    WHERE a >= x AND (a > x OR (a = x AND (b < y OR (b = y AND id > z))))

The cursor is the whole tuple of the boundary row's values, typed (dates, times,
UUIDs, numbers, text, None), as base64 JSON signed with the ordering and the model
in the salt: only a cursor Tideline gave, for this list, is accepted.

NULLs sort as PostgreSQL sorts them by default (larger than any value: last going
up, first going down), so an index on the column still serves the order; the query
says so explicitly for a nullable field, which makes SQLite sort the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import (
    Case,
    Col,
    CombinedExpression,
    ExpressionWrapper,
    Value,
)
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.db.models.functions import Coalesce
from django.db.models.lookups import Lookup

from common.keyset_cursor import InvalidCursor, Position, decode_cursor, encode_cursor

__all__ = [
    "CURSOR_PARAMETER",
    "InvalidCursor",
    "Key",
    "KeysetPage",
    "Position",
    "keys_for",
    "keyset_cursor_after",
    "keyset_page",
    "keyset_page_for_request",
    "seek",
]

_SALT = "tideline.keyset"


@dataclass(frozen=True)
class Key:
    """One field of an ordering: its lookup path, its direction, and whether its
    value may be NULL (a nullable column, or a nullable relation on the way to it)."""

    path: str
    descending: bool
    nullable: bool

    def order(self) -> models.OrderBy:
        expression = F(self.path)
        if self.descending:
            return expression.desc(nulls_first=True if self.nullable else None)
        return expression.asc(nulls_last=True if self.nullable else None)


# --- The ordering


def keys_for(queryset: QuerySet[Any], ordering: Sequence[str]) -> tuple[Key, ...]:
    """The ordering's keys, ending in a unique key: when the last field given is not
    unique for the queryset's rows (a name, a date), the primary key is added in the
    same direction, so that no two rows tie and no page skips or repeats one."""
    if not ordering:
        raise ValueError("A keyset needs an ordering.")
    keys = [_key(queryset, name) for name in ordering]
    if not _unique(queryset.model, keys[-1].path):
        keys.append(Key(queryset.model._meta.pk.attname, keys[-1].descending, nullable=False))
    return tuple(keys)


def _key(queryset: QuerySet[Any], name: str) -> Key:
    if not isinstance(name, str) or not name.lstrip("-"):
        raise ValueError(f"A keyset orders by field names, not {name!r}.")
    path = name.lstrip("-")
    return Key(path, name.startswith("-"), _nullable(queryset, path))


def _field_path(start: type[models.Model], path: str) -> list[Any] | None:
    """The fields a lookup path crosses, or None when it is not a path of fields."""
    fields = []
    model: Any = start
    for part in path.split("__"):
        if model is None:
            return None
        try:
            found = model._meta.pk if part == "pk" else model._meta.get_field(part)
        except Exception:  # FieldDoesNotExist: an annotation, or a mistake Django reports
            return None
        fields.append(found)
        model = found.related_model if found.is_relation else None
    return fields


def _nullable(queryset: QuerySet[Any], path: str) -> bool:
    annotation = queryset.query.annotations.get(path)
    if annotation is not None:
        return _expression_may_be_null(annotation)
    fields = _field_path(queryset.model, path)
    if fields is None:
        return True
    # A nullable or reverse relation on the way is an outer join: its far side may
    # be NULL even when the column itself is NOT NULL.
    return any(
        getattr(step, "null", True) or (step.is_relation and step.auto_created) for step in fields
    )


def _expression_may_be_null(expression: Any) -> bool:
    """Whether an annotation may be NULL; unsure means yes, which is always right
    and only slower (the comparison then also looks for NULLs)."""
    if isinstance(expression, Col):
        return (
            bool(expression.target.null)
            or expression.alias != expression.target.model._meta.db_table
        )
    if isinstance(expression, Value):
        return expression.value is None
    if isinstance(expression, ExpressionWrapper):
        return _expression_may_be_null(expression.expression)
    if isinstance(expression, Case):
        return _expression_may_be_null(expression.default) or any(
            _expression_may_be_null(when.result) for when in expression.cases
        )
    if isinstance(expression, Coalesce):
        return all(_expression_may_be_null(part) for part in expression.get_source_expressions())
    if isinstance(expression, CombinedExpression):
        return _expression_may_be_null(expression.lhs) or _expression_may_be_null(expression.rhs)
    return True


def _unique(model: type[models.Model], path: str) -> bool:
    """Whether `path` names one row of `model`: a unique, NOT NULL column reached
    only through one-to-one relations that are never NULL."""
    fields = _field_path(model, path)
    if not fields:
        return False
    *relations, last = fields
    if getattr(last, "null", True) or not (last.primary_key or last.unique):
        return False
    return all(step.one_to_one and not step.auto_created and not step.null for step in relations)


def _salt(queryset: QuerySet[Any], keys: Sequence[Key]) -> str:
    ordering = ",".join(("-" if key.descending else "") + key.path for key in keys)
    return f"{_SALT}:{queryset.model._meta.label}:{ordering}"


# --- The comparison


def _beyond(key: Key, value: Any, *, backwards: bool) -> Q | None:
    """Rows strictly past `value` on this key, in the direction of travel; None when
    no row can be (past NULL going up: NULL is the largest)."""
    greater = key.descending == backwards
    if value is None:
        # NULL is larger than every value.
        return None if greater else Q(**{f"{key.path}__isnull": False})
    if greater:
        past = Q(**{f"{key.path}__gt": value})
        return past | Q(**{f"{key.path}__isnull": True}) if key.nullable else past
    return Q(**{f"{key.path}__lt": value})


def _level(key: Key, value: Any) -> Q:
    if value is None:
        return Q(**{f"{key.path}__isnull": True})
    return Q(**{f"{key.path}": value})


def _at_or_beyond(key: Key, value: Any, *, backwards: bool) -> Q:
    if value is not None and not key.nullable:
        # One range (`a <= x`), which the index serves; `a = x OR a < x` it may not.
        lookup = "gte" if key.descending == backwards else "lte"
        return Q(**{f"{key.path}__{lookup}": value})
    beyond = _beyond(key, value, backwards=backwards)
    return _level(key, value) if beyond is None else _level(key, value) | beyond


_NOTHING = Q(pk__in=[])


def seek(keys: Sequence[Key], position: Position) -> Q | Lookup:
    """Rows after the position, lexicographically. When every key goes the same way
    and none may be NULL (every list's ordering today), PostgreSQL's row comparison
    `(a, b, id) > (x, y, z)`: the index starts the scan at the position itself, so
    even a leading field with two values (the queue's band) costs nothing to pass
    (Django writes it out as below on SQLite). Otherwise the comparison expanded so
    the leading field is a range the index serves:
    `a >= x AND (a > x OR (a = x AND (b > y OR ...)))`."""
    backwards = position.backwards
    pairs = list(zip(keys, position.values, strict=True))
    ascending = {key.descending == backwards for key in keys}
    if len(ascending) == 1 and not any(k.nullable or v is None for k, v in pairs):
        row = Tuple(*(F(key.path) for key in keys))
        past = TupleGreaterThan if ascending.pop() else TupleLessThan
        return past(row, list(position.values))
    key, value = pairs[-1]
    tail = _beyond(key, value, backwards=backwards) or _NOTHING
    for key, value in reversed(pairs[:-1]):
        beyond = _beyond(key, value, backwards=backwards)
        tied = _level(key, value) & tail
        tail = tied if beyond is None else beyond | tied
    lead, lead_value = pairs[0]
    if len(pairs) == 1:
        return tail
    return _at_or_beyond(lead, lead_value, backwards=backwards) & tail


# --- The page


@dataclass
class KeysetPage:
    """One page: its rows, and the cursors of the pages either side (None at an end)."""

    object_list: list[Any]
    next_cursor: str | None = None
    previous_cursor: str | None = None
    page_size: int = 0

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def _reader(key: Key, index: int) -> Callable[[Any], Any]:
    if "__" in key.path:
        alias = f"keyset_{index}"
        return lambda row: row[alias] if isinstance(row, dict) else getattr(row, alias)
    name = key.path
    return lambda row: row[name] if isinstance(row, dict) else getattr(row, name)


def _name_of(part: Any) -> str:
    """An ordering's part by name: `"-a"`, or `F("a").desc()` (as a selector writes
    it to say where NULLs go, which the keys work out again from the field)."""
    if isinstance(part, str):
        return part
    if isinstance(part, models.OrderBy) and isinstance(part.expression, F):
        return ("-" if part.descending else "") + part.expression.name
    # An expression cannot be compared with a cursor's value by name.
    raise TypeError("A keyset orders by names: annotate the expression, order by its name.")


def keyset_page(
    queryset: QuerySet[Any],
    *,
    cursor: str | None,
    page_size: int,
    ordering: Sequence[str] | None = None,
) -> KeysetPage:
    """The page of `queryset` that `cursor` points at (the first when None), in
    `ordering` (the queryset's own when not given). One query, no COUNT, no OFFSET.
    InvalidCursor for a cursor Tideline did not give for this list."""
    if page_size < 1:
        raise ValueError("A page holds at least one row.")
    if ordering is None:
        query = queryset.query
        given = query.order_by or (
            query.get_meta().ordering or () if query.default_ordering else ()
        )
        ordering = [_name_of(part) for part in given]
    keys = keys_for(queryset, ordering)
    salt = _salt(queryset, keys)
    position = decode_cursor(cursor, salt=salt, length=len(keys)) if cursor else None
    # A value across a relation is read in the same query, not one per row.
    across = {f"keyset_{i}": F(key.path) for i, key in enumerate(keys) if "__" in key.path}
    if across:
        queryset = queryset.annotate(**across)
    backwards = bool(position and position.backwards)
    travel = [Key(k.path, k.descending != backwards, k.nullable).order() for k in keys]
    rows_query = queryset.order_by(*travel)
    if position is not None:
        rows_query = rows_query.filter(seek(keys, position))
    rows = list(rows_query[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    if backwards:
        rows.reverse()
    readers = [_reader(key, i) for i, key in enumerate(keys)]

    def cursor_at(row: Any, *, back: bool) -> str:
        values = tuple(read(row) for read in readers)
        return encode_cursor(Position(values, back), salt=salt)

    # Going forward, there is a page before whenever we came from somewhere; going
    # back, there is one after (the page we came from).
    has_next = more if not backwards else True
    has_previous = (position is not None) if not backwards else more
    return KeysetPage(
        object_list=rows,
        next_cursor=cursor_at(rows[-1], back=False) if rows and has_next else None,
        previous_cursor=cursor_at(rows[0], back=True) if rows and has_previous else None,
        page_size=page_size,
    )


def keyset_cursor_after(
    queryset: QuerySet[Any], row: Any, *, ordering: Sequence[str] | None = None
) -> str:
    """The cursor of the page after `row` (a model instance or a values() dict of
    the list): for the benchmark and the plan guards, to open a deep page directly."""
    names = ordering or [_name_of(part) for part in queryset.query.order_by]
    keys = keys_for(queryset, names)
    values = tuple(
        row[key.path] if isinstance(row, dict) else reduce(getattr, key.path.split("__"), row)
        for key in keys
    )
    return encode_cursor(Position(values), salt=_salt(queryset, keys))


CURSOR_PARAMETER = "cursor"


def keyset_page_for_request(
    request: Any,
    queryset: QuerySet[Any],
    *,
    page_size: int,
    ordering: Sequence[str] | None = None,
) -> KeysetPage:
    """The page a server-rendered list shows, from the `cursor` in its query string
    (beside its filters). A cursor Tideline did not give for this list (a link cut
    short when copied, or one from before the signing key was rotated) shows the
    first page: a person following a stale link expects the list, not an error
    page, as Django's `Paginator.get_page` gave them. The API answers 400 instead,
    to show a client its bug."""
    cursor = request.GET.get(CURSOR_PARAMETER) or None
    if cursor is None:
        return keyset_page(queryset, cursor=None, page_size=page_size, ordering=ordering)
    try:
        return keyset_page(queryset, cursor=cursor, page_size=page_size, ordering=ordering)
    except (InvalidCursor, ValidationError, ValueError, TypeError):
        return keyset_page(queryset, cursor=None, page_size=page_size, ordering=ordering)
