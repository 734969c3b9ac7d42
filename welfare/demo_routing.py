"""The demo's duty routing (issue 16), on two Northshire cases:

* DEMO-ROUTE-0001, led by officer.north (a generalist of the North Response Team):
  investigator.north recorded the arrest an hour before the seed, so the arrest's
  duties (the 2-hour screening, the family pack, the support offer) are
  investigator.north's own, on their home page and duties list; officer.north was
  told they went to the investigator.
* DEMO-ROUTE-0002, also led by officer.north: a suspect screened at risk and
  released with a safety plan 3 days before the seed, whose 48-hour check was
  missed a day ago. officer.north's team has no supervisor, so supervisor.north
  (Online CSA) covers it: it is on their Team duties page, and the sweep tells them.

Built through the services, like the rest of the demo. Idempotent: a case that
exists is not built again."""

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from cases.models import Case, CaseParty, EventKind
from cases.services.cases import case_create
from cases.services.events import investigation_event_record
from cases.services.people import party_add_for_person
from welfare.services.suspect_screenings import safety_plan_record, welfare_screening_record

ARREST_REFERENCE = "DEMO-ROUTE-0001"
MISSED_REFERENCE = "DEMO-ROUTE-0002"


def _case_with_suspect(
    *, lead: User, reference: str, title: str, name: tuple[str, str], first_seen: datetime
) -> tuple[Case, CaseParty]:
    received_on = timezone.localtime(first_seen).date() - timedelta(days=21)
    case = case_create(
        actor=lead,
        title=title,
        source="nca_industry_report",
        source_reference=reference,
        received_on=received_on,
        opened_on=received_on,
        summary="Indecent images of children traced to an address in Northshire.",
        lead_officer=lead,
        team=lead.membership.team,
    )
    suspect = party_add_for_person(
        actor=lead,
        case=case,
        person=None,
        new_person={"first_name": name[0], "last_name": name[1]},
        role="suspect",
    )
    return case, suspect


def _screened_at_risk(*, actor: User, case: Case, suspect: CaseParty, event, at: datetime) -> None:
    welfare_screening_record(
        actor=actor,
        case=case,
        suspect=suspect,
        screened_at=at,
        thoughts_of_suicide="yes",
        previous_attempts="no",
        mental_health_concerns="yes",
        support_around_them="unknown",
        result="at_risk",
        notes="Said he did not know how he would face his family.",
        event=event,
    )


def _arrest_by_the_investigator(officer: User, investigator: User, now: datetime) -> str:
    case, suspect = _case_with_suspect(
        lead=officer,
        reference=ARREST_REFERENCE,
        title="Indecent images: arrest by the specialist investigator",
        name=("Rory", "Routed"),
        first_seen=now,
    )
    investigation_event_record(
        actor=investigator,
        case=case,
        suspect=suspect,
        kind=EventKind.ARRESTED,
        occurred_at=now - timedelta(hours=1),
    )
    return f"{case.reference}: arrest by investigator.north, its duties theirs"


def _missed_check_without_a_team_supervisor(officer: User, now: datetime) -> str:
    released = now - timedelta(days=3)
    arrested = released - timedelta(hours=8)
    case, suspect = _case_with_suspect(
        lead=officer,
        reference=MISSED_REFERENCE,
        title="Indecent images: 48-hour check missed, no team supervisor",
        name=("Miles", "Missed"),
        first_seen=arrested,
    )
    arrest = investigation_event_record(
        actor=officer, case=case, suspect=suspect, kind=EventKind.ARRESTED, occurred_at=arrested
    )
    _screened_at_risk(
        actor=officer, case=case, suspect=suspect, event=arrest, at=arrested + timedelta(hours=1)
    )
    safety_plan_record(
        actor=officer,
        case=case,
        suspect=suspect,
        told=["custody_healthcare", "gp"],
        next_of_kin_consent=None,
        support_offered=["samaritans", "stop_it_now"],
        safe_release_arrangements="Collected by his sister, who will stay with him.",
    )
    release = investigation_event_record(
        actor=officer,
        case=case,
        suspect=suspect,
        kind=EventKind.RELEASED_UNDER_INVESTIGATION,
        occurred_at=released,
    )
    # Screened again at release, as custody does: the 48-hour check is what was missed.
    _screened_at_risk(actor=officer, case=case, suspect=suspect, event=release, at=released)
    return f"{case.reference}: 48-hour check missed by officer.north, seen by supervisor.north"


def seed_duty_routing_demo() -> str:
    officer = User.objects.select_related("membership__team").get(username="officer.north")
    investigator = User.objects.get(username="investigator.north")
    now = timezone.now()
    made = []
    if not Case.objects.filter(source_reference=ARREST_REFERENCE).exists():
        made.append(_arrest_by_the_investigator(officer, investigator, now))
    if not Case.objects.filter(source_reference=MISSED_REFERENCE).exists():
        made.append(_missed_check_without_a_team_supervisor(officer, now))
    return "; ".join(made) or "already seeded"
