"""What safeguarding adds to the case list: each case's current shared level, with the
owning agency's own grade for it (screens show both), as the work queue keeps it
(`CasePriority`, one row per case, kept by the queue's services)."""

from django.contrib.auth.models import User

from agencies import access
from cases.list_columns import CaseListColumn
from cases.models import Case
from safeguarding.models import CasePriority, SharedLevel


def shared_level_column(actor: User, cases: list[Case]) -> CaseListColumn | None:
    """One query for the page's cases. Risk is shared: whoever may list a case (its
    own agency's or a granted one) may read its assessments, so the role decides
    whether the column shows. The cases are the list's, already scoped to the reader;
    the list's access-log entry names them (a queue entry is named by its case)."""
    if not access.can(actor, "safeguarding.assessment.view"):
        return None
    levels = {
        case_id: {"level": level, "grade": grade}
        for case_id, level, grade in CasePriority.objects.filter(
            case_id__in=[case.pk for case in cases]
        ).values_list("case_id", "level", "agency_grade")
    }
    # A case the queue has no entry for yet is not assessed: unknown, never low.
    for case in cases:
        levels.setdefault(case.pk, {"level": SharedLevel.UNKNOWN, "grade": ""})
    return CaseListColumn(
        heading="Risk level", template="safeguarding/includes/case_list_level.html", values=levels
    )
