"""The demo's safeguarding records, built through the same services as real work:
a current level for every demo case, a queue in which a low case that has waited
past its target sits above a newer high one, flags, and a strategy discussion
whose conference due date shows. Runs after the cases demo; idempotent."""

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from agencies.selectors import agency_get_by_slug
from agencies.working_days import is_working_day
from cases.models import Case
from cases.services.cases import case_create
from cases.services.grants import case_grant
from cases.services.people import party_add_for_person
from safeguarding.models import Assessment, FirstAction, Flag, StrategyDiscussion
from safeguarding.services.assessments import assessment_record
from safeguarding.services.child_protection import strategy_discussion_record
from safeguarding.services.flags import flag_raise
from safeguarding.services.queue import case_actioned


def _user(username: str) -> User:
    return User.objects.select_related("membership__agency").get(username=username)


def _days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def _case(key: str) -> Case | None:
    return Case.objects.filter(source_reference=key).first()


def _answers(template_factors: list[str], yes: set[str], unknown: set[str] = frozenset()):
    return {
        key: {"answer": "yes" if key in yes else "unknown" if key in unknown else "no"}
        for key in template_factors
    }


SUSPECT_FACTORS = [
    "previous_sexual_offending",
    "access_to_children",
    "grooming_now",
    "producing_images",
    "other_risk_factors",
    "sextortion",
    "many_victims",
    "first_generation_material",
    "live_streamed_abuse",
    "offender_community_role",
    "category_a_material",
    "evading_detection",
]
VICTIM_FACTORS = ["self_harm_risk", "unsafe_at_home", "no_support_in_place", "communication_needs"]
CHILD_FACTORS = [
    "exposure",
    "contact_with_suspect",
    "parents_cannot_protect",
    "wishes_and_feelings",
    "online_risks",
]


def _assess(actor: User, case: Case, role: str, template: str, factors, yes, unknown=()):
    if Assessment.objects.filter(case=case).exists():
        return
    subject = case.parties.filter(role=role).order_by("created_at").first()
    assessment_record(
        actor=actor,
        case=case,
        subject=subject,
        template_key=template,
        answers=_answers(factors, set(yes), set(unknown)),
        review_on=timezone.localdate() + timedelta(days=28),
    )


def _actioned(actor: User, case: Case, description: str) -> None:
    if not FirstAction.objects.filter(case=case).exists():
        case_actioned(actor=actor, case=case, description=description)


def _waiting_case(key: str, title: str, received_days_ago: int, level_yes: set[str]) -> Case:
    """One more northshire case for the queue, through the cases service."""
    existing = _case(key)
    if existing:
        return existing
    investigator = _user("investigator.north")
    received = _days_ago(received_days_ago)
    case = case_create(
        actor=investigator,
        title=title,
        source="nca_industry_report",
        source_reference=key,
        received_on=received,
        opened_on=received,
        team=investigator.membership.team,
    )
    party_add_for_person(
        actor=investigator,
        case=case,
        person=None,
        new_person={"first_name": "Unknown", "last_name": f"(subscriber of {key.lower()})"},
        role="suspect",
    )
    _assess(investigator, case, "suspect", "online_csa_suspect", SUSPECT_FACTORS, level_yes)
    return case


def seed_safeguarding() -> str:
    investigator = _user("investigator.north")
    officer = _user("officer.north")
    ncmec = _case("DEMO-NCMEC-0001")
    if ncmec is None:
        return "no demo cases to add to"
    # Current levels, through the templates.
    _assess(
        investigator,
        ncmec,
        "suspect",
        "online_csa_suspect",
        SUSPECT_FACTORS,
        {"access_to_children", "category_a_material"},
    )
    sextortion = _case("DEMO-SEXT-0002")
    _assess(officer, sextortion, "victim", "victim_needs", VICTIM_FACTORS, {"self_harm_risk"})
    youth = _case("DEMO-YPI-0003")
    _assess(officer, youth, "victim", "victim_needs", VICTIM_FACTORS, set())
    activist = _case("DEMO-ACT-0004")
    _assess(
        investigator, activist, "suspect", "online_csa_suspect", SUSPECT_FACTORS, {"grooming_now"}
    )
    caution = _case("DEMO-CC-0005")
    _assess(
        investigator,
        caution,
        "suspect",
        "online_csa_suspect",
        SUSPECT_FACTORS,
        {"previous_sexual_offending"},
    )
    south = _case("DEMO-SOUTH-0006")
    _assess(
        _user("officer.south"),
        south,
        "victim",
        "victim_needs",
        VICTIM_FACTORS,
        {"no_support_in_place"},
    )
    game = _case("DEMO-GAME-0007")
    if game is not None:
        _assess(officer, game, "victim", "victim_needs", VICTIM_FACTORS, {"no_support_in_place"})
    # Work already under way leaves the queue.
    _actioned(investigator, ncmec, "Search warrant applied for; children's services told.")
    _actioned(officer, sextortion, "Statement taken; platform asked to preserve the account.")
    _actioned(investigator, caution, "Interviewed under caution; devices examined.")
    # The queue the supervisor sees: a low case that has waited past its 20 working
    # days sits above a high case received yesterday.
    _waiting_case("DEMO-LOW-0007", "Industry report: a single known image", 40, set())
    _waiting_case(
        "DEMO-HIGH-0008",
        "Industry report: a suspect who works with children",
        1,
        {"access_to_children"},
    )
    # Flags follow the person.
    suspect = ncmec.parties.get(role="suspect")
    if not Flag.objects.filter(party=suspect).exists():
        flag_raise(
            actor=investigator,
            case=ncmec,
            party=suspect,
            kind="suicide_self_harm",
            reason="Said at the door that he would rather die than go to prison.",
            review_on=timezone.localdate() + timedelta(days=7),
        )
    victim = sextortion.parties.get(role="victim")
    if not Flag.objects.filter(party=victim).exists():
        flag_raise(
            actor=officer,
            case=sextortion,
            party=victim,
            kind="safe_contact_only",
            reason="Contact through her mother only; no letters to the house.",
            review_on=timezone.localdate() + timedelta(days=30),
        )
    # Children's services see the NCMEC case by a named grant, and a strategy
    # discussion about the older child starts section 47 enquiries. (The hub holds it
    # by accepting the children's referral: referrals.demo.)
    for slug, reason in (
        ("northshire-childrens-services", "Children in the suspect's household: section 47."),
    ):
        agency = agency_get_by_slug(slug=slug)
        if not ncmec.grants.filter(agency=agency, revoked_at__isnull=True).exists():
            case_grant(actor=investigator, case=ncmec, agency=agency, reason=reason)
    if not StrategyDiscussion.objects.filter(case=ncmec, status="held").exists():
        # Three days ago, or the working day before that if it fell on a weekend
        # or a bank holiday: nobody holds a strategy discussion then.
        held = timezone.localtime() - timedelta(days=3)
        while not is_working_day(held.date()):
            held -= timedelta(days=1)
        strategy_discussion_record(
            actor=_user("social.worker"),
            case=ncmec,
            child=ncmec.parties.get(person__first_name="Finn"),
            held_at=held.replace(hour=10, minute=0, second=0, microsecond=0),
            agencies_present="Northshire Police (online CSA team), Northshire Children's "
            "Services, Northshire MASH, the children's school",
            section_47_started=True,
            rationale="The suspect has unsupervised care of both children; images of "
            "children are being shared from the home.",
            referral_received_on=ncmec.received_on,
        )
    return "levels, queue, flags and a strategy discussion in place"
