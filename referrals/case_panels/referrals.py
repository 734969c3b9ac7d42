"""What referrals show on the case page: each referral of the case the reader's
agency sent or received, with its state, receiver, deadlines, threshold decision
and outcome, so the referrer sees what became of it where they work the case; and
the urgent concerns partners raised on them, which stand on the case."""

from agencies.access import can
from cases.models import Case
from cases.panels import CasePanel, case_tab
from referrals.selectors import referral_list_for_case
from referrals.selectors.concerns import concern_list_for_case
from referrals.views.display import list_rows


@case_tab("referrals")
def referral_panels(actor, case: Case) -> list[CasePanel]:
    if not can(actor, "referrals.referral.view"):
        return []
    # Joined to what the panel shows of each, not to everything a read of one
    # referral shows (its case, its people); nor its disclosure, which it never shows.
    referrals = list(
        referral_list_for_case(actor=actor, case=case)
        .select_related(None)
        .select_related("from_agency", "to_agency", "to_team")
        .defer("disclosure")
    )
    context = {
        "case": case,
        "referral_rows": list_rows(referrals),
        "may_refer": case.is_open and can(actor, "referrals.referral.create", case),
    }
    return [
        CasePanel(
            anchor="referrals",
            title="Referrals",
            template="referrals/includes/case_panel.html",
            context=context,
        )
    ]


@case_tab("risk")
def concern_panels(actor, case: Case) -> list[CasePanel]:
    """The urgent concerns that stand on the case, in the compartments the reader is
    cleared for; on the Risk tab, first while any waits."""
    concerns = list(concern_list_for_case(actor=actor, case=case))
    if not concerns:
        return []
    return [
        CasePanel(
            anchor="concerns",
            title="Urgent concerns",
            template="referrals/includes/case_concerns_panel.html",
            context={"case": case, "case_concerns": concerns},
            prominent=any(concern.is_open for concern in concerns),
        )
    ]
