"""Possible duplicates (issue 19): the reader's own agency's records that may be the
same person, ranked by a rapidfuzz score with the reasons, read from indexed
candidates only; another agency's records are never offered."""

from datetime import UTC, date, datetime

import pytest

from cases.selectors.duplicates import (
    PersonDetails,
    duplicate_candidates,
    duplicate_score,
    person_duplicates,
)
from tests.factories import CaseFactory, PartyFactory, PersonFactory, grant_case
from tests.factories_merge import PersonIdentifierFactory

NOW = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]

BORN = date(2011, 5, 14)


def _person(agency, first, last, born=BORN, **fields):
    return PersonFactory(
        recorded_by_agency=agency, first_name=first, last_name=last, date_of_birth=born, **fields
    )


def test_duplicates_are_ranked_with_their_reasons(north, officer_north):
    # given
    jess = _person(north, "Jess", "Taylor", phone="07700 900123")
    jessica = _person(north, "Jessica", "Taylor", phone="+447700900123")
    jess_t = _person(north, "Jess", "Tayler", born=None)  # the surname mistyped
    _person(north, "Jess", "Taylor", born=date(1980, 1, 1))  # another woman: born 1980
    _person(north, "Robin", "Fictional")  # born the same day, nothing else alike
    # when
    found = person_duplicates(actor=officer_north.user, person=jess)
    # then
    assert [(d.person, d.score, d.reasons) for d in found] == [
        (jessica, 100, ("same date of birth", "same phone", "name similarity 95%")),
        (jess_t, 41, ("name similarity 92%",)),
    ]


def test_another_agencys_records_are_never_offered(north, south, officer_north):
    # given: Southshire's record of the same girl, in a case granted to Northshire
    jess = _person(north, "Jess", "Taylor")
    case = CaseFactory(owning_agency=south)
    theirs = PartyFactory(case=case, person=_person(south, "Jessica", "Taylor"))
    grant_case(case, north)
    # when
    found = person_duplicates(actor=officer_north.user, person=jess)
    # then
    assert found == []
    assert person_duplicates(actor=officer_north.user, person=theirs.person) == []


def test_a_shared_identifier_finds_a_record_of_another_name(north, officer_north):
    # given: two records with the same phone number as an identifier
    case = CaseFactory(owning_agency=north)
    one = PartyFactory(case=case, person=_person(north, "Kai", "Lee", born=None))
    other = PartyFactory(
        case=CaseFactory(owning_agency=north),
        person=_person(north, "K", "Anon", born=None),
    )
    PersonIdentifierFactory(party=one)
    PersonIdentifierFactory(party=other)
    # when
    found = person_duplicates(actor=officer_north.user, person=one.person)
    # then
    assert [(d.person, d.reasons) for d in found] == [(other.person, ("same identifier (phone)",))]


def test_a_search_before_recording_warns_of_duplicates(north, officer_north):
    jessica = _person(north, "Jessica", "Taylor")
    found = duplicate_candidates(
        actor=officer_north.user,
        details=PersonDetails(first_name="Jess", last_name="Taylor", date_of_birth=BORN),
    )
    assert [(d.person, d.reasons) for d in found] == [
        (jessica, ("same date of birth", "name similarity 95%"))
    ]


def test_the_candidates_are_read_in_a_fixed_number_of_queries(
    north, officer_north, django_assert_max_num_queries
):
    jess = _person(north, "Jess", "Taylor")
    for n in range(30):
        _person(north, f"Person{n}", "Taylor")
    with django_assert_max_num_queries(6):
        found = person_duplicates(actor=officer_north.user, person=jess)
    assert len(found) == 10


@pytest.mark.parametrize(
    ("one", "other", "alike"),
    [
        (("Jess", "Taylor"), ("Jessica", "Taylor"), True),
        (("Taylor", "Jess"), ("Jess", "Taylor"), True),  # first and last name swapped
        (("Jess", "Taylor"), ("Robin", "Fictional"), False),
    ],
)
def test_the_score_by_name(one, other, alike):
    score, _reasons = duplicate_score(
        PersonDetails(first_name=one[0], last_name=one[1]),
        PersonDetails(first_name=other[0], last_name=other[1]),
    )
    assert (score > 0) is alike
