from intake.models.item import (
    DeconflictionHit,
    IntakeDecision,
    IntakeItem,
    ItemState,
)
from intake.models.package import IntakePackage, IntakeRejection, PackageFormat, PackageState
from intake.models.report import IncidentType, IntakeReport, ReportSource

__all__ = [
    "DeconflictionHit",
    "IncidentType",
    "IntakeDecision",
    "IntakeItem",
    "IntakePackage",
    "IntakeRejection",
    "IntakeReport",
    "ItemState",
    "PackageFormat",
    "PackageState",
    "ReportSource",
]
