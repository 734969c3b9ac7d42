"""The Victims' Code panel on the case page: for each victim, their service level,
named contact, the updates owed (open first, then the latest met) with one-click
"Log update" links, and the referral to support."""

from django.urls import reverse
from django.utils import timezone

from agencies import access
from cases.panels import CasePageReads, CasePanel
from welfare.case_panels import case_page_duties
from welfare.models import CONTACT_DUTIES, VICTIM_DUTIES, DutyKind
from welfare.selectors import duties as duty_selectors
from welfare.selectors import victims as victim_selectors

# Closed updates shown per victim, after the open ones.
RECENT_CLOSED = 3


def victims_panels(actor, case, reads: CasePageReads | None = None) -> list:
    if not access.can(actor, "welfare.victim_care.view", case):
        return []
    if reads is None:
        reads = CasePageReads(actor=actor, case=case)
    victims = victim_selectors.victim_list(actor=actor, case=case, parties=reads.parties)
    duties = (
        duty_selectors.duty_deadlines_annotate(
            [d for d in case_page_duties(actor, case, reads) if d.kind in VICTIM_DUTIES],
            now=timezone.now(),
        )
        if victims
        else []
    )
    for victim in victims:
        own = [duty for duty in duties if duty.party_id == victim.pk]
        updates = [duty for duty in own if duty.kind == DutyKind.VICTIM_UPDATE]
        closed_latest_first = [d for d in reversed(updates) if not d.is_open]
        # Attributes for the template, not model fields.
        recent = [d for d in updates if d.is_open] + closed_latest_first[:RECENT_CLOSED]
        victim.update_duties = recent  # type: ignore[attr-defined]
        victim.support_duty = next(  # type: ignore[attr-defined]
            (d for d in own if d.kind == DutyKind.VICTIM_SUPPORT_REFERRAL), None
        )
    return [
        CasePanel(
            "victims-code",
            "Victims' Code",
            "welfare/victims/case_panel.html",
            {
                "case": case,
                "victims": victims,
                "contact_kinds": CONTACT_DUTIES,
                "back": f"{reverse('case-detail', args=[case.id])}#victims-code",
            },
        )
    ]
