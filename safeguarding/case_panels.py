"""What safeguarding shows on the case page: the case's current level and place in
the queue, its assessments, the flags of its people, and strategy discussions."""

from agencies import access
from cases.panels import CasePanel
from safeguarding import selectors
from safeguarding.queue_view_model import queue_rows
from safeguarding.views.flags import flags_section
from safeguarding.views.strategy import strategy_section


def safeguarding_panels(actor, case) -> list[CasePanel]:
    panels = []
    flags = flags_section(actor, case)
    if flags.get("may_view_flags"):
        panels.append(
            CasePanel("flags", "Flags", "safeguarding/includes/flags.html", flags, prominent=True)
        )
    if access.can(actor, "safeguarding.assessment.view", case):
        priority = selectors.case_priority_get(case=case)
        waiting = priority is not None and priority.actioned_at is None and case.is_open
        row = queue_rows([priority])[0] if waiting else None
        panels.append(
            CasePanel(
                "risk",
                "Risk",
                "safeguarding/includes/risk_panel.html",
                {
                    "case": case,
                    "priority": priority,
                    "queue_row": row,
                    "assessments": list(selectors.assessment_list(actor=actor, case=case)),
                    "may_assess": access.can(actor, "safeguarding.assessment.add", case),
                    "may_action": waiting and access.can(actor, "safeguarding.case.action", case),
                },
                prominent=True,
            )
        )
    strategy = strategy_section(actor, case)
    if strategy.get("may_view_strategy"):
        panels.append(
            CasePanel(
                "strategy-discussions",
                "Strategy discussions",
                "safeguarding/includes/strategy.html",
                strategy,
            )
        )
    return panels
