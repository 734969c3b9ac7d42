"""Demo person merge (issue 19), at Northshire Police:

- Jess Taylor and Jessica Taylor: one girl recorded twice (the same date of birth and
  phone), not merged yet: each person's page and the duplicates API show the other
  as a possible duplicate, and the person search finds both;
- Samuel Okafor (a witness in the game chat case) and Sam Okafor: merged by the
  supervisor, then the merge undone (two cousins, not one man): the case's History
  tab shows the witness's part moving to Sam and back, and the merge's record
  (/person-merges/<id>/) shows both, with the reasons.

Idempotent: each pair is made once, found again by its names."""

from datetime import date

from django.contrib.auth.models import User

from cases.models import Case, Person, PersonMerge
from cases.services.people import party_add_for_person, person_create
from cases.services.person_merge import person_merge, person_merge_undo

AGENCY = "northshire-police"


def _user(username: str) -> User:
    return User.objects.select_related("membership__agency").get(username=username)


def _recorded(first_name: str, last_name: str) -> Person | None:
    return Person.objects.filter(
        recorded_by_agency__slug=AGENCY, first_name=first_name, last_name=last_name
    ).first()


def _duplicates_not_merged(officer: User) -> None:
    for first_name, phone in (("Jessica", "07700 900456"), ("Jess", "+44 7700 900456")):
        if _recorded(first_name, "Taylor") is None:
            person_create(
                actor=officer,
                first_name=first_name,
                last_name="Taylor",
                date_of_birth=date(2011, 5, 14),
                gender="female",
                phone=phone,
            )


def _merged_and_undone(officer: User, supervisor: User) -> bool:
    if PersonMerge.objects.filter(
        agency__slug=AGENCY, merged__first_name="Samuel", merged__last_name="Okafor"
    ).exists():
        return False
    case = Case.objects.filter(
        owning_agency__slug=AGENCY, source_reference="DEMO-GAME-0007"
    ).first()
    if case is None or not case.is_open:
        return False
    samuel = party_add_for_person(
        actor=officer,
        case=case,
        person=None,
        new_person={
            "first_name": "Samuel",
            "last_name": "Okafor",
            "date_of_birth": date(2004, 9, 2),
            "gender": "male",
        },
        role="witness",
        notes="Saw the chat on the boy's console and told his aunt.",
    ).person
    sam = _recorded("Sam", "Okafor") or person_create(
        actor=officer,
        first_name="Sam",
        last_name="Okafor",
        date_of_birth=date(2004, 9, 2),
        gender="male",
    )
    merge = person_merge(
        actor=supervisor,
        person=samuel,
        other_person=sam,
        survivor=sam,
        reason="The same young man: Sam is short for Samuel, same date of birth.",
    )
    person_merge_undo(
        actor=supervisor,
        merge=merge,
        reason="Two cousins with the same name and birthday: Samuel lives with the family.",
    )
    return True


def seed_person_merges() -> str:
    officer, supervisor = _user("officer.north"), _user("supervisor.north")
    _duplicates_not_merged(officer)
    made = _merged_and_undone(officer, supervisor)
    return "a merge and its undo recorded" if made else "the merge and its undo already there"
