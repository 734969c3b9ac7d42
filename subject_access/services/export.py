"""The export of a subject access request: a ZIP of a readable PDF (through the one
PDF path, common.pdf) and a JSON file, built from the request's stored items.

Before release it is the reviewer's working copy: every item, each marked with the
other people it names and the reviewer's decision, headed "Draft for review: not for
release". Once released it is what the requester receives: the released items, and
for each withheld one only its section and the exemption relied on (never its
content, nor the reviewer's internal reason). Every download is logged."""

import io
import json
import zipfile
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from agencies.audit import access_log_record
from common.pdf import PrintedBy, render_pdf
from subject_access.models import (
    Exemption,
    ItemDecision,
    ItemSection,
    RequestState,
    SubjectAccessRequest,
)
from subject_access.selectors.requests import OBJECT_TYPE, sar_items, sar_subjects

PDF_NAME = "subject-access-export.pdf"
JSON_NAME = "subject-access-export.json"


def _export_data(request: SubjectAccessRequest, *, final: bool) -> dict[str, Any]:
    items = list(sar_items(request=request))
    released = [item for item in items if not final or item.decision != ItemDecision.WITHHOLD]
    withheld = [item for item in items if item.decision == ItemDecision.WITHHOLD]
    return {
        "reference": request.reference,
        "status": "released" if final else "draft for review: not for release",
        "agency": request.agency.name,
        "legal_basis": request.get_legal_basis_display(),
        "received_on": request.received_on.isoformat(),
        "response_due_on": request.response_due_on.isoformat(),
        "about": [person.full_name for person in sar_subjects(request=request)],
        "records": [
            {
                "number": item.position,
                "section": ItemSection(item.section).label,
                "title": item.title,
                "case_reference": item.case_reference,
                "fields": item.content,
                **(
                    {}
                    if final
                    else {
                        "names_other_people": item.third_parties,
                        "marked_for_review": item.needs_review,
                        "decision": ItemDecision(item.decision).label,
                        "exemption": Exemption(item.exemption).label if item.exemption else "",
                        "reason_withheld": item.withhold_reason,
                    }
                ),
            }
            for item in released
        ],
        "withheld": [
            {
                "number": item.position,
                "section": ItemSection(item.section).label,
                "exemption": Exemption(item.exemption).label if item.exemption else "",
            }
            for item in withheld
        ],
    }


def sar_export_zip(*, actor: User, request: SubjectAccessRequest) -> tuple[str, bytes]:
    """The export as a ZIP (its file name, its bytes), for a request already read
    through its scope and with its records gathered; the download is logged."""
    final = request.state == RequestState.RELEASED
    data_subjects = list(sar_subjects(request=request))
    data = _export_data(request, final=final)
    pdf = render_pdf(
        "subject_access/pdf/export.html",
        {"export": data, "final": final, "sar": request},
        title="Subject access export",
        reference=request.reference,
        printed_by=PrintedBy.for_user(actor),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(PDF_NAME, pdf)
        archive.writestr(JSON_NAME, json.dumps(data, indent=2, ensure_ascii=False))
    # One entry per download, inside a request or not: the export and whom it is about.
    access_log_record(
        actor=actor,
        action="subject_access.export.downloaded",
        object_type=OBJECT_TYPE,
        object_id=request.pk,
        object_agency_slug=request.agency.slug,
        justification=(
            "subject access export as released" if final else "subject access export for review"
        ),
        record_ids=[f"person:{person.pk}" for person in data_subjects],
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    kind = "released" if final else "draft"
    return f"{request.reference}-{kind}-{stamp}.zip", buffer.getvalue()
