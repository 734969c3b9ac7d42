"""The welfare sections of the case page, one module per panel: family support
(`family`), suspect welfare (`suspects`) and the Victims' Code (`victims`).
`welfare.apps` registers each with `cases.panels.case_panel_register`.

The three share the page's reads (`cases.panels.CasePageReads`): the parties the
reader may see, and the case's duties, read once here for all three."""

from django.contrib.auth.models import User

from cases.models import Case
from cases.panels import CasePageReads
from welfare.models import Duty
from welfare.selectors.duties import case_page_duty_list


def case_page_duties(actor: User, case: Case, reads: CasePageReads) -> list[Duty]:
    """The case's duties the reader may see, of every kind, read by the first welfare
    panel that asks; each panel keeps its own kinds."""
    return reads.once("welfare.duties", lambda: case_page_duty_list(actor=actor, case=case))
