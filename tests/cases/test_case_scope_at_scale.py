"""The case list's scope and its search, as reshaped for national scale (issue 15):
the same cases as before, reached through indexes. A case granted to the hub is in its
list until the grant is revoked or ends; another force's case never is; a whole
reference is found whatever its case; a name search still needs every word to match
one person the user may see."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from agencies.models import Role
from cases import filters as case_filters
from cases.models import Case, CaseGrant
from cases.selectors import case_list, person_search
from cases.services.grants import case_grant, case_grant_revoke, grants_expire
from tests.factories import CaseFactory, MembershipFactory, PartyFactory, TOTPDeviceFactory
from tests.helpers import ACCESS_LOG_QUERIES
from tests.referrals import *  # noqa: F403 (the fixtures)

CASES = "/api/v1/cases/"
NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)

pytestmark = [pytest.mark.clock(NOW, tick=True), pytest.mark.usefixtures("clock")]


@pytest.fixture
def investigator_north(north):
    membership = MembershipFactory(
        agency=north, role=Role.SPECIALIST_INVESTIGATOR, user__username="investigator.north"
    )
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def souths_case(south):
    return CaseFactory(
        owning_agency=south, title="Fictional sextortion", reference="SP-2026-000007"
    )


def _listed(member, **filters) -> list[Case]:
    return list(case_list(actor=member.user, filters=filters or None))


# --- The scope


def test_a_case_granted_to_the_hub_is_in_its_list_and_another_forces_case_never_is(
    north_case, souths_case, mash, coordinator_mash, investigator_north
):
    # given
    CaseFactory(owning_agency=north_case.owning_agency, title="Not granted")
    case_grant(actor=investigator_north.user, case=north_case, agency=mash, reason="Strategy.")
    # when
    listed = _listed(coordinator_mash)
    # then
    assert listed == [north_case]


def test_the_owning_force_lists_its_own_cases_newest_first_and_not_another_forces(
    north_case, souths_case, officer_north
):
    # given
    newer = CaseFactory(owning_agency=north_case.owning_agency, received_on=date(2026, 3, 1))
    # when
    listed = _listed(officer_north)
    # then
    assert listed == [newer, north_case]


def test_a_revoked_grant_takes_the_case_out_of_the_hubs_list(
    north_case, mash, coordinator_mash, investigator_north
):
    # given
    grant = case_grant(
        actor=investigator_north.user, case=north_case, agency=mash, reason="Strategy."
    )
    # when
    case_grant_revoke(actor=investigator_north.user, grant=grant, reason="Work done.")
    # then
    assert _listed(coordinator_mash) == []


def test_a_grant_that_ended_by_itself_takes_the_case_out_of_the_hubs_list(
    north_case, mash, coordinator_mash, investigator_north
):
    # given
    grant = case_grant(
        actor=investigator_north.user, case=north_case, agency=mash, reason="Strategy."
    )
    CaseGrant.objects.filter(pk=grant.pk).update(expires_at=NOW - timedelta(days=1))
    # when
    ended = grants_expire(now=NOW)
    # then
    assert ended == 1
    assert _listed(coordinator_mash) == []


# --- The search


@pytest.mark.parametrize("typed", ["NP-2026-000042", "np-2026-000042", "  Np-2026-000042 "])
def test_a_whole_reference_finds_its_case_whatever_its_case(north_case, officer_north, typed):
    # given
    CaseFactory(owning_agency=north_case.owning_agency, reference="NP-2026-000043")
    # when
    listed = _listed(officer_north, q=typed)
    # then
    assert listed == [north_case]


@pytest.mark.parametrize("typed", ["000042", "2026-00004", "sextortion", "SEXT"])
def test_part_of_a_reference_or_title_still_finds_the_case(north_case, officer_north, typed):
    # given
    Case.objects.filter(pk=north_case.pk).update(title="Sextortion on a games console")
    other = CaseFactory(owning_agency=north_case.owning_agency, reference="NP-2026-000099")
    # when
    listed = _listed(officer_north, q=typed)
    # then
    assert north_case in listed
    assert other not in listed


def test_another_forces_reference_finds_nothing(souths_case, officer_north):
    # when
    listed = _listed(officer_north, q="SP-2026-000007")
    # then
    assert listed == []


@pytest.fixture(params=["rare", "common"])
def name_shape(request, monkeypatch):
    """Both ways a name search is made: a rare name's cases gathered by the people's
    ids, a common name's found by walking the list (as if every name were common)."""
    if request.param == "common":
        monkeypatch.setattr(case_filters, "RARE_NAME_PEOPLE", 0)
    return request.param


def test_every_word_of_a_name_must_match_one_party(
    north_case, victim, suspect, officer_north, name_shape
):
    # when: Robin Fictional is the victim, Sam Madeup the suspect
    one_party = _listed(officer_north, q="robin fictional")
    two_parties = _listed(officer_north, q="Robin Madeup")
    # then
    assert one_party == [north_case]
    assert two_parties == []


def test_a_name_search_only_matches_the_parties_the_user_may_see(
    north_case, victim, suspect, mash, coordinator_mash, investigator_north, name_shape
):
    # given: the hub is granted only the victim
    case_grant(
        actor=investigator_north.user,
        case=north_case,
        agency=mash,
        reason="Strategy.",
        parties=[victim],
    )
    # when
    by_victim = _listed(coordinator_mash, q="Fictional")
    by_suspect = _listed(coordinator_mash, q="Sam Madeup")
    # then
    assert by_victim == [north_case]
    assert by_suspect == []


def test_a_person_search_needs_every_word_and_only_finds_whom_the_user_may_see(
    north_case, victim, suspect, souths_case, officer_north
):
    # given: someone of the same name in another force's case
    PartyFactory(
        case=souths_case, role="victim", person__first_name="Robin", person__last_name="Fictional"
    )
    # when
    found = list(person_search(actor=officer_north.user, text="ROBIN fict"))
    # then
    assert found == [victim.person]


# --- Queries stay pinned


def test_the_hubs_search_of_its_granted_cases_takes_as_many_queries_as_before(
    north_case,
    victim,
    mash,
    coordinator_mash,
    investigator_north,
    api_for,
    django_assert_max_num_queries,
):
    # given
    case_grant(actor=investigator_north.user, case=north_case, agency=mash, reason="Strategy.")
    TOTPDeviceFactory(user=coordinator_mash.user)
    client = api_for(coordinator_mash)
    # when: the caller's membership, the content type of grants, the cases; the
    # access-log entry
    with django_assert_max_num_queries(3 + ACCESS_LOG_QUERIES):
        response = client.get(f"{CASES}?q=Robin")
    # then
    assert [row["id"] for row in response.json()["results"]] == [str(north_case.pk)]


# --- The indexes (PostgreSQL only: SQLite has no trigram indexes)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
@pytest.mark.django_db
def test_the_search_and_list_indexes_exist():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN ('cases_case', 'cases_person')"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {
        "case_received",
        "case_status_received",
        "case_reference_upper",
        "case_reference_trgm",
        "case_title_trgm",
        "person_first_name_trgm",
        "person_last_name_trgm",
        "person_aliases_trgm",
    } <= names
