"""Counts that cost the same at any scale: a menu or a summary says "99+", never
how many thousands, so it reads at most one row past its cap.

No list counts its whole scope (issue 15): a national MASH receives tens of
thousands of referrals, and an exact COUNT of them on every page view would cost
more than the page. Each count here is `SELECT count(*) FROM (... LIMIT cap + 1)`,
which stops at the cap, reading the index that serves the filter."""

from collections.abc import Mapping
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Past this, a count shows as "99+".
COUNT_CAP = 99


def capped_counts(
    querysets: Mapping[str, QuerySet[Any]], *, cap: int | None = None
) -> dict[str, int]:
    """Each queryset's count, at most `cap + 1` (read "more than cap"), in one query.
    The querysets must share a database."""
    limit = (COUNT_CAP if cap is None else cap) + 1
    if not querysets:
        return {}
    parts: list[str] = []
    params: list[Any] = []
    alias = None
    for index, queryset in enumerate(querysets.values()):
        alias = alias or queryset.db
        # No ORDER BY: a count needs none, and leaving it lets the planner take the
        # index that serves the filter and stop at the limit.
        sql, sql_params = queryset.order_by().values("pk")[:limit].query.sql_with_params()
        # The ORM's own compiled SQL, its values still parameters: nothing here
        # comes from the user.
        parts.append(f"(SELECT count(*) FROM ({sql}) AS capped_{index})")  # noqa: S608
        params.extend(sql_params)
    with connections[alias or "default"].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: int(value) for name, value in zip(querysets, row, strict=True)}


def count_text(count: int) -> str:
    """A capped count in words for a badge: "" for none, "99+" past the cap."""
    if not count:
        return ""
    return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)
