"""The "Suspect welfare" section of the case page: per suspect, the latest
screening, the live suicide-risk flag, the safety plan, the 48-hour check with its
countdown (or its second attempt, or its escalation) and the checks made, each late one
"made N hours late", the next welfare contact, incidents and any IOPC referral
outstanding. Every check links to its own form, never to log-contact.
Only for police casework of the owning force (`welfare.suspect.view`)."""

from django.utils import timezone

from cases.models import PartyRole
from cases.panels import CasePageReads, CasePanel, case_tab
from welfare.case_panels import case_page_duties
from welfare.check_lateness import countdown
from welfare.selectors.suspects import suspect_welfare_access_check, suspect_welfare_list


@case_tab("welfare")
def suspects_panels(actor, case, reads: CasePageReads | None = None) -> list:
    if not suspect_welfare_access_check(actor, case):
        return []
    if reads is None:
        reads = CasePageReads(actor=actor, case=case)
    now = timezone.now()
    has_suspects = any(party.role == PartyRole.SUSPECT for party in reads.parties)
    rows = suspect_welfare_list(
        actor=actor,
        case=case,
        parties=reads.parties,
        duties=case_page_duties(actor, case, reads) if has_suspects else [],
    )
    for row in rows:
        if row.check is not None:
            # For the template: not fields of the row.
            row.check_countdown, row.check_missed = countdown(row.check.due_at, now)  # type: ignore[attr-defined]
    return [
        CasePanel(
            "suspect-welfare",
            "Suspect welfare",
            "welfare/suspects/panel.html",
            {"suspect_welfare_rows": rows, "suspect_welfare_case": case},
        )
    ]
