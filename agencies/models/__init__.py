from agencies.models.agency import Agency, AgencyKind, CharityService, Team
from agencies.models.audit import AccessLogEntry, AccessOutcome
from agencies.models.calendar import ClosureDay
from agencies.models.enrolment import EnrolmentLink, UserSession
from agencies.models.membership import Compartment, Membership, Role
from agencies.models.tokens import ApiToken

__all__ = [
    "AccessLogEntry",
    "AccessOutcome",
    "Agency",
    "AgencyKind",
    "ApiToken",
    "CharityService",
    "ClosureDay",
    "Compartment",
    "EnrolmentLink",
    "Membership",
    "Role",
    "Team",
    "UserSession",
]
