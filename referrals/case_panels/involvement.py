"""The "Agencies involved" section of the case page: who holds the case and why,
and every referral about it by any agency that holds it, with its outcome."""

from django.urls import reverse

from agencies.access import can, membership_of
from cases.models import Case
from cases.panels import CasePanel
from referrals.selectors.involvement import involvement_get
from referrals.views.display import list_rows


def involvement_panels(actor, case: Case) -> list[CasePanel]:
    """For everyone who may read the case; what each sees of the referrals is the
    policy's (agencies.access.case_referral_scope)."""
    if not can(actor, "cases.case.view", case):
        return []
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
