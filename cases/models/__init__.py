from cases.models.case import (
    CLOSING_REASONS_CHOSEN_BY_HAND,
    Case,
    CaseGrant,
    CaseGroupObjectPermission,
    CaseReferenceCounter,
    CaseSource,
    CaseStatus,
    CaseUserObjectPermission,
    ClosingReason,
    GrantSource,
)
from cases.models.contact import ContactChannel, ContactDirection, ContactLog
from cases.models.decision import KeyDecision
from cases.models.document import Document
from cases.models.event import (
    DECISION_EVENTS,
    FIRST_CONTACT_EVENTS,
    LIMBO_EVENTS,
    RELEASE_EVENTS,
    BailAuthority,
    EventKind,
    InvestigationEvent,
)
from cases.models.identifier import (
    BUNDLING_IDENTIFIER_KINDS,
    PERSON_IDENTIFIER_KINDS,
    Identifier,
    IdentifierInvalid,
    IdentifierKind,
    NormalisedIdentifier,
    identifier_normalise,
)
from cases.models.material import ActivistEvidence, MaterialSummary
from cases.models.merge import MoveOutcome, PersonMerge, PersonMergeMove
from cases.models.offence import Offence, OffenceType
from cases.models.outcome import Outcome, OutcomeCode
from cases.models.party import CaseParty, CasePartyGroupObjectPermission, PartyRole
from cases.models.person import Gender, Person
from cases.models.task import Task, TaskStatus
from cases.models.transfer import CaseTransfer, TransferState

__all__ = [
    "BUNDLING_IDENTIFIER_KINDS",
    "CLOSING_REASONS_CHOSEN_BY_HAND",
    "DECISION_EVENTS",
    "FIRST_CONTACT_EVENTS",
    "LIMBO_EVENTS",
    "PERSON_IDENTIFIER_KINDS",
    "RELEASE_EVENTS",
    "ActivistEvidence",
    "BailAuthority",
    "Case",
    "CaseGrant",
    "CaseGroupObjectPermission",
    "CaseParty",
    "CasePartyGroupObjectPermission",
    "CaseReferenceCounter",
    "CaseSource",
    "CaseStatus",
    "CaseTransfer",
    "CaseUserObjectPermission",
    "ClosingReason",
    "ContactChannel",
    "ContactDirection",
    "ContactLog",
    "Document",
    "EventKind",
    "Gender",
    "GrantSource",
    "Identifier",
    "IdentifierInvalid",
    "IdentifierKind",
    "InvestigationEvent",
    "KeyDecision",
    "MaterialSummary",
    "MoveOutcome",
    "NormalisedIdentifier",
    "Offence",
    "OffenceType",
    "Outcome",
    "OutcomeCode",
    "PartyRole",
    "Person",
    "PersonMerge",
    "PersonMergeMove",
    "Task",
    "TaskStatus",
    "TransferState",
    "identifier_normalise",
]
