"""The demo's Victims' Right to Review (issue 19, docs/adr/0017): a Northshire case
that officer.north leads and worked alone. The suspect was interviewed; officer.north
decided not to charge for evidential reasons (outcome 15); the victim's mother was
told of the right to ask for a review by phone the next day; she asked, and
supervisor.north assigned the review to investigator.north, who had no part in the
case. Built through the services, like the rest of the demo. Idempotent: nothing is
done when the case exists."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from agencies.working_days import is_working_day
from cases.models import Case
from cases.services.cases import case_create
from cases.services.events import investigation_event_record
from cases.services.outcomes import outcome_record
from cases.services.people import party_add_for_person
from welfare.models import Duty, DutyKind
from welfare.services.duty_meet import duty_meet_by_contact
from welfare.services.duty_referral import duty_meet_by_referral
from welfare.services.right_to_review import review_assign, review_request_record
from welfare.services.suspect_screenings import welfare_screening_record

SOURCE_REFERENCE = "DEMO-VRR-0001"


def _working_day_before(day: date, count: int) -> date:
    while count:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _duties_of_care_kept(officer, case, victim, suspect, interviewed_at: datetime) -> None:
    """The weeks before the decision, as a careful officer kept them: the victim's
    updates logged when due, the referral to support declined by her mother, the
    suspect screened after his interview. Without this the case's old duties would
    sit overdue on officer.north's home, above today's work."""
    duty_meet_by_referral(
        actor=officer,
        duty=Duty.objects.get(case=case, party=victim, kind=DutyKind.VICTIM_SUPPORT_REFERRAL),
        declined_reason="Ruby's mother declined a referral: the school's counsellor supports Ruby.",
    )
    welfare_screening_record(
        actor=officer,
        case=case,
        suspect=suspect,
        screened_at=interviewed_at + timedelta(hours=2),
        thoughts_of_suicide="no",
        previous_attempts="no",
        mental_health_concerns="no",
        support_around_them="yes",
        result="not_at_risk",
    )
    _updates_kept(officer, case, victim)


def _updates_kept(officer, case, victim) -> None:
    now = timezone.now()
    # Each update met opens the next regular one: met while it falls in the past.
    for _ in range(12):
        update = (
            Duty.objects.filter(case=case, party=victim, kind=DutyKind.VICTIM_UPDATE, status="open")
            .order_by("due_at")
            .first()
        )
        if update is None or update.due_at >= now:
            break
        duty_meet_by_contact(
            actor=officer,
            duty=update,
            channel="phone",
            summary="Updated Ruby's mother on the investigation.",
            contacted_at=update.due_at - timedelta(hours=3),
        )


def seed_right_to_review_demo() -> str:
    if Case.objects.filter(source_reference=SOURCE_REFERENCE).exists():
        return "already seeded"
    users = {
        user.username: user
        for user in User.objects.select_related("membership").filter(
            username__in=["officer.north", "supervisor.north", "investigator.north"]
        )
    }
    officer = users["officer.north"]
    today = timezone.localdate()
    decided_on = _working_day_before(today, 15)
    told_on = _working_day_before(today, 14)
    asked_on = _working_day_before(today, 8)
    case = case_create(
        actor=officer,
        title="Online grooming of a 13-year-old: decision not to charge under review",
        source="victim_or_parent",
        source_reference=SOURCE_REFERENCE,
        received_on=decided_on - timedelta(days=70),
        opened_on=decided_on - timedelta(days=70),
        summary=(
            "Messages to a 13-year-old on a gaming platform. The account holder was "
            "interviewed; the account's use by others could not be excluded."
        ),
        lead_officer=officer,
        team=officer.membership.team,
    )
    victim = party_add_for_person(
        actor=officer,
        case=case,
        person=None,
        new_person={
            "first_name": "Ruby",
            "last_name": "Fictional",
            "date_of_birth": today.replace(year=today.year - 13, day=1),
        },
        role="victim",
    )
    suspect = party_add_for_person(
        actor=officer,
        case=case,
        person=None,
        new_person={"first_name": "Dennis", "last_name": "Fictional"},
        role="suspect",
    )
    interviewed_at = _at(decided_on - timedelta(days=30), 10)
    investigation_event_record(
        actor=officer,
        case=case,
        suspect=suspect,
        kind="voluntary_interview",
        occurred_at=interviewed_at,
    )
    _duties_of_care_kept(officer, case, victim, suspect, interviewed_at)
    outcome_record(
        actor=officer,
        case=case,
        suspect=suspect,
        code="15",
        outcome_on=decided_on,
        rationale=(
            "The account was shared in the household and the device examination could not "
            "show who sent the messages: the evidential test is not met."
        ),
    )
    duty = Duty.objects.get(case=case, party=victim, kind=DutyKind.RIGHT_TO_REVIEW)
    duty_meet_by_contact(
        actor=officer,
        duty=duty,
        channel="phone",
        summary=(
            "Told Ruby's mother of the decision not to charge, the reasons, and that she may "
            "ask for it to be reviewed within 3 months; sent the scheme's leaflet."
        ),
        contacted_at=_at(told_on, 11),
    )
    # The decision itself was an update owed to the victim, given in the same call.
    _updates_kept(officer, case, victim)
    request = review_request_record(
        actor=officer,
        case=case,
        victim=victim,
        outcome=case.outcomes.get(),
        received_on=asked_on,
        requested_by="representative",
        representative="Mother, Anne Fictional",
        grounds="She believes the messages could only have come from him.",
    )
    review_assign(
        actor=users["supervisor.north"], request=request, reviewer=users["investigator.north"]
    )
    return f"{case.reference}: a review request assigned to investigator.north"
