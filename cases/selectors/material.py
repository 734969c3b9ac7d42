"""Reads of activist-group evidence. (The material summary's read is
`cases.selectors.material_get_for_actor`.)"""

from django.contrib.auth.models import User

from agencies import access
from cases.models import ActivistEvidence, Case
from cases.selectors import log_case_read
from common.errors import NotFound


def activist_evidence_get_for_actor(*, actor: User, case: Case) -> ActivistEvidence | None:
    """Ordinary case information: whoever may read the case (a granted agency too)
    may read how its evidence was obtained. None when nothing is recorded yet."""
    if not access.can(actor, "cases.case.view", case):
        raise NotFound()
    evidence = ActivistEvidence.objects.filter(case=case).select_related("updated_by").first()
    if evidence is not None:
        log_case_read(
            actor=actor,
            action="cases.activist_evidence.viewed",
            case=case,
            object_type="activist_evidence",
            object_id=evidence.pk,
        )
    return evidence
