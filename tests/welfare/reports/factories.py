"""Builders for the suspect welfare statistics tests: suspects with their events,
screenings, safety plans, duties and incidents, written straight to the models (the
statistics only read them)."""

from datetime import UTC, datetime, timedelta
from itertools import count

from cases.models import InvestigationEvent
from tests.factories import CaseFactory, PartyFactory, UserFactory
from welfare.models import (
    Duty,
    DutyKind,
    DutyStatus,
    DutyTrigger,
    SafetyPlan,
    WelfareIncident,
    WelfareScreening,
)

_keys = count(1)


class Builder:
    """One agency's case, and a recorder, shared by everything built for it, so that a
    test with thirty suspects stays quick."""

    def __init__(self, agency):
        self.agency = agency
        self.user = UserFactory()
        self.case = CaseFactory(owning_agency=agency, created_by=self.user)

    def suspect(self, *, contact_at: datetime | None, kind: str = "arrested", results=()):
        """A suspect first told of the investigation at `contact_at` (None: no event),
        screened once for each result."""
        party = PartyFactory(case=self.case, role="suspect", created_by=self.user)
        if contact_at is not None:
            self.event(party, kind, contact_at)
        for offset, result in enumerate(results):
            WelfareScreening.objects.create(
                case=self.case,
                suspect=party,
                screened_at=(contact_at or datetime(2026, 1, 5, 12, 0, tzinfo=UTC))
                + timedelta(hours=offset + 1),
                screened_by=self.user,
                thoughts_of_suicide="no",
                previous_attempts="no",
                mental_health_concerns="no",
                support_around_them="yes",
                result=result,
            )
        return party

    def event(self, party, kind: str, occurred_at: datetime) -> InvestigationEvent:
        return InvestigationEvent.objects.create(
            case=self.case,
            suspect=party,
            kind=kind,
            occurred_at=occurred_at,
            recorded_by=self.user,
        )

    def safety_plan(self, created_at: datetime) -> SafetyPlan:
        party = self.suspect(contact_at=None)
        plan = SafetyPlan.objects.create(
            case=self.case,
            suspect=party,
            safe_release_arrangements="Driven home by a relative.",
            created_by=self.user,
        )
        # created_at is set on insert; the statistics count by it.
        SafetyPlan.objects.filter(pk=plan.pk).update(created_at=created_at)
        return plan

    def duty(
        self,
        kind: str,
        *,
        due_at: datetime,
        status: str = DutyStatus.OPEN,
        resolved_at: datetime | None = None,
    ) -> Duty:
        party = self.suspect(contact_at=None)
        return Duty.objects.create(
            case=self.case,
            party=party,
            kind=kind,
            compartment="suspect",
            trigger=DutyTrigger.EVENT
            if kind == DutyKind.WELFARE_CHECK
            else DutyTrigger.WELFARE_CADENCE,
            reason="For the statistics.",
            source_key=f"statistics-test:{next(_keys)}",
            due_at=due_at,
            due_by_clock=kind == DutyKind.WELFARE_CHECK,
            agency=self.agency,
            status=status,
            resolved_at=resolved_at,
            resolved_by=self.user if resolved_at else None,
        )

    def incident(self, *, kind: str, stage: str, occurred_at: datetime) -> WelfareIncident:
        party = self.suspect(contact_at=None)
        return WelfareIncident.objects.create(
            case=self.case,
            suspect=party,
            kind=kind,
            stage=stage,
            occurred_at=occurred_at,
            description="For the statistics.",
            recorded_by=self.user,
        )
