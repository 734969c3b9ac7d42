"""Whom each duty falls to: the one place that decides it (`duty_owner`), asked by
`welfare.services.duties.duty_open` for every duty opened, whatever opened it.

Who may hold a duty (`can_hold`): an active member of the agency that owns the
case in a role that may meet duties (`welfare.duty.meet`: the police casework
roles). Nobody else is ever made responsible.

Which kind goes to whom, the first who can hold it:

* Victim duties (the update owed after an event, the regular update, the
  referral to support): the victim's named point of contact
  (`VictimCare.point_of_contact`), else the case's lead officer. The contact was
  named for this on purpose, so the lead is not told each time.
* Duties that follow an investigation event (the welfare screening, the safety
  plan and the 48-hour check after an arrest or a release, the welfare contact of
  release under investigation or bail, the family's pack, support offer and the
  children's referral after an arrest or a search): the officer who recorded the
  event (`InvestigationEvent.recorded_by`), else the lead officer. When the event's
  duties go to someone other than the lead, the lead is told once per event and
  person (`welfare.duty_routed`), through the one notification path.
* Everything else (a welfare contact due by the cadence, a child added to the
  household, a conditional caution's compliance, and any duty whose handler names
  no one): the person the handler names, else the lead officer.

A handler may name the person (`responsible=`, an escalation to a supervisor, say):
they hold it if they can. When neither the routed person nor the lead can hold it
(the lead left the force), the officer whose action opened it does, if they can;
else the lead stays named, and the sweep tells the supervisors of the case's team
(`agencies.selectors.supervision.Recipients`). A duty names nobody only when the
case has no lead and nobody above could hold it."""

from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse

from agencies.access import CAPABILITIES, holds_role
from agencies.models import Membership
from cases.models import Case, CaseParty, InvestigationEvent
from common.notifications import notify
from welfare.models import FAMILY_DUTIES, SUSPECT_DUTIES, VICTIM_DUTIES, DutyKind, VictimCare

# Who may be made responsible for a duty: whoever may meet one.
DUTY_HOLDER_ROLES = CAPABILITIES["welfare.duty.meet"]
# Duties that go to the officer who recorded the event that opened them.
EVENT_RECORDER_DUTIES = (SUSPECT_DUTIES | FAMILY_DUTIES) - {DutyKind.CAUTION_COMPLIANCE}
ROUTED_NOTICE = "welfare.duty_routed"


def can_hold(user: User | None, *, case: Case) -> bool:
    """Whether `user` may be made responsible for a duty of `case`."""
    return holds_role(user, agency_id=case.owning_agency_id, roles=DUTY_HOLDER_ROLES)


def duty_holder_list(case: Case) -> list[User]:
    """Everyone who may hold a duty of `case` (`can_hold`), by name: whom a duty may
    be reassigned to."""
    return [
        membership.user
        for membership in Membership.objects.filter(
            agency_id=case.owning_agency_id,
            role__in=sorted(DUTY_HOLDER_ROLES),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    ]


def _named_contact(party: CaseParty) -> User | None:
    # The care record may already be on the party (the event handler prefetches it).
    try:
        care: VictimCare | None = party.victim_care
    except VictimCare.DoesNotExist:
        care = None
    return care.point_of_contact if care is not None else None


def _routed(
    *, kind: str, party: CaseParty, event: InvestigationEvent | None, requested: User | None
) -> User | None:
    if requested is not None:
        return requested
    if kind in VICTIM_DUTIES:
        return _named_contact(party)
    if kind in EVENT_RECORDER_DUTIES and event is not None:
        return event.recorded_by
    return None


def duty_owner(
    *,
    actor: User | None,
    case: Case,
    party: CaseParty,
    kind: str,
    event: InvestigationEvent | None = None,
    requested: User | None = None,
) -> User | None:
    """The one person responsible for a new duty of `kind` (see the module's rules)."""
    lead = case.lead_officer
    asked: set[Any] = set()
    routed = _routed(kind=kind, party=party, event=event, requested=requested)
    for candidate in (routed, lead, actor):
        # Each person is asked about once (one query each).
        if candidate is None or candidate.pk in asked:
            continue
        asked.add(candidate.pk)
        if can_hold(candidate, case=case):
            return candidate
    return lead


def lead_told_of_routing(
    *, case: Case, kind: str, event: InvestigationEvent | None, to: User | None
) -> None:
    """Tell the case's lead officer that a duty of their case went to someone else
    (the officer who recorded its event): once per event and person, so that an
    arrest's several duties are one notice. Nothing personal in the message."""
    lead = case.lead_officer
    if kind not in EVENT_RECORDER_DUTIES or event is None or to is None:
        # A victim's duty went to the contact someone named for it: nothing to tell.
        return
    if lead is None or not lead.is_active or to.pk == lead.pk:
        return
    notify(
        user=lead,
        kind=ROUTED_NOTICE,
        message="Duties from an event in a case you lead went to the officer who recorded it.",
        # The case page: an event's duties sit in several of its sections.
        link=reverse("case-detail", args=[case.pk]),
        dedupe_key=f"duty_routed:event:{event.pk}:to:{to.pk}",
    )
