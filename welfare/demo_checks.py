"""The demo's welfare checks (issue 16), on two cases investigator.north leads:

* DEMO-CHECK-0001: a suspect screened at risk of suicide, released with a safety
  plan 6 hours before the seed; the 48-hour check an hour before the seed could not
  reach him, so a second attempt is due 3 hours after the seed.
* DEMO-CHECK-0002: a suspect released at risk 10 days before the seed, whose 48-hour
  check was made 92 hours late: the case page, the check's page and the statistics
  say so.

Built through the services, like the rest of the demo. Idempotent: a case that
exists is not built again."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from cases.models import Case, CaseParty, EventKind
from cases.services.cases import case_create
from cases.services.events import investigation_event_record
from cases.services.people import party_add_for_person
from welfare.models import Duty, DutyKind, DutyStatus
from welfare.services.suspect_screenings import safety_plan_record, welfare_screening_record
from welfare.services.welfare_checks import welfare_check_record

NOT_REACHED_REFERENCE = "DEMO-CHECK-0001"
LATE_REFERENCE = "DEMO-CHECK-0002"
LATE_BY_HOURS = 92


def _released_at_risk(
    *,
    investigator: User,
    reference: str,
    title: str,
    name: tuple[str, str],
    released: datetime,
) -> tuple[Case, CaseParty, Duty]:
    """Arrested 8 hours before `released`, screened at risk, a safety plan, released:
    the 48-hour check is owed."""
    arrested = released - timedelta(hours=8)
    received_on = timezone.localtime(arrested).date() - timedelta(days=30)
    case = case_create(
        actor=investigator,
        title=title,
        source="nca_industry_report",
        source_reference=reference,
        received_on=received_on,
        opened_on=received_on,
        summary="Indecent images of children; the suspect was arrested at home.",
        lead_officer=investigator,
        team=investigator.membership.team,
    )
    suspect = party_add_for_person(
        actor=investigator,
        case=case,
        person=None,
        new_person={"first_name": name[0], "last_name": name[1]},
        role="suspect",
    )
    arrest = investigation_event_record(
        actor=investigator,
        case=case,
        suspect=suspect,
        kind=EventKind.ARRESTED,
        occurred_at=arrested,
    )
    welfare_screening_record(
        actor=investigator,
        case=case,
        suspect=suspect,
        screened_at=arrested + timedelta(minutes=40),
        thoughts_of_suicide="yes",
        previous_attempts="no",
        mental_health_concerns="yes",
        support_around_them="unknown",
        result="at_risk",
        notes="Said in custody that he could not face his family.",
        event=arrest,
    )
    safety_plan_record(
        actor=investigator,
        case=case,
        suspect=suspect,
        told=["custody_healthcare", "gp"],
        next_of_kin_consent=None,
        support_offered=["samaritans", "stop_it_now"],
        safe_release_arrangements="Driven to his brother's, who has agreed to stay with him.",
    )
    investigation_event_record(
        actor=investigator,
        case=case,
        suspect=suspect,
        kind=EventKind.RELEASED_UNDER_INVESTIGATION,
        occurred_at=released,
    )
    check = Duty.objects.get(party=suspect, kind=DutyKind.WELFARE_CHECK, status=DutyStatus.OPEN)
    return case, suspect, check


def seed_welfare_checks_demo() -> str:
    investigator = User.objects.select_related("membership").get(username="investigator.north")
    now = timezone.now()
    made = []
    if not Case.objects.filter(source_reference=NOT_REACHED_REFERENCE).exists():
        case, _, check = _released_at_risk(
            investigator=investigator,
            reference=NOT_REACHED_REFERENCE,
            title="Indecent images: suspect released at risk, not reached",
            name=("Martin", "Reach"),
            released=now - timedelta(hours=6),
        )
        welfare_check_record(
            actor=investigator,
            duty=check,
            outcome="not_reached",
            channel="phone",
            made_at=now - timedelta(hours=1),
            notes="No answer on his mobile or his brother's; voicemail left.",
        )
        made.append(f"{case.reference}: could not reach, second attempt due")
    if not Case.objects.filter(source_reference=LATE_REFERENCE).exists():
        released = now - timedelta(days=10)
        case, _, check = _released_at_risk(
            investigator=investigator,
            reference=LATE_REFERENCE,
            title="Indecent images: 48-hour check made late",
            name=("Leonard", "Late"),
            released=released,
        )
        welfare_check_record(
            actor=investigator,
            duty=check,
            outcome="spoke",
            channel="visit",
            risk_now="unchanged",
            what_was_said="Visited at home: low in mood but safe; his brother is with him.",
            support_offered="Samaritans and Stop It Now again; his GP has an appointment.",
            made_at=released + timedelta(hours=settings.WELFARE_CHECK_HOURS + LATE_BY_HOURS),
        )
        made.append(f"{case.reference}: 48-hour check made {LATE_BY_HOURS} hours late")
    return "; ".join(made) or "already seeded"
