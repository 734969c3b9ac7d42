"""Family support on the case page: a prominent warning while children in a
suspect's household wait for their safeguarding referral, and a short summary of
each suspect's family with the link to the family support page. Only for readers
who may see family support."""

from django.urls import reverse
from django.utils import timezone

from cases.models import PartyRole
from cases.panels import CasePageReads, CasePanel, case_tab
from welfare.case_panels import case_page_duties
from welfare.models import DutyKind
from welfare.selectors.family import family_access_check, family_support_get


@case_tab("welfare")
def family_panels(actor, case, reads: CasePageReads | None = None) -> list[CasePanel]:
    if not family_access_check(actor, case):
        return []
    if reads is None:
        reads = CasePageReads(actor=actor, case=case)
    if not any(party.role == PartyRole.SUSPECT for party in reads.parties):
        return []
    support = family_support_get(
        actor=actor,
        case=case,
        with_packs=False,
        with_referrals=False,
        parties=reads.parties,
        duties=case_page_duties(actor, case, reads),
    )
    now = timezone.now()
    warnings = [
        {
            "suspect": family.suspect,
            "duty": duty,
            "url": reverse("duty-referral", args=[duty.pk]),
            "overdue": duty.due_at < now,
        }
        for family in support.suspects
        for duty in family.open_duties
        if duty.kind == DutyKind.CHILDREN_SAFEGUARDING_REFERRAL
    ]
    panels = []
    if warnings:
        panels.append(
            CasePanel(
                anchor="children-in-household",
                title="Children in a suspect's household",
                template="welfare/family/children_warning.html",
                context={"warnings": warnings},
                prominent=True,
            )
        )
    panels.append(
        CasePanel(
            anchor="family-support",
            title="Family support",
            template="welfare/family/case_panel.html",
            context={
                "case": case,
                "support": support,
                "support_url": reverse("family-support", args=[case.pk]),
            },
        )
    )
    return panels
