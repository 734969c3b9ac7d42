"""The "Agencies involved" section of the case page: who holds the case and why,
and every referral about it by any agency that holds it, with its outcome."""

from typing import Any

from django.urls import reverse

from agencies.access import can, membership_of
from cases.models import Case
from cases.panels import FACTS, CasePageReads, CasePanel, case_tab
from cases.selectors import grant_holders
from referrals.selectors import referral_list_for_case
from referrals.selectors.involvement import involvement_get
from referrals.views.display import list_rows


@case_tab("referrals", FACTS)
def involvement_panels(actor, case: Case, reads: CasePageReads | None = None) -> list[CasePanel]:
    """For everyone who may read the case; what each sees of the referrals is the
    policy's (agencies.access.case_referral_scope)."""
    if not can(actor, "cases.case.view", case):
        return []
    if reads is not None and reads.tab == FACTS:
        return _holders_fact(actor, case)
    involvement = involvement_get(actor=actor, case=case)
    membership = membership_of(actor)
    is_owner = membership is not None and membership.agency_id == case.owning_agency_id
    rows = list_rows(involvement.referrals)
    for row in rows:
        referral = row["referral"]
        # The referral itself (its disclosure) only for its two sides.
        row["openable"] = membership is not None and (
            referral.from_agency_id == membership.agency_id
            or referral.to_agency_id == membership.agency_id
        )
    return [
        CasePanel(
            anchor="agencies-involved",
            title="Agencies involved",
            template="referrals/includes/agencies_involved.html",
            context={
                "case": case,
                "grants": involvement.grants,
                "referral_rows": rows,
                "grants_url": reverse("case-grants-page", args=[case.pk])
                if is_owner and can(actor, "cases.grant.view", case)
                else None,
            },
        )
    ]


def _holders_fact(actor, case: Case) -> list[CasePanel]:
    """Who else holds the case, for the key-facts header: the agencies with a live
    grant, and the other side of the reader's agency's referrals about it. Two queries
    of agencies' names; no referral's content."""
    membership = membership_of(actor)
    own = membership.agency_id if membership is not None else None
    holders: dict[Any, str] = {}
    for grant in grant_holders(actor=actor, case=case):
        holders.setdefault(grant.agency_id, f"{grant.agency.name} (granted)")
    if can(actor, "referrals.referral.view"):
        sides = (
            referral_list_for_case(actor=actor, case=case)
            .select_related(None)
            .select_related("from_agency", "to_agency")
            .only("id", "from_agency__name", "to_agency__name", "state")
        )
        for referral in sides:
            for agency in (referral.from_agency, referral.to_agency):
                if agency is not None and agency.pk != own:
                    holders.setdefault(agency.pk, f"{agency.name} (referral)")
    # The reader's own agency and the owner are said otherwise (the owner, to others).
    holders.pop(case.owning_agency_id, None)
    holders.pop(own, None)
    return [
        CasePanel(
            "fact-holders",
            "Also holding it",
            "referrals/includes/fact_holders.html",
            {
                "holders": list(holders.values()),
                "owner_shown": own != case.owning_agency_id,
                "involved_url": f"{reverse('case-referrals', args=[case.pk])}#agencies-involved",
            },
            order=70,
        )
    ]
