"""The demo's cases: fictional people in fictional places, built through the same
services as real work, so the demo shows what the product does. Idempotent: a
case whose demo key (its source reference) already exists is left alone."""

from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from agencies.selectors import agency_get_by_slug
from cases.models import Case
from cases.models.outcome import OUTCOME_21_CONDITIONS
from cases.services.cases import case_create
from cases.services.lifecycle import case_close, case_open_duties
from cases.services.material import activist_evidence_put, material_summary_put
from cases.services.outcomes import outcome_record
from cases.services.people import party_add_for_person
from cases.services.records import contact_log, decision_record, offence_add
from cases.services.tasks import task_create


def _user(username: str) -> User:
    return User.objects.select_related("membership__agency").get(username=username)


def _days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def _moment_ago(days: int, hour: int = 10) -> datetime:
    day = _days_ago(days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def _born(years: int, days_before: int = 40) -> date:
    """A date of birth that makes someone `years` old today."""
    today = timezone.localdate()
    return date(today.year - years, today.month, 1) - timedelta(days=days_before)


def _open(
    actor: User,
    *,
    key: str,
    title: str,
    source: str,
    days_ago: int,
    summary: str = "",
    with_team: bool = True,
) -> Case:
    """A demo case, received and opened `days_ago`, led by `actor`. The demo key is
    its source reference."""
    return case_create(
        actor=actor,
        title=title,
        summary=summary,
        source=source,
        source_reference=key,
        received_on=_days_ago(days_ago),
        opened_on=_days_ago(days_ago),
        lead_officer=actor,
        team=actor.membership.team if with_team else None,
    )


def demo_case_close(
    case: Case, *, actor: User, closing_reason: str, closed_on: date, duties_end: str
) -> Case:
    """Close a demo case; with duties of care still open, as the force's supervisor
    would, each ending with `duties_end` as its reason (closing forgets none)."""
    duties = case_open_duties(case=case)
    return case_close(
        actor=_user("supervisor.north") if duties else actor,
        case=case,
        closing_reason=closing_reason,
        closed_on=closed_on,
        duty_reasons={duty.id: duties_end for duty in duties},
    )


def _exists(agency_slug: str, key: str) -> bool:
    return Case.objects.filter(owning_agency__slug=agency_slug, source_reference=key).exists()


def _person(**fields) -> dict:
    return {"gender": "not_known", **fields}


def _ncmec_case() -> Case:
    investigator = _user("investigator.north")
    case = _open(
        investigator,
        key="DEMO-NCMEC-0001",
        title="Operation Bramble: NCMEC report of shared images",
        summary=(
            "Industry report via NCMEC and the NCA: an account linked to a Northshire "
            "address uploaded known indecent images. The suspect lives with his partner "
            "and their two children."
        ),
        source="nca_industry_report",
        days_ago=20,
    )
    suspect = party_add_for_person(
        actor=investigator,
        case=case,
        person=None,
        new_person=_person(
            first_name="Dale",
            last_name="Example",
            date_of_birth=_born(41),
            gender="male",
            address="1 Fictional Row, Northtown NT1 0AA",
        ),
        role="suspect",
    )
    for first, relationship, years, gender, role in (
        ("Erin", "partner", 38, "female", "family_member"),
        ("Finn", "son", 8, "male", "child_in_household"),
        ("Gwen", "daughter", 5, "female", "child_in_household"),
    ):
        party_add_for_person(
            actor=investigator,
            case=case,
            person=None,
            new_person=_person(
                first_name=first,
                last_name="Example",
                date_of_birth=_born(years),
                gender=gender,
                address="1 Fictional Row, Northtown NT1 0AA",
            ),
            role=role,
            related_to=suspect,
            relationship=relationship,
        )
    offence_add(
        actor=investigator,
        case=case,
        offence_type="iioc_distributing",
        committed_from=_days_ago(60),
        committed_to=_days_ago(30),
        platform="Demo cloud storage",
        parties=[suspect],
    )
    decision_record(
        actor=investigator,
        case=case,
        decision="Apply for a search warrant for the home address.",
        rationale="Children live at the address; the account is linked to it by the report.",
        decided_at=_moment_ago(18),
    )
    return case


def _sextortion_case() -> Case:
    officer = _user("officer.north")
    case = _open(
        officer,
        key="DEMO-SEXT-0002",
        title="Online sexual extortion of a 15-year-old",
        summary="A girl was coerced into sending images and then threatened for money.",
        source="victim_or_parent",
        days_ago=12,
    )
    victim = party_add_for_person(
        actor=officer,
        case=case,
        person=None,
        new_person=_person(
            first_name="Holly",
            last_name="Sample",
            date_of_birth=_born(15, days_before=90),
            gender="female",
            safe_to_phone=True,
            safe_to_write=False,
            safe_to_visit=True,
            preferred_channel="phone",
            preferred_times="After 4pm on weekdays, through her mother",
            safe_contact_notes="Do not send letters: she has not told her brother.",
        ),
        role="victim",
    )
    suspect = party_add_for_person(
        actor=officer,
        case=case,
        person=None,
        new_person=_person(first_name="Unknown", last_name="(account nightfox_demo)"),
        role="suspect",
    )
    offence_add(
        actor=officer,
        case=case,
        offence_type="sexual_extortion",
        committed_from=_days_ago(16),
        committed_to=_days_ago(13),
        platform="Demo social app",
        parties=[victim, suspect],
    )
    contact_log(
        actor=officer,
        case=case,
        party=victim,
        channel="visit",
        summary="Statement taken at home with her mother present. Safety advice given.",
        contacted_at=_moment_ago(11, hour=17),
        next_contact_on=_days_ago(4),
        next_contact_note="Update on the platform's disclosure",
    )
    contact_log(
        actor=officer,
        case=case,
        party=victim,
        channel="phone",
        summary="Told her mother that the platform has preserved the account.",
        contacted_at=_moment_ago(4, hour=16),
    )
    return case


def _youth_imagery_case() -> Case:
    officer = _user("officer.north")
    case = _open(
        officer,
        key="DEMO-YPI-0003",
        title="Image shared between two pupils",
        summary="A 15-year-old pupil shared an image that a 14-year-old classmate had sent him.",
        source="school",
        days_ago=70,
        with_team=False,
    )
    # Birthdays 120 to 150 days ago, before the offence (75 days ago) whatever the
    # date of seeding: 14 and 15 at the offence, as the summary says.
    victim = party_add_for_person(
        actor=officer,
        case=case,
        person=None,
        new_person=_person(
            first_name="Isla", last_name="Placeholder", date_of_birth=_born(14, days_before=120)
        ),
        role="victim",
    )
    suspect = party_add_for_person(
        actor=officer,
        case=case,
        person=None,
        new_person=_person(
            first_name="Jack",
            last_name="Placeholder",
            date_of_birth=_born(15, days_before=120),
            gender="male",
        ),
        role="suspect",
    )
    offence_add(
        actor=officer,
        case=case,
        offence_type="iioc_distributing",
        committed_from=_days_ago(75),
        parties=[victim, suspect],
    )
    return case


def _activist_case() -> Case:
    investigator = _user("investigator.north")
    case = _open(
        investigator,
        key="DEMO-ACT-0004",
        title="Online activist group confrontation",
        summary=(
            "An activist group posed as a 13-year-old and confronted the suspect on a livestream."
        ),
        source="activist_group",
        days_ago=9,
    )
    suspect = party_add_for_person(
        actor=investigator,
        case=case,
        person=None,
        new_person=_person(
            first_name="Kevin", last_name="Specimen", date_of_birth=_born(52), gender="male"
        ),
        role="suspect",
    )
    offence_add(
        actor=investigator,
        case=case,
        offence_type="meeting_after_grooming",
        committed_from=_days_ago(40),
        committed_to=_days_ago(10),
        platform="Demo chat app",
        parties=[suspect],
    )
    return case


def _conditional_caution_case() -> Case:
    investigator = _user("investigator.north")
    case = _open(
        investigator,
        key="DEMO-CC-0005",
        title="Possession of indecent images: first offence",
        summary="A small number of category C images; full admissions in interview.",
        source="proactive",
        days_ago=120,
    )
    suspect = party_add_for_person(
        actor=investigator,
        case=case,
        person=None,
        new_person=_person(
            first_name="Liam", last_name="Instance", date_of_birth=_born(29), gender="male"
        ),
        role="suspect",
    )
    offence_add(
        actor=investigator,
        case=case,
        offence_type="iioc_possessing",
        committed_from=_days_ago(150),
        committed_to=_days_ago(121),
        platform="Demo file-sharing app",
        parties=[suspect],
    )
    return case


def _southshire_case() -> Case:
    officer = _user("officer.south")
    case = _open(
        officer,
        key="DEMO-SOUTH-0006",
        title="Sexual communication with a child (Southshire)",
        source="helpline",
        days_ago=6,
        with_team=False,
    )
    party_add_for_person(
        actor=officer,
        case=case,
        person=None,
        new_person=_person(first_name="Mia", last_name="Specimen", date_of_birth=_born(13)),
        role="victim",
    )
    return case


def _game_chat_case() -> Case:
    """A new victim whose referral to victim support waits for the charity to accept."""
    officer = _user("officer.north")
    case = _open(
        officer,
        key="DEMO-GAME-0007",
        title="Grooming of a 12-year-old through an online game's chat",
        summary="A boy was asked for images by an adult posing as another player.",
        source="victim_or_parent",
        days_ago=2,
    )
    victim = party_add_for_person(
        actor=officer,
        case=case,
        person=None,
        new_person=_person(
            first_name="Noah",
            last_name="Sample",
            date_of_birth=_born(12),
            gender="male",
            safe_to_phone=True,
            preferred_channel="phone",
            preferred_times="Weekday evenings, through his father",
        ),
        role="victim",
    )
    offence_add(
        actor=officer,
        case=case,
        offence_type="sexual_communication",
        committed_from=_days_ago(9),
        committed_to=_days_ago(3),
        platform="Demo online game",
        parties=[victim],
    )
    return case


_DEMO_CASES = [
    ("northshire-police", "DEMO-NCMEC-0001", _ncmec_case),
    ("northshire-police", "DEMO-SEXT-0002", _sextortion_case),
    ("northshire-police", "DEMO-YPI-0003", _youth_imagery_case),
    ("northshire-police", "DEMO-ACT-0004", _activist_case),
    ("northshire-police", "DEMO-CC-0005", _conditional_caution_case),
    ("southshire-police", "DEMO-SOUTH-0006", _southshire_case),
    ("northshire-police", "DEMO-GAME-0007", _game_chat_case),
]


def _outcome_21(case: Case) -> None:
    """The youth-produced imagery case, resolved with Outcome 21 and closed."""
    officer = _user("officer.north")
    suspect = case.parties.get(role="suspect")
    outcome_record(
        actor=officer,
        case=case,
        suspect=suspect,
        code="21",
        outcome_on=_days_ago(50),
        rationale=(
            "Consensual sharing between classmates of similar age; no aggravating factors. "
            "Both families and the school informed; education session arranged."
        ),
        outcome_21_confirmations=dict.fromkeys(OUTCOME_21_CONDITIONS, True),
    )
    # Closed last (seed_closures), once the other apps have added their records to it.


def _conditional_caution(case: Case) -> None:
    investigator = _user("investigator.north")
    outcome_record(
        actor=investigator,
        case=case,
        suspect=case.parties.get(role="suspect"),
        code="3",  # an adult caution, conditional because its conditions are given
        outcome_on=_days_ago(30),
        rationale="First offence, full admissions, small number of category C images.",
        caution_conditions=(
            "Attend and complete a course for people worried about their own sexual "
            "thoughts about children; no unsupervised contact with children."
        ),
        conditions_due_on=_days_ago(-60),
    )


def _material(case: Case) -> None:
    """Metadata only: counts, references and hashes. Never the material itself."""
    material_summary_put(
        actor=_user("investigator.north"),
        case=case,
        expected_version=None,
        category_a_count=4,
        category_b_count=27,
        category_c_count=183,
        first_generation=False,
        caid_reference="CAID-DEMO-1204",
        ncmec_report_id="987654321",
        nca_package_reference="NCA-PKG-DEMO-0042",
        hashes=[
            {"algorithm": "sha256", "value": "a" * 63 + "1"},
            {"algorithm": "md5", "value": "0123456789abcdef0123456789abcdef"},
        ],
        reason="from the NCA package",
    )


def _activist_evidence(case: Case) -> None:
    activist_evidence_put(
        actor=_user("investigator.north"),
        case=case,
        expected_version=None,
        group_name="Demo Watch (fictional online activist group)",
        decoy_posed_as_child=True,
        suspect_confronted=True,
        confrontation_streamed_live=True,
        handed_over="Chat logs exported as PDF and the decoy account's login details.",
        handed_over_at=_moment_ago(9, hour=11),
        chain_of_custody="Received by PC on the front counter, sealed in bag DEMO-0001.",
        suspect_alerted_risk=(
            "High: the confrontation was streamed live, so devices may have been wiped."
        ),
        reason="as received",
    )


# What the later parts of the cases capability add to the demo cases (material,
# activist evidence, outcomes): each takes the case and runs when the case is made.
def _task(case: Case) -> None:
    """Work that no duty covers: chase the platform, due on the Thursday of the week
    the demo is seeded (today, from Friday), so that it is on this week's calendar
    whatever the day: a task is never due in the past."""
    officer = _user("officer.north")
    today = timezone.localdate()
    thursday = today - timedelta(days=today.weekday()) + timedelta(days=3)
    task_create(
        actor=officer,
        case=case,
        title="Chase the platform for the account's subscriber details",
        assignee=officer,
        due_on=max(today, thursday),
        note="The preservation request was acknowledged; the disclosure is still awaited.",
    )


CASE_EXTRAS: dict[str, list] = {
    "DEMO-NCMEC-0001": [_material],
    "DEMO-SEXT-0002": [_task],
    "DEMO-YPI-0003": [_outcome_21],
    "DEMO-ACT-0004": [_activist_evidence],
    "DEMO-CC-0005": [_conditional_caution],
}


def seed_closures() -> str:
    """Close the demo cases that end closed, after every other seeder has recorded
    what it adds to them (a closed case takes nothing new)."""
    case = Case.objects.filter(source_reference="DEMO-YPI-0003", status="open").first()
    if case is None:
        return "nothing to close"
    demo_case_close(
        case,
        actor=_user("officer.north"),
        closing_reason="outcome_recorded",
        closed_on=_days_ago(49),
        duties_end="Outcome 21 explained to both families in person at the school meeting; "
        "support offered there and declined.",
    )
    return f"{case.reference} closed"


def seed_cases() -> str:
    created = 0
    for agency_slug, key, build in _DEMO_CASES:
        agency_get_by_slug(slug=agency_slug)
        if _exists(agency_slug, key):
            continue
        case = build()
        for extra in CASE_EXTRAS.get(key, []):
            extra(case)
        created += 1
    return f"{created} demo case(s) created, {len(_DEMO_CASES) - created} already there"
