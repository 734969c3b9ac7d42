"""Subject access requests and their exports (issue 19)."""

from subject_access.models.deadline import extended_due_on, response_due_on
from subject_access.models.request import (
    OPEN_STATES,
    Exemption,
    IdentityCheck,
    ItemDecision,
    ItemSection,
    LegalBasis,
    RequesterRelationship,
    RequestState,
    SubjectAccessItem,
    SubjectAccessRequest,
)

__all__ = [
    "OPEN_STATES",
    "Exemption",
    "IdentityCheck",
    "ItemDecision",
    "ItemSection",
    "LegalBasis",
    "RequestState",
    "RequesterRelationship",
    "SubjectAccessItem",
    "SubjectAccessRequest",
    "extended_due_on",
    "response_due_on",
]
