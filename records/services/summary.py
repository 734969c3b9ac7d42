"""Printing a case summary (issue 19): the reader's own view of a case for one
purpose, as a PDF through the one PDF path (`common.pdf.render_pdf`), each print
logged with its purpose through the one audit path.

A print changes nothing in the case: it is a consultation, and it is logged as one.
The request's one access-log entry (ADR 0007) is headed by the print
(`records.case_summary.printed`, about the case, its justification naming the
purpose), and names every record the summary read (the parties it names, the
material summary) as the reads of the tabs are named."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.models import User

from agencies import access
from cases import selectors as case_selectors
from cases.models import Case
from common.pdf import PrintedBy, render_pdf
from records.selectors.summary import CaseSummary, SummaryPurpose, case_summary_read

PRINTED = "records.case_summary.printed"
CAPABILITY = "records.case_summary.print"
TEMPLATE = "records/pdf/case_summary.html"


@dataclass(frozen=True)
class PrintedSummary:
    summary: CaseSummary
    pdf: bytes

    @property
    def filename(self) -> str:
        # A reference is letters, digits and hyphens (NP-2026-000002): safe in a header.
        return f"{self.summary.case.reference}-summary-{self.summary.purpose.value}.pdf"


def case_for_summary(*, actor: User, case_id: UUID | str) -> Case:
    """The case, if the reader may print its summary: NotFound when it is out of their
    scope (logged as a refusal), AccessDenied when they may read it but not print it
    (a force that handed the case over keeps a read-only grant)."""
    case = case_selectors.case_get_for_actor(actor=actor, case_id=case_id, log=False)
    access.require(actor, CAPABILITY, case)
    return case


def case_summary_print(*, actor: User, case: Case, purpose: SummaryPurpose) -> PrintedSummary:
    """The summary of `case` for `purpose`, as `actor` may see it, as PDF bytes."""
    access.require(actor, CAPABILITY, case)
    # First, so that the request's one entry is about the print, with its purpose.
    case_selectors.log_case_read(
        actor=actor, action=PRINTED, case=case, note=f"purpose: {purpose.value}"
    )
    summary = case_summary_read(actor=actor, case=case, purpose=purpose)
    printed_by = PrintedBy.for_user(actor)
    pdf = render_pdf(
        TEMPLATE,
        {"summary": summary, "case": case, "sections": summary.sections},
        title=summary.title,
        reference=case.reference,
        printed_by=printed_by,
    )
    return PrintedSummary(summary=summary, pdf=pdf)
