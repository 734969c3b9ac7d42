"""Possible duplicates of a person (issue 19): the agency's own records that may be
the same person, ranked, each with its score and why.

Candidates are read by the database through indexes, from the records the reader
may see of their own agency only: the same date of birth (`person_agency_dob`), a
surname starting with the same three letters (the trigram index on
UPPER(last_name) on PostgreSQL), or the same normalised identifier (`identifier_value`).
At most CANDIDATE_LIMIT of them are then scored in Python with rapidfuzz: the
agency's people are never scored as a whole."""

from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_
from typing import Any

import phonenumbers
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from agencies import access
from cases.models import PERSON_IDENTIFIER_KINDS, CaseParty, Identifier, Person
from cases.models.identifier import DEFAULT_PHONE_REGION
from cases.selectors import person_scope

CANDIDATE_LIMIT = 200
SHOWN_LIMIT = 10
# A candidate is shown when its names are this alike (0-100), or when it shares a
# date of birth with a like name, a phone, an email or an identifier.
NAME_ALIKE = 70
SURNAME_PREFIX = 3

# Weights of the score (out of 100).
DATE_OF_BIRTH_WEIGHT = 35
NAME_WEIGHT = 45
CONTACT_WEIGHT = 25
IDENTIFIER_WEIGHT = 30
DIFFERENT_BIRTH_PENALTY = 40


@dataclass(frozen=True)
class PersonDetails:
    """What a record (or a search before one is made) says about who someone is."""

    first_name: str = ""
    last_name: str = ""
    aliases: str = ""
    date_of_birth: date | None = None
    phone: str = ""
    email: str = ""
    # (kind, normalised value, platform) of the identifiers the reader may see.
    identifiers: frozenset[tuple[str, str, str]] = field(default_factory=frozenset)

    @classmethod
    def of(
        cls, person: Person, identifiers: frozenset[tuple[str, str, str]] = frozenset()
    ) -> "PersonDetails":
        return cls(
            first_name=person.first_name,
            last_name=person.last_name,
            aliases=person.aliases,
            date_of_birth=person.date_of_birth,
            phone=person.phone,
            email=person.email,
            identifiers=identifiers,
        )


@dataclass(frozen=True)
class Duplicate:
    person: Person
    score: int
    reasons: tuple[str, ...]


def _phone(text: str) -> str:
    if not (text or "").strip():
        return ""
    try:
        number = phonenumbers.parse(text, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _names(first: str, last: str, aliases: str) -> list[tuple[str, str]]:
    """(first, last) of the name and of each alias ("Jess Taylor, JT" gives the
    alias's words: all but the last as the first name)."""
    names = [(first, last)]
    for alias in (aliases or "").split(","):
        words = alias.split()
        if len(words) >= 2:
            names.append((" ".join(words[:-1]), words[-1]))
    return names


def _first_names_alike(a: str, b: str) -> float:
    a, b = default_process(a), default_process(b)
    if not a or not b:
        return 0.0
    score = fuzz.ratio(a, b)
    # A short form is the start of the long one: Jess, Jessica; Sam, Samantha.
    if min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a)):
        score = max(score, 90.0)
    return score


def name_similarity(one: PersonDetails, other: PersonDetails) -> int:
    """0-100: how alike the two are named, the best pair of their names and aliases
    (surname and first name weigh the same; swapped names count)."""
    best = 0.0
    for first_a, last_a in _names(one.first_name, one.last_name, one.aliases):
        for first_b, last_b in _names(other.first_name, other.last_name, other.aliases):
            straight = (
                fuzz.ratio(default_process(last_a), default_process(last_b))
                + _first_names_alike(first_a, first_b)
            ) / 2
            swapped = fuzz.token_sort_ratio(
                f"{first_a} {last_a}", f"{first_b} {last_b}", processor=default_process
            )
            best = max(best, straight, swapped)
    return round(best)


def duplicate_score(one: PersonDetails, other: PersonDetails) -> tuple[int, tuple[str, ...]]:
    """The score (0-100) that `other` is the same person as `one`, and why; a score
    of 0 when nothing but chance links them."""
    reasons: list[str] = []
    names = name_similarity(one, other)
    score = NAME_WEIGHT * names / 100
    shares_something = False
    born_apart = False
    if one.date_of_birth and other.date_of_birth:
        if one.date_of_birth == other.date_of_birth:
            score += DATE_OF_BIRTH_WEIGHT
            reasons.append("same date of birth")
        else:
            score -= DIFFERENT_BIRTH_PENALTY
            born_apart = True
    phone = _phone(one.phone)
    if phone and phone == _phone(other.phone):
        score += CONTACT_WEIGHT
        reasons.append("same phone")
        shares_something = True
    if one.email.strip() and one.email.strip().lower() == other.email.strip().lower():
        score += CONTACT_WEIGHT
        reasons.append("same email")
        shares_something = True
    shared = one.identifiers & other.identifiers
    if shared:
        score += IDENTIFIER_WEIGHT
        kinds = sorted({kind.replace("_", " ") for kind, _value, _platform in shared})
        reasons.append(f"same identifier ({', '.join(kinds)})")
        shares_something = True
    if not shares_something and (born_apart or names < NAME_ALIKE):
        # A like name alone, or born on different days: two people, most likely.
        return 0, ()
    if names >= NAME_ALIKE:
        reasons.append(f"name similarity {names}%")
    return max(0, min(100, round(score))), tuple(reasons)


def _visible_identifiers(actor: User) -> QuerySet[Identifier]:
    """The person identifiers the reader may see: on a part they may see, or held
    for the person outside any part."""
    party_seen = Exists(
        access.party_scope(actor, CaseParty.objects.filter(pk=OuterRef("party_id")))
    )
    return Identifier.objects.filter(kind__in=sorted(PERSON_IDENTIFIER_KINDS)).filter(
        party_seen | Q(party__isnull=True)
    )


def person_identifiers(*, actor: User, person: Person) -> frozenset[tuple[str, str, str]]:
    return frozenset(
        _visible_identifiers(actor)
        .filter(person=person)
        .values_list("kind", "value", "platform")
        .order_by()
    )


def _holders(
    actor: User, agency_id: Any, identifiers: frozenset[tuple[str, str, str]]
) -> list[Any]:
    if not identifiers:
        return []
    match = reduce(
        or_,
        (
            Q(kind=kind, value=value, platform=platform)
            for kind, value, platform in sorted(identifiers)[:20]
        ),
    )
    return list(
        _visible_identifiers(actor)
        .filter(match, agency_id=agency_id, person__isnull=False)
        .values_list("person_id", flat=True)
        .distinct()[:CANDIDATE_LIMIT]
    )


def duplicate_candidates(
    *, actor: User, details: PersonDetails, exclude: Person | None = None
) -> list[Duplicate]:
    """The reader's own agency's records that may be the person `details` describes,
    best first (at most SHOWN_LIMIT). Records of other agencies are never offered,
    even those the reader may see through a grant: a merge is within one agency."""
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, "cases.person.view"):
        return []
    asked = Q()
    if details.date_of_birth:
        asked |= Q(date_of_birth=details.date_of_birth)
    surname = default_process(details.last_name)
    if len(surname) >= SURNAME_PREFIX:
        asked |= Q(last_name__istartswith=surname[:SURNAME_PREFIX])
    holders = _holders(actor, membership.agency_id, details.identifiers)
    if holders:
        asked |= Q(pk__in=holders)
    if not asked:
        return []
    people = person_scope(actor).filter(asked, recorded_by_agency_id=membership.agency_id)
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    candidates = list(people.order_by("last_name", "first_name", "id")[:CANDIDATE_LIMIT])
    held = _identifiers_of(actor, candidates) if details.identifiers else {}
    found = []
    for candidate in candidates:
        score, reasons = duplicate_score(
            details, PersonDetails.of(candidate, held.get(candidate.pk, frozenset()))
        )
        if score > 0:
            found.append(Duplicate(candidate, score, reasons))
    found.sort(key=lambda d: (-d.score, d.person.last_name, d.person.first_name, str(d.person.pk)))
    return found[:SHOWN_LIMIT]


def _identifiers_of(
    actor: User, people: list[Person]
) -> dict[Any, frozenset[tuple[str, str, str]]]:
    """Each candidate's identifiers the reader may see, in one query."""
    rows = (
        _visible_identifiers(actor)
        .filter(person__in=[p.pk for p in people])
        .values_list("person_id", "kind", "value", "platform")
        .order_by()
    )
    held: dict[Any, set[tuple[str, str, str]]] = {}
    for person_id, kind, value, platform in rows:
        held.setdefault(person_id, set()).add((kind, value, platform))
    return {pk: frozenset(values) for pk, values in held.items()}


def person_duplicates(*, actor: User, person: Person) -> list[Duplicate]:
    """Possible duplicates of a record the reader may see (of their own agency)."""
    membership = access.membership_of(actor)
    if membership is None or person.recorded_by_agency_id != membership.agency_id:
        return []
    details = PersonDetails.of(person, person_identifiers(actor=actor, person=person))
    return duplicate_candidates(actor=actor, details=details, exclude=person)
