"""A year of the force's history for the suspect welfare statistics: sixteen
closed cases of indecent images of children, each suspect arrested, screened,
released, charged and the case closed, with safety plans and 48-hour checks for
those at risk, welfare contacts while they waited, and two incidents. Built
through the services, like the rest of the demo, so that the figures are the
product's own; enough of them that the published statistics show numbers and not
only "fewer than 5". Idempotent: nothing is done when the first exists."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from cases.demo import demo_case_close
from cases.models import Case, EventKind
from cases.services.cases import case_create
from cases.services.events import investigation_event_record
from cases.services.outcomes import outcome_record
from cases.services.people import party_add_for_person
from safeguarding.models import Flag
from safeguarding.services.flags import flag_clear
from welfare.models import Duty, DutyKind, DutyStatus
from welfare.services.duty_referral import duty_meet_by_referral
from welfare.services.family import family_pack_record
from welfare.services.suspect_incidents import welfare_incident_record
from welfare.services.suspect_screenings import safety_plan_record, welfare_screening_record
from welfare.services.welfare_checks import welfare_check_record

HISTORY = 16
# The result of each suspect's screenings, in turn: mostly not at risk, as in the
# report's force (15% flagged) but a little more, so that the figures publish.
RESULTS = ["not_at_risk", "at_risk", "not_at_risk", "unknown", "not_at_risk", "at_risk"]
KEY = "DEMO-HIST-{:02d}"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _days(today: date) -> list[date]:
    """The arrest days: spread over the months before today, the last one 60 days
    ago so that every case has been charged and closed."""
    last = today - timedelta(days=60)
    first = max(date(last.year, 1, 5), last - timedelta(days=240))
    if (last - first).days < HISTORY:
        first = last - timedelta(days=240)
    step = (last - first).days // HISTORY
    return [first + timedelta(days=step * number) for number in range(HISTORY)]


def _open(duty_kind: str, suspect) -> Duty | None:
    return (
        Duty.objects.filter(party=suspect, kind=duty_kind, status=DutyStatus.OPEN)
        .order_by("due_at")
        .first()
    )


def _screen(actor: User, case: Case, suspect, at: datetime, result: str) -> None:
    yes_or_no = "yes" if result == "at_risk" else "no"
    welfare_screening_record(
        actor=actor,
        case=case,
        suspect=suspect,
        screened_at=at,
        thoughts_of_suicide=yes_or_no if result != "unknown" else "unknown",
        previous_attempts="no" if result != "unknown" else "unknown",
        mental_health_concerns=yes_or_no if result != "unknown" else "unknown",
        support_around_them="yes",
        result=result,
    )


def _history_case(investigator: User, number: int, arrested_on: date) -> None:
    result = RESULTS[number % len(RESULTS)]
    case = case_create(
        actor=investigator,
        title=f"Indecent images of children: industry report {number + 1} (history)",
        source="nca_industry_report",
        source_reference=KEY.format(number + 1),
        received_on=arrested_on - timedelta(days=5),
        opened_on=arrested_on - timedelta(days=5),
        lead_officer=investigator,
        team=investigator.membership.team,
    )
    suspect = party_add_for_person(
        actor=investigator,
        case=case,
        person=None,
        new_person={"first_name": "Historic", "last_name": f"Suspect {number + 1}"},
        role="suspect",
    )
    arrest = investigation_event_record(
        actor=investigator,
        case=case,
        suspect=suspect,
        kind=EventKind.ARRESTED,
        occurred_at=_at(arrested_on, 7),
    )
    _screen(investigator, case, suspect, _at(arrested_on, 7, 45), result)
    if result != "not_at_risk":
        safety_plan_record(
            actor=investigator,
            case=case,
            suspect=suspect,
            told=["custody_healthcare", "gp"],
            next_of_kin_consent=None,
            support_offered=["samaritans", "stop_it_now"],
            safe_release_arrangements="Collected from custody by a friend; crisis line given.",
        )
    bailed = number % 4 == 0
    release = investigation_event_record(
        actor=investigator,
        case=case,
        suspect=suspect,
        kind=EventKind.BAILED if bailed else EventKind.RELEASED_UNDER_INVESTIGATION,
        occurred_at=_at(arrested_on, 15),
        bail_end_on=arrested_on + timedelta(days=60) if bailed else None,
    )
    _screen(investigator, case, suspect, _at(arrested_on, 15, 20), result)
    check = _open(DutyKind.WELFARE_CHECK, suspect)
    if check is not None:
        # One of the checks was made late: the statistics say so.
        late = number == 3
        welfare_check_record(
            actor=investigator,
            duty=check,
            outcome="spoke",
            channel="phone",
            risk_now="unchanged",
            what_was_said="Spoke to him after release; the safety plan holds.",
            support_offered="Samaritans and Stop It Now again.",
            made_at=release.occurred_at + timedelta(hours=50 if late else 20),
        )
    family_pack_record(
        actor=investigator,
        case=case,
        suspect=suspect,
        given=True,
        given_on=arrested_on,
        given_to="His partner",
        pack_version="Northshire family pack, version 3",
        accepted=number % 3 != 0,
        event=arrest,
    )
    offer = _open(DutyKind.FAMILY_SUPPORT_OFFER, suspect)
    if offer is not None:
        duty_meet_by_referral(
            actor=investigator,
            duty=offer,
            declined_reason="The family declined: they have the support of relatives.",
        )
    contact = _open(DutyKind.WELFARE_CONTACT, suspect)
    if contact is not None:
        welfare_check_record(
            actor=investigator,
            duty=contact,
            outcome="spoke",
            channel="phone",
            risk_now="unchanged",
            what_was_said="Told him where the investigation stands; he is coping.",
            support_offered="Samaritans and Stop It Now again.",
            made_at=contact.due_at - timedelta(days=1),
        )
    if number == 2:
        welfare_incident_record(
            actor=investigator,
            case=case,
            suspect=suspect,
            kind="self_harm",
            stage="under_investigation",
            occurred_at=_at(arrested_on + timedelta(days=12), 22),
            serious_harm=False,
            description="Cut his arm; treated at home by the paramedics. Seen by his GP.",
        )
    charged_on = arrested_on + timedelta(days=45)
    investigation_event_record(
        actor=investigator,
        case=case,
        suspect=suspect,
        kind=EventKind.CHARGED,
        occurred_at=_at(charged_on, 11),
    )
    _screen(investigator, case, suspect, _at(charged_on, 11, 30), result)
    outcome_record(
        actor=investigator,
        case=case,
        suspect=suspect,
        code="1",
        outcome_on=charged_on,
        rationale="Charged on the advice of the prosecutor.",
    )
    for flag in Flag.objects.filter(party=suspect, cleared_at__isnull=True):
        flag_clear(
            actor=investigator,
            flag=flag,
            reason="Charged: the risk is handed to the court's liaison and diversion service.",
        )
    if _open(DutyKind.SAFETY_PLAN, suspect) is not None:
        # Still at risk at charge: a new plan before he leaves custody for court.
        safety_plan_record(
            actor=investigator,
            case=case,
            suspect=suspect,
            told=["custody_healthcare", "gp"],
            next_of_kin_consent=None,
            support_offered=["samaritans"],
            safe_release_arrangements="Bailed to court; the liaison and diversion service told.",
        )
    demo_case_close(
        case,
        actor=investigator,
        closing_reason="outcome_recorded",
        closed_on=charged_on,
        duties_end="Charged and remanded: the court's liaison and diversion service holds his "
        "welfare now.",
    )


def seed_welfare_history() -> str:
    if Case.objects.filter(source_reference=KEY.format(1)).exists():
        return "already there"
    investigator = User.objects.select_related("membership__team").get(
        username="investigator.north"
    )
    days = _days(timezone.localdate())
    for number, arrested_on in enumerate(days):
        _history_case(investigator, number, arrested_on)
    return f"{len(days)} closed cases for the statistics ({days[0]:%B %Y} to {days[-1]:%B %Y})"
