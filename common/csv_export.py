"""The one way a report page is written as CSV (issue 18): a download of the figures
the page shows, for a spreadsheet.

UTF-8 with a byte-order mark, because Excel reads a CSV without one in the
machine's legacy code page (an agency named with an accent would come out
garbled); every other reader we know of skips it. A header row first. A cell that
a spreadsheet would run as a formula is neutralised (CSV injection): agency names
and labels are typed by people, and a name such as `=HYPERLINK(...)` must arrive
as text."""

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

# Spreadsheets run a cell that starts with one of these as a formula (a tab or a
# carriage return lets one hide behind leading white space).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """`value` as a cell's text: None is empty; text that could start a formula is
    kept as text by a leading apostrophe, which spreadsheets show as a text prefix."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    """A CSV download of `rows` under `header`, saved as `filename` (ASCII: the
    callers build it from slugs, years and dates)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response
