"""The Victims' Code duties that events and new victims create: an update owed to
every victim after each key event (Right 6), and a referral to support within 2
working days of the crime being recorded (Right 4)."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Prefetch

from agencies.models import AgencyKind
from cases.models import CaseParty, EventKind, InvestigationEvent, OffenceType, PartyRole
from cases.selectors import party_ages
from common.dates import day_text
from welfare.models import (
    Duty,
    DutyKind,
    DutyStatus,
    DutyTrigger,
    EnhancedReason,
    ServiceLevel,
    VictimCare,
)
from welfare.services.duties import (
    crime_recorded_at,
    due_in_working_days,
    duty_open,
    event_moment_text,
)

# The events the victim must be told of (Victims' Code Right 6).
VICTIM_UPDATE_EVENTS = frozenset(
    {
        EventKind.ARRESTED,
        EventKind.VOLUNTARY_INTERVIEW,
        EventKind.INTERVIEWED,
        EventKind.RELEASED_WITHOUT_CHARGE,
        EventKind.BAILED,
        EventKind.BAIL_EXTENDED,
        EventKind.BAIL_CONDITIONS_CHANGED,
        EventKind.RELEASED_UNDER_INVESTIGATION,
        EventKind.CHARGED,
        EventKind.NO_FURTHER_ACTION,
        EventKind.OUTCOME_RECORDED,
        EventKind.COURT_OUTCOME,
    }
)
# Every offence this product records is a sexual offence against a child or an
# offence about child abuse material: the Code's enhanced service applies.
_SEXUAL_OFFENCES = frozenset(OffenceType.values)
OPTED_OUT_NOTE = "The victim asked not to be updated."


def victim_update_working_days(service_level: str) -> int:
    days: int = settings.VICTIM_UPDATE_WORKING_DAYS[service_level]
    return days


def victim_care_get_or_create(party: CaseParty) -> VictimCare:
    """The victim's care record, made on first need with the service level the Code
    gives them: enhanced if under 18 at the offence, else as a victim of a sexual
    offence (every offence here is one)."""
    care = VictimCare.objects.filter(party=party).select_related("point_of_contact").first()
    if care is not None:
        return care
    age = party_ages(case=party.case, parties=[party]).get(party.pk)
    reason = (
        EnhancedReason.UNDER_18 if age is not None and age < 18 else EnhancedReason.SEXUAL_OFFENCE
    )
    care, _ = VictimCare.objects.get_or_create(
        party=party,
        defaults={
            "case_id": party.case_id,
            "service_level": ServiceLevel.ENHANCED,
            "enhanced_reason": reason,
            # Every victim has one named contact from the start: the case's lead
            # officer, until someone else is named (with a reason).
            "point_of_contact_id": party.case.lead_officer_id,
        },
    )
    return care


def victim_update_open(
    *,
    actor: User | None,
    care: VictimCare,
    trigger: str,
    reason: str,
    source_key: str,
    moment: datetime,
    event: InvestigationEvent | None = None,
) -> Duty:
    """One update owed to one victim, due by their service level's timescale; for a
    victim who asked not to be updated, recorded as not wanted."""
    party = care.party
    return duty_open(
        actor=actor,
        case=party.case,
        party=party,
        kind=DutyKind.VICTIM_UPDATE,
        trigger=trigger,
        reason=reason,
        due_at=due_in_working_days(moment, victim_update_working_days(care.service_level)),
        source_key=source_key,
        event=event,
        closed_as=None if care.wants_updates else DutyStatus.OPTED_OUT,
        closed_note="" if care.wants_updates else OPTED_OUT_NOTE,
    )


def on_event_recorded(*, event: InvestigationEvent, actor: User) -> None:
    if event.kind not in VICTIM_UPDATE_EVENTS:
        return
    victims = (
        CaseParty.objects.filter(case_id=event.case_id, role=PartyRole.VICTIM)
        .select_related("case__lead_officer", "person")
        .prefetch_related(
            Prefetch("victim_care", queryset=VictimCare.objects.select_related("point_of_contact"))
        )
    )
    reason = f"{event.get_kind_display()}, {event_moment_text(event)}"
    for victim in victims:
        care = getattr(victim, "victim_care", None) or victim_care_get_or_create(victim)
        care.party = victim
        victim_update_open(
            actor=actor,
            care=care,
            trigger=DutyTrigger.EVENT,
            reason=reason,
            source_key=f"event:{event.pk}:victim_update:{victim.pk}",
            moment=event.occurred_at,
            event=event,
        )


def on_party_added(*, party: CaseParty, actor: User) -> None:
    """A new victim: their care record, and the referral to support that is due.
    The Victims' Code's duties fall to the police: a victim recorded in a case of
    children's services or the hub owes them nothing here."""
    if party.role != PartyRole.VICTIM or party.case.owning_agency.kind != AgencyKind.POLICE:
        return
    # The care record names the contact the referral falls to (`duty_owners`).
    victim_care_get_or_create(party)
    recorded = crime_recorded_at(party.case)
    duty_open(
        actor=actor,
        case=party.case,
        party=party,
        kind=DutyKind.VICTIM_SUPPORT_REFERRAL,
        trigger=DutyTrigger.CRIME_RECORDED,
        reason=f"Crime recorded on {day_text(recorded)}",
        due_at=due_in_working_days(recorded, settings.VICTIM_SUPPORT_REFERRAL_WORKING_DAYS),
        source_key=f"victim:{party.pk}:victim_support_referral",
    )
