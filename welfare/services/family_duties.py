"""The duties to a suspect's family that an arrest or a search creates
(Recommendation 11): a family pack, an offer of support, and for children in the
household, a referral to the safeguarding hub within 1 working day."""

from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from cases.models import CaseParty, EventKind, InvestigationEvent, PartyRole
from common.dates import day_text
from welfare.models import Duty, DutyKind, DutyTrigger
from welfare.services.duties import due_in_working_days, duty_open, event_moment_text

# The events at which a family first feels the investigation.
FAMILY_EVENTS = frozenset({EventKind.ARRESTED, EventKind.SEARCHED})


def household_children_list(suspect: CaseParty) -> QuerySet[CaseParty]:
    return CaseParty.objects.filter(
        case_id=suspect.case_id, role=PartyRole.CHILD_IN_HOUSEHOLD, related_to=suspect
    )


def _children_duty_open(
    *,
    actor: User,
    suspect: CaseParty,
    moment: datetime,
    reason: str,
    trigger: str,
    event: InvestigationEvent | None = None,
) -> Duty:
    return duty_open(
        actor=actor,
        case=suspect.case,
        party=suspect,
        kind=DutyKind.CHILDREN_SAFEGUARDING_REFERRAL,
        trigger=trigger,
        reason=reason,
        event=event,
        due_at=due_in_working_days(moment, settings.CHILDREN_SAFEGUARDING_REFERRAL_WORKING_DAYS),
        # One referral for the household, whatever the number of events or children.
        source_key=f"suspect:{suspect.pk}:children_safeguarding_referral",
    )


def on_event_recorded(*, event: InvestigationEvent, actor: User) -> None:
    if event.kind not in FAMILY_EVENTS:
        return
    suspect = event.suspect
    reason = f"{event.get_kind_display()}, {event_moment_text(event)}"
    common: dict[str, Any] = {"actor": actor, "case": event.case, "party": suspect, "event": event}
    for kind, working_days in (
        (DutyKind.FAMILY_PACK, settings.FAMILY_PACK_WORKING_DAYS),
        (DutyKind.FAMILY_SUPPORT_OFFER, settings.FAMILY_SUPPORT_OFFER_WORKING_DAYS),
    ):
        duty_open(
            **common,
            kind=kind,
            trigger=DutyTrigger.EVENT,
            reason=reason,
            due_at=due_in_working_days(event.occurred_at, working_days),
            source_key=f"suspect:{suspect.pk}:{kind.value}",
        )
    if household_children_list(suspect).exists():
        _children_duty_open(
            actor=actor,
            suspect=suspect,
            moment=event.occurred_at,
            reason=reason,
            trigger=DutyTrigger.EVENT,
            event=event,
        )


def on_party_added(*, party: CaseParty, actor: User) -> None:
    """A child recorded in the household of a suspect already arrested or searched
    brings the hub referral due from now."""
    if party.role != PartyRole.CHILD_IN_HOUSEHOLD or party.related_to_id is None:
        return
    suspect = cast(CaseParty, party.related_to)
    if not InvestigationEvent.objects.filter(suspect=suspect, kind__in=FAMILY_EVENTS).exists():
        return
    now = timezone.now()
    _children_duty_open(
        actor=actor,
        suspect=suspect,
        moment=now,
        trigger=DutyTrigger.CHILD_ADDED,
        reason=f"Child recorded in the household of an arrested or searched suspect, "
        f"{day_text(now)}",
    )
