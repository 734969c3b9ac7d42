"""Printed records: HTML templates rendered to PDF by WeasyPrint (issue 19).

One way to print, for the case summary and the subject access export alike:
- every page carries the protective marking at its head and foot, the reference,
  "printed by, on" and "page N of M" (`templates/common/pdf/base.html`);
- WeasyPrint fetches nothing: no stylesheet, font or image comes from a URL or the
  disk. A printed record is text the reader may see, and the one rule above all
  others (no abuse imagery, ever) holds for prints too: an `<img>` that slipped into
  a template, or into a value someone typed, renders as nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

PROTECTIVE_MARKING = "OFFICIAL-SENSITIVE"


class _NothingFetched(ValueError):
    pass


def _refuse_every_url(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # WeasyPrint's own fetcher reads file:// and http(s):// URLs: a template or a
    # typed value could otherwise read the server's disk or reach the network.
    raise _NothingFetched(f"A print fetches nothing: {url[:80]}")


@dataclass(frozen=True)
class PrintedBy:
    """The "printed by, on" line: who printed it, for which agency, when."""

    name: str
    agency: str
    at: datetime

    @classmethod
    def for_user(cls, user: Any, *, at: datetime | None = None) -> PrintedBy:
        membership = getattr(user, "membership", None)
        agency = membership.agency.name if membership is not None else ""
        name = user.get_full_name() or user.get_username()
        return cls(name=name, agency=agency, at=at or timezone.now())


def render_pdf(
    template_name: str,
    context: dict[str, Any],
    *,
    title: str,
    reference: str,
    printed_by: PrintedBy,
) -> bytes:
    """Render a template that extends `common/pdf/base.html` to PDF bytes."""
    from weasyprint import HTML  # imported here: it loads Pango, which only prints need

    html = render_to_string(
        template_name,
        {
            **context,
            "pdf_title": title,
            "pdf_reference": reference,
            "pdf_printed_by": printed_by,
            "protective_marking": PROTECTIVE_MARKING,
        },
    )
    document = HTML(string=html, url_fetcher=_refuse_every_url, base_url=None)
    return document.write_pdf(
        # A print is a record: its metadata names it, and never the reader's machine.
        pdf_identifier=None,
        uncompressed_pdf=False,
    )
