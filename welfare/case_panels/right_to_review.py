"""The Victims' Right to Review on the case's Welfare tab (docs/adr/0017): the duties
to tell each victim of their right and of a review's result, the requests and their
state, and the link to record one."""

from django.utils import timezone

from agencies import access
from cases.case_tabs import case_section_url
from cases.panels import CasePageReads, CasePanel, case_tab
from welfare.case_panels import case_page_duties
from welfare.models import CONTACT_DUTIES, DutyKind
from welfare.selectors import duties as duty_selectors
from welfare.selectors import right_to_review as review_selectors

RIGHT_TO_REVIEW_KINDS = frozenset({DutyKind.RIGHT_TO_REVIEW, DutyKind.RIGHT_TO_REVIEW_RESULT})


@case_tab("welfare")
def right_to_review_panels(actor, case, reads: CasePageReads | None = None) -> list:
    if not access.can(actor, "welfare.right_to_review.view", case):
        return []
    if reads is None:
        reads = CasePageReads(actor=actor, case=case)
    duties = duty_selectors.duty_deadlines_annotate(
        [d for d in case_page_duties(actor, case, reads) if d.kind in RIGHT_TO_REVIEW_KINDS],
        now=timezone.now(),
    )
    requests = review_selectors.review_request_list_for_case(actor=actor, case=case)
    if not duties and not requests:
        # Nothing decided not to charge: the section stays off the tab.
        return []
    return [
        CasePanel(
            "right-to-review",
            "Victims' Right to Review",
            "welfare/right_to_review/case_panel.html",
            {
                "case": case,
                "duties": duties,
                "requests": requests,
                "can_request": access.can(actor, "welfare.right_to_review.request", case)
                and case.is_open,
                "back": case_section_url(case.id, "right-to-review"),
                "contact_kinds": CONTACT_DUTIES,
            },
        )
    ]
