"""The Victims' Code panel on the case page: for each victim, their service level,
named contact, the updates owed (open first, then the latest met) with one-click
"Log update" links, and the referral to support."""

from django.utils import timezone

from agencies import access
from agencies.audit import access_list_record
from cases.case_tabs import case_section_url
from cases.panels import FACTS, CasePageReads, CasePanel, case_tab
from welfare.case_panels import case_page_duties
from welfare.duty_pages import duty_meet_page
from welfare.models import CONTACT_DUTIES, VICTIM_DUTIES, DutyKind, DutyStatus
from welfare.selectors import duties as duty_selectors
from welfare.selectors import victims as victim_selectors
from welfare.services.victim_updates import told_about_text

# Closed updates shown per victim, after the open ones.
RECENT_CLOSED = 3


@case_tab("welfare", FACTS)
def victims_panels(actor, case, reads: CasePageReads | None = None) -> list:
    if reads is not None and reads.tab == FACTS:
        # The next duty is of every kind the reader's agency owes, not only victims'.
        return _next_duty_fact(actor, case, reads)
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
    _contacts_told(actor, victims)
    return [
        CasePanel(
            "victims-code",
            "Victims' Code",
            "welfare/victims/case_panel.html",
            {
                "case": case,
                "victims": victims,
                "contact_kinds": CONTACT_DUTIES,
                "back": case_section_url(case.id, "victims-code"),
            },
        )
    ]


def _contacts_told(actor, victims: list) -> None:
    """For each victim, the contacts that met the updates shown, latest first, each
    with what it told them of: one read for the page, and none when no update shown
    was met by a contact."""
    contact_ids = {
        duty.contact_id
        for victim in victims
        for duty in victim.update_duties
        if not duty.is_open and duty.contact_id
    }
    told = victim_selectors.contact_told_about_map(actor=actor, contact_ids=contact_ids)
    for victim in victims:
        shown = {d.contact_id for d in victim.update_duties if not d.is_open and d.contact_id}
        contacts = [
            (met[0].contact, told_about_text(met))
            for contact_id, met in told.items()
            if contact_id in shown and met[0].contact is not None
        ]
        contacts.sort(key=lambda pair: pair[0].contacted_at, reverse=True)
        victim.contacts_told = contacts  # an attribute for the template, not a model field


def _next_duty_fact(actor, case, reads: CasePageReads) -> list[CasePanel]:
    """The key-facts header's next duty: the reader's agency's open duty on the case
    due soonest, in the compartments they are cleared for (one query, or none on the
    Welfare tab, whose panels read every duty of the case), what and when, linked to
    the page that meets it. Its read is logged, as a list's."""
    if not access.can(actor, "welfare.duty.view"):
        return []
    read = reads.already("welfare.duties")
    if read is not None:
        # In case_page_duty_list's order: open ones first, soonest due first.
        duty = next((d for d in read if d.status == DutyStatus.OPEN), None)
    else:
        duty = (
            duty_selectors.duty_scope(actor)
            .filter(case=case, status=DutyStatus.OPEN)
            .select_related("party__person")
            .order_by("due_at", "created_at", "id")
            .first()
        )
    if duty is not None:
        duty.case = case
        access_list_record(actor=actor, records=[duty])
    return [
        CasePanel(
            "fact-next-duty",
            "Next duty due",
            "welfare/includes/fact_next_duty.html",
            {
                "duty": duty,
                "overdue": duty is not None and duty.due_at < timezone.now(),
                "duty_url": duty_meet_page(duty) if duty is not None else None,
            },
            order=60,
        )
    ]
