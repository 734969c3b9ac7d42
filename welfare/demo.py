"""The demo's duties of care, built through the same services as real work and
relative to the moment the demo is seeded, so that it always shows:

* for `officer.north`: victim updates owed today, one overdue and one met; a victim
  whose named contact changed; open family duties, among them a children-in-household
  referral still open (the sextortion case, whose suspect is now identified);
* the NCMEC case's family with a pack given (the hub's onward referral of the
  children to the family-support charity meets the offer of support, later); its
  suspect at risk of suicide, released under investigation hours ago with a safety
  plan and a 48-hour check due in the near future;
* the activist case's suspect on pre-charge bail ending within 10 working days, whose
  48-hour check was missed;
* welfare contacts with suspects in limbo on their 20-working-day cadence (one
  made, the next due);
* the victim-support referral duties of the older demo victims resolved by their
  referrals, or by a recorded refusal.

Idempotent: it does nothing when the NCMEC suspect already has events."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from agencies.working_days import is_working_day
from cases.models import Case, CaseParty, EventKind, InvestigationEvent
from cases.services.events import investigation_event_record
from cases.services.people import party_add_for_person
from referrals.models import Referral
from safeguarding.models import Flag
from welfare.models import (
    Duty,
    DutyKind,
    DutyStatus,
    SafetyPlan,
    VictimCare,
    WelfareScreening,
)
from welfare.services.duty_meet import duty_meet_by_contact
from welfare.services.duty_referral import duty_meet_by_referral
from welfare.services.family import family_pack_record
from welfare.services.suspect_screenings import safety_plan_record, welfare_screening_record
from welfare.services.victim_care import victim_point_of_contact_change
from welfare.services.welfare_checks import welfare_check_record


def _user(username: str) -> User:
    return User.objects.select_related("membership__agency").get(username=username)


def _case(key: str) -> Case | None:
    return Case.objects.filter(source_reference=key).first()


def _working_days_back(count: int) -> date:
    """The working day `count` working days before today (1: the previous one)."""
    day = timezone.localdate()
    while count:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _open_duty(case: Case, kind: str, party: CaseParty | None = None, event=None) -> Duty | None:
    duties = Duty.objects.filter(case=case, kind=kind, status=DutyStatus.OPEN)
    if party is not None:
        duties = duties.filter(party=party)
    if event is not None:
        duties = duties.filter(event=event)
    return duties.order_by("due_at").first()


def _event(actor, case, suspect, kind, occurred_at, **extra) -> InvestigationEvent:
    return investigation_event_record(
        actor=actor, case=case, suspect=suspect, kind=kind, occurred_at=occurred_at, **extra
    )


def _ncmec(now: datetime) -> None:
    """Dale Example: searched and arrested this morning, at risk, released under
    investigation three hours ago with a safety plan; his family given a pack and
    referred to family support; the children referred to the hub."""
    case = _case("DEMO-NCMEC-0001")
    investigator = _user("investigator.north")
    suspect = case.parties.get(role="suspect")
    arrested_at = now - timedelta(hours=9)
    _event(investigator, case, suspect, EventKind.SEARCHED, arrested_at - timedelta(minutes=20))
    arrest = _event(investigator, case, suspect, EventKind.ARRESTED, arrested_at)
    welfare_screening_record(
        actor=investigator,
        case=case,
        suspect=suspect,
        screened_at=arrested_at + timedelta(minutes=40),
        thoughts_of_suicide="yes",
        previous_attempts="no",
        mental_health_concerns="yes",
        support_around_them="unknown",
        impact_on_job_and_family="Fears losing his job as a teacher and his family.",
        result="at_risk",
        notes="Said he 'might as well not be here'. Custody nurse informed at once.",
        event=arrest,
    )
    safety_plan_record(
        actor=investigator,
        case=case,
        suspect=suspect,
        told=["custody_healthcare", "gp", "next_of_kin"],
        next_of_kin_consent=True,
        support_offered=["samaritans", "stop_it_now"],
        safe_release_arrangements=(
            "Released to his brother's address (not the family home); brother collecting "
            "him from custody; crisis team number given."
        ),
        notes="Agreed to a call from the officer tomorrow morning.",
    )
    release = _event(
        investigator,
        case,
        suspect,
        EventKind.RELEASED_UNDER_INVESTIGATION,
        now - timedelta(hours=3),
    )
    screening_due = _open_duty(case, DutyKind.WELFARE_SCREENING, suspect, release)
    if screening_due is not None:
        welfare_screening_record(
            actor=investigator,
            case=case,
            suspect=suspect,
            screened_at=now - timedelta(hours=3, minutes=-10),
            thoughts_of_suicide="yes",
            previous_attempts="no",
            mental_health_concerns="yes",
            support_around_them="yes",
            result="at_risk",
            notes="Calmer; brother present. The safety plan stands.",
            event=release,
        )
    family_pack_record(
        actor=investigator,
        case=case,
        suspect=suspect,
        given=True,
        given_on=timezone.localtime(arrested_at).date(),
        given_to="Erin Example (partner)",
        pack_version="Northshire family pack, version 3 (2026)",
        accepted=True,
        event=arrest,
    )
    # The offer of support to the family is left open here: the hub, which holds the
    # case since it accepted the children's referral, refers the children on to the
    # family-support charity, and that referral meets it (referrals.demo_partners).
    children = _open_duty(case, DutyKind.CHILDREN_SAFEGUARDING_REFERRAL, suspect)
    to_hub = Referral.objects.filter(case=case, purpose="safeguarding").first()
    if children is not None and to_hub is not None:
        duty_meet_by_referral(actor=investigator, duty=children, referral=to_hub)


def _activist(now: datetime) -> None:
    """Arrested six days ago, unknown risk, bailed that evening with bail ending
    within 10 working days; nobody made the 48-hour check."""
    case = _case("DEMO-ACT-0004")
    investigator = _user("investigator.north")
    suspect = case.parties.get(role="suspect")
    arrested_on = timezone.localdate() - timedelta(days=6)
    arrest = _event(investigator, case, suspect, EventKind.ARRESTED, _at(arrested_on, 10))
    welfare_screening_record(
        actor=investigator,
        case=case,
        suspect=suspect,
        screened_at=_at(arrested_on, 10, 30),
        thoughts_of_suicide="unknown",
        previous_attempts="unknown",
        mental_health_concerns="unknown",
        support_around_them="no",
        impact_on_job_and_family="Filmed by the group; the video has been shared locally.",
        result="unknown",
        notes="Would not answer; lives alone. Unknown is not safe.",
        event=arrest,
    )
    safety_plan_record(
        actor=investigator,
        case=case,
        suspect=suspect,
        told=["custody_healthcare", "gp"],
        next_of_kin_consent=None,
        support_offered=["samaritans", "stop_it_now", "solicitor"],
        safe_release_arrangements="Taxi home arranged; crisis team leaflet given.",
    )
    bailed = _event(
        investigator,
        case,
        suspect,
        EventKind.BAILED,
        _at(arrested_on, 20),
        bail_end_on=timezone.localdate() + timedelta(days=9),
        details="Not to contact the group's members; reside at home address.",
    )
    screening_due = _open_duty(case, DutyKind.WELFARE_SCREENING, suspect, bailed)
    if screening_due is not None:
        welfare_screening_record(
            actor=investigator,
            case=case,
            suspect=suspect,
            screened_at=_at(arrested_on, 19, 45),
            thoughts_of_suicide="no",
            previous_attempts="unknown",
            mental_health_concerns="unknown",
            support_around_them="no",
            result="unknown",
            event=bailed,
        )


def _sextortion(now: datetime) -> None:
    """The extortion account's holder identified and arrested four working days ago:
    the update about his arrest was given, the one about his release is overdue, the
    one about yesterday's further interview is due today; his household includes a
    child, not yet referred to the hub."""
    case = _case("DEMO-SEXT-0002")
    officer = _user("officer.north")
    victim = case.parties.get(role="victim")
    suspect = party_add_for_person(
        actor=officer,
        case=case,
        person=None,
        new_person={
            "first_name": "Kyle",
            "last_name": "Demo",
            "gender": "male",
            "date_of_birth": date(timezone.localdate().year - 24, 3, 14),
            "address": "7 Imaginary Close, Northtown NT4 0ZZ",
        },
        role="suspect",
    )
    party_add_for_person(
        actor=officer,
        case=case,
        person=None,
        new_person={
            "first_name": "Lily",
            "last_name": "Demo-Parker",
            "gender": "female",
            "date_of_birth": date(timezone.localdate().year - 9, 6, 2),
            "address": "7 Imaginary Close, Northtown NT4 0ZZ",
        },
        role="child_in_household",
        related_to=suspect,
        relationship="partner's daughter",
    )
    arrest_day = _working_days_back(4)
    arrest = _event(officer, case, suspect, EventKind.ARRESTED, _at(arrest_day, 10))
    welfare_screening_record(
        actor=officer,
        case=case,
        suspect=suspect,
        screened_at=_at(arrest_day, 10, 20),
        thoughts_of_suicide="no",
        previous_attempts="no",
        mental_health_concerns="no",
        support_around_them="yes",
        result="not_at_risk",
        event=arrest,
    )
    released = _event(
        officer, case, suspect, EventKind.RELEASED_UNDER_INVESTIGATION, _at(arrest_day, 18)
    )
    welfare_screening_record(
        actor=officer,
        case=case,
        suspect=suspect,
        screened_at=_at(arrest_day, 17, 50),
        thoughts_of_suicide="no",
        previous_attempts="no",
        mental_health_concerns="no",
        support_around_them="yes",
        result="not_at_risk",
        event=released,
    )
    told_of_arrest = _open_duty(case, DutyKind.VICTIM_UPDATE, victim, arrest)
    duty_meet_by_contact(
        actor=officer,
        duty=told_of_arrest,
        channel="phone",
        summary="Told Holly's mother that a man has been arrested; explained what happens next.",
        contacted_at=_at(arrest_day, 16),
    )
    # In limbo since his release: the first welfare contact was made (through his
    # solicitor), and the next falls due 20 working days after it.
    first_contact = _open_duty(case, DutyKind.WELFARE_CONTACT, suspect)
    welfare_check_record(
        actor=officer,
        duty=first_contact,
        outcome="spoke",
        channel="phone",
        risk_now="unchanged",
        what_was_said="Welfare call: told the phone examination continues; he is coping.",
        support_offered="Samaritans and Stop It Now again; his solicitor has the numbers.",
        made_at=_at(_working_days_back(2), 11),
    )
    _event(
        officer,
        case,
        suspect,
        EventKind.INTERVIEWED,
        _at(_working_days_back(1), 10),
        details="Further interview under caution after the phone was examined.",
    )
    # Her named contact was the investigator who took over the extortion enquiry;
    # he has moved to Operation Bramble, and Olivia Northam is named instead.
    investigator = _user("investigator.north")
    care = VictimCare.objects.get(party=victim)
    victim_point_of_contact_change(
        actor=officer,
        care=care,
        expected_version=care.version,
        point_of_contact=investigator,
        reason="The investigator leading the extortion enquiry is her contact.",
    )
    told = (
        Duty.objects.filter(party=victim, trigger="new_point_of_contact", status=DutyStatus.OPEN)
        .order_by("created_at")
        .first()
    )
    duty_meet_by_contact(
        actor=investigator,
        duty=told,
        channel="phone",
        summary="Introduced myself to Holly's mother as their named contact.",
        contacted_at=timezone.now(),
    )
    care.refresh_from_db()
    victim_point_of_contact_change(
        actor=officer,
        care=care,
        expected_version=care.version,
        point_of_contact=officer,
        reason="The investigator has moved to Operation Bramble; PC Northam takes over.",
    )


def _older_victims(now: datetime) -> None:
    """The victim-support duty of each earlier demo victim: met by the referral that
    was sent, or closed by the refusal the family gave."""
    for key, username in (
        ("DEMO-SEXT-0002", "officer.north"),
        ("DEMO-GAME-0007", "officer.north"),
        ("DEMO-SOUTH-0006", "officer.south"),
    ):
        case = _case(key)
        if case is None:
            continue
        actor = _user(username)
        referral = Referral.objects.filter(case=case, purpose="victim_support").first()
        for duty in Duty.objects.filter(
            case=case, kind=DutyKind.VICTIM_SUPPORT_REFERRAL, status=DutyStatus.OPEN
        ):
            if referral is not None:
                duty_meet_by_referral(actor=actor, duty=duty, referral=referral)
    youth = _case("DEMO-YPI-0003")
    if youth is not None:
        officer = _user("officer.north")
        for duty in Duty.objects.filter(case=youth, status=DutyStatus.OPEN).order_by("due_at"):
            if duty.kind == DutyKind.VICTIM_SUPPORT_REFERRAL:
                duty_meet_by_referral(
                    actor=officer,
                    duty=duty,
                    declined_reason="Her parents declined: the school counsellor supports her.",
                )
            elif duty.kind == DutyKind.VICTIM_UPDATE:
                duty_meet_by_contact(
                    actor=officer,
                    duty=duty,
                    channel="visit",
                    summary="Explained the Outcome 21 decision to her and her parents.",
                    contacted_at=min(duty.due_at - timedelta(hours=2), now),
                )


def _as_made_when_screened(case: Case) -> None:
    """The demo records the past now: the flag a screening raised and the plan made
    after it carry the moment of the screening, as they would have in custody, not
    the moment the demo was seeded."""
    screening = (
        WelfareScreening.objects.filter(case=case, result__in=["at_risk", "unknown"])
        .order_by("screened_at")
        .first()
    )
    if screening is None:
        return
    if screening.flag_id is not None:
        Flag.objects.filter(pk=screening.flag_id).update(raised_at=screening.screened_at)
    first_plan = SafetyPlan.objects.filter(suspect=screening.suspect).order_by("created_at")
    SafetyPlan.objects.filter(pk__in=first_plan.values("pk")[:1]).update(
        created_at=screening.screened_at + timedelta(hours=1)
    )


def seed_welfare() -> str:
    ncmec = _case("DEMO-NCMEC-0001")
    if ncmec is None:
        return "no demo cases"
    if InvestigationEvent.objects.filter(case=ncmec).exists():
        return "already there"
    now = timezone.now()
    _ncmec(now)
    _activist(now)
    _sextortion(now)
    _older_victims(now)
    for key in ("DEMO-NCMEC-0001", "DEMO-ACT-0004"):
        _as_made_when_screened(_case(key))
    return "investigation events, victim updates, family support and suspect welfare"
