"""What safeguarding shows of a case (cases.panels): on the Risk tab, the case's
current level and place in the queue, its assessments and the flags of its people;
on the Strategy tab, strategy discussions; in the key-facts header above every tab, the shared level
with the agency's own grade, and the live flags."""

from django.urls import reverse

from agencies import access
from cases.models import Case
from cases.panels import FACTS, CasePageReads, CasePanel, case_tab
from safeguarding import selectors
from safeguarding.queue_view_model import queue_rows
from safeguarding.views.flags import flags_section
from safeguarding.views.strategy import strategy_section


@case_tab("risk", "strategy", FACTS)
def safeguarding_panels(actor, case: Case, reads: CasePageReads | None = None) -> list[CasePanel]:
    tab = reads.tab if reads is not None else None
    if tab == FACTS:
        return _key_facts(actor, case)
    if tab == "strategy":
        return _strategy(actor, case)
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
    if tab is None:
        # Called on its own (not by a tab): everything, as the one page had it.
        panels += _strategy(actor, case)
    return panels


def _strategy(actor, case: Case) -> list[CasePanel]:
    strategy = strategy_section(actor, case)
    if not strategy.get("may_view_strategy"):
        return []
    return [
        CasePanel(
            "strategy-discussions",
            "Strategy discussions",
            "safeguarding/includes/strategy.html",
            strategy,
        )
    ]


def _key_facts(actor, case: Case) -> list[CasePanel]:
    """The level (one query) and the live flags (one query): what the header needs of
    risk, not the assessments or the strategy discussions."""
    risk_url = reverse("case-risk", args=[case.pk])
    facts = []
    if access.can(actor, "safeguarding.assessment.view", case):
        facts.append(
            CasePanel(
                "fact-risk",
                "Risk level",
                "safeguarding/includes/fact_risk.html",
                {"priority": selectors.case_priority_get(case=case), "risk_url": risk_url},
                order=30,
            )
        )
    if access.can(actor, "safeguarding.flag.view", case):
        flags = list(
            selectors.flag_list(actor=actor, case=case)
            .select_related(None)
            .select_related("person")
        )
        facts.append(
            CasePanel(
                "fact-flags",
                "Flags",
                "safeguarding/includes/fact_flags.html",
                {"flags": flags, "flags_url": f"{risk_url}#flags"},
                order=40,
            )
        )
    return facts
