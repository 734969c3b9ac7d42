"""Person merge (issue 19): two records of one agency found to be the same person
are merged by a supervisor, with a reason; every part, identifier, flag and
referral moves to the survivor, and the undo within 20 working days puts back
exactly what moved."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from agencies.models import AccessLogEntry, Role
from cases.models import CaseParty, Identifier, Person, PersonMerge, PersonMergeMove
from cases.selectors import person_list, person_search
from cases.services.person_merge import person_merge, person_merge_undo
from common.errors import AccessDenied, InvalidState
from safeguarding.models import Flag
from tests.authz.rows_referrals import make_referral
from tests.factories import CaseFactory, MembershipFactory, PartyFactory, PersonFactory
from tests.factories_merge import FlagFactory, PersonIdentifierFactory

# Thursday 2 April 2026, 10:00 London (BST): Good Friday (3 April) and Easter Monday
# (6 April) are bank holidays, so 20 working days run to Monday 4 May... which is the
# Early May bank holiday: the 20th working day is Tuesday 5 May 2026, until 17:00.
NOW = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
UNDO_UNTIL = datetime(2026, 5, 5, 16, 0, tzinfo=UTC)  # 17:00 BST

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]

REASON = "Same girl: one record from the school's call, one from the NCMEC report."


@pytest.fixture
def jess(north, supervisor_north):
    return PersonFactory(
        recorded_by_agency=north,
        first_name="Jess",
        last_name="Taylor",
        date_of_birth=date(2011, 5, 14),
        created_by=supervisor_north.user,
    )


@pytest.fixture
def jessica(north, supervisor_north):
    return PersonFactory(
        recorded_by_agency=north,
        first_name="Jessica",
        last_name="Taylor",
        date_of_birth=date(2011, 5, 14),
        created_by=supervisor_north.user,
    )


@pytest.fixture
def holdings(north, harbour, jess, jessica):
    """Jess's record holds a part in two cases, with an identifier and a flag, and a
    referral of one part; Jessica's holds a part in a third case."""
    case_one = CaseFactory(owning_agency=north, reference="NS-2026-000101")
    case_two = CaseFactory(owning_agency=north, reference="NS-2026-000102")
    case_three = CaseFactory(owning_agency=north, reference="NS-2026-000103")
    part_one = PartyFactory(case=case_one, person=jess, role="victim")
    part_two = PartyFactory(case=case_two, person=jess, role="witness")
    kept_part = PartyFactory(case=case_three, person=jessica, role="victim")
    identifier = PersonIdentifierFactory(party=part_one)
    flag = FlagFactory(party=part_one)
    referral = make_referral(from_agency=north, to_agency=harbour, case=case_one)
    referral.parties.set([part_one])
    return {
        "parts": [part_one, part_two],
        "kept_part": kept_part,
        "identifier": identifier,
        "flag": flag,
        "referral": referral,
    }


def _merge(actor, person, other, survivor, reason=REASON):
    return person_merge(
        actor=actor.user, person=person, other_person=other, survivor=survivor, reason=reason
    )


def _held_by(person) -> dict:
    return {
        "parts": set(CaseParty.objects.filter(person=person).values_list("pk", flat=True)),
        "identifiers": set(Identifier.objects.filter(person=person).values_list("pk", flat=True)),
        "flags": set(Flag.objects.filter(person=person).values_list("pk", flat=True)),
    }


def _snapshot() -> tuple:
    return (
        sorted(CaseParty.objects.values_list("pk", "person_id")),
        sorted(Identifier.objects.values_list("pk", "person_id")),
        sorted(Flag.objects.values_list("pk", "person_id")),
        sorted(Person.objects.values_list("pk", "merged_into_id", "version")),
        PersonMerge.objects.count(),
        PersonMergeMove.objects.count(),
        AccessLogEntry.objects.filter(action__startswith="cases.person.merge").count(),
    )


# --- The merge


def test_a_merge_moves_every_part_identifier_flag_and_referral_to_the_survivor(
    supervisor_north, jess, jessica, holdings
):
    # when
    merge = _merge(supervisor_north, jess, jessica, survivor=jessica)
    # then: everything Jess's record held is Jessica's
    part_one, part_two = holdings["parts"]
    assert _held_by(jessica) == {
        "parts": {part_one.pk, part_two.pk, holdings["kept_part"].pk},
        "identifiers": {holdings["identifier"].pk},
        "flags": {holdings["flag"].pk},
    }
    assert _held_by(jess) == {"parts": set(), "identifiers": set(), "flags": set()}
    # the referral names the same part, now Jessica's
    assert [p.person_id for p in holdings["referral"].parties.all()] == [jessica.pk]
    # each moved row is recorded
    assert sorted(merge.moves.values_list("reference", "object_id")) == sorted(
        [
            ("cases.party", str(part_one.pk)),
            ("cases.party", str(part_two.pk)),
            ("cases.identifier", str(holdings["identifier"].pk)),
            ("safeguarding.flag", str(holdings["flag"].pk)),
        ]
    )
    # the merged record is kept, marked, and hidden
    jess.refresh_from_db()
    assert jess.merged_into_id == jessica.pk
    assert merge.undo_until == UNDO_UNTIL
    assert (merge.agency_id, merge.merged_by_id, merge.reason) == (
        jess.recorded_by_agency_id,
        supervisor_north.user_id,
        REASON,
    )


def test_the_merged_record_is_hidden_from_searches_and_lists(supervisor_north, jess, jessica):
    # when
    _merge(supervisor_north, jess, jessica, survivor=jessica)
    # then
    assert list(person_search(actor=supervisor_north.user, text="Taylor")) == [jessica]
    assert list(person_list(actor=supervisor_north.user, filters={"q": "Jess"})) == [jessica]


def test_the_history_records_the_merge_with_its_reason(supervisor_north, jess, jessica, holdings):
    # when
    merge = _merge(supervisor_north, jess, jessica, survivor=jessica)
    # then: each moved part, the merged record and the survivor carry who and why
    part_history = holdings["parts"][0].history.order_by("-history_date", "-history_id").first()
    assert part_history.person_id == jessica.pk
    assert part_history.history_user_id == supervisor_north.user_id
    assert part_history.history_change_reason.startswith("person merged into Jessica Taylor: Same")
    merged_history = jess.history.order_by("-history_date", "-history_id").first()
    assert merged_history.merged_into_id == jessica.pk
    assert merged_history.history_change_reason.startswith("person merged into Jessica Taylor")
    survivor_history = jessica.history.order_by("-history_date", "-history_id").first()
    assert survivor_history.history_change_reason.startswith("Jess Taylor merged into it: Same")
    assert merge.history.get().history_change_reason.startswith("merged: Same girl")


def test_the_access_log_records_the_merge(supervisor_north, jess, jessica):
    # when
    merge = _merge(supervisor_north, jess, jessica, survivor=jessica)
    # then
    entry = AccessLogEntry.objects.get(action="cases.person.merged")
    assert (entry.username, entry.object_type, entry.object_id, entry.object_agency_slug) == (
        "supervisor.north",
        "person_merge",
        str(merge.pk),
        "northshire-police",
    )
    assert entry.record_ids == [f"person:{jessica.pk}", f"person:{jess.pk}"]
    assert "0 rows moved" in entry.justification


# --- What is refused, and that nothing changes


def test_a_merge_across_agencies_is_refused_naming_the_field(
    supervisor_north, south, jess, holdings
):
    # given: a record of another force (one the supervisor could see through a grant)
    theirs = PersonFactory(recorded_by_agency=south, first_name="Jessica", last_name="Taylor")
    before = _snapshot()
    # when
    with pytest.raises(ValidationError) as refused:
        _merge(supervisor_north, jess, theirs, survivor=jess)
    # then
    assert set(refused.value.message_dict) == {"other_person"}
    assert "recorded by Southshire Police" in refused.value.message_dict["other_person"][0]
    assert _snapshot() == before


def test_a_merge_that_would_change_another_agency_s_records_is_refused(
    supervisor_north, south, jess, jessica, holdings
):
    # given: Jessica, a record of Northshire's, is also a victim in a Southshire case
    PartyFactory(case=CaseFactory(owning_agency=south), person=jessica, role="victim")
    before = _snapshot()
    # when: merged either way, her part in Southshire's case would be rewritten
    for survivor in (jess, jessica):
        with pytest.raises(ValidationError) as refused:
            _merge(supervisor_north, jess, jessica, survivor=survivor)
        # then
        assert set(refused.value.message_dict) == {"other_person"}
        message = refused.value.message_dict["other_person"][0]
        assert message.startswith("Another agency holds records of Jessica Taylor")
        assert "part in a case" in message
    assert _snapshot() == before


def test_a_merge_of_a_person_with_themselves_is_refused(supervisor_north, jess, holdings):
    before = _snapshot()
    with pytest.raises(ValidationError) as refused:
        _merge(supervisor_north, jess, jess, survivor=jess)
    assert refused.value.message_dict == {
        "other_person": ["Choose another person: a record cannot be merged with itself."]
    }
    assert _snapshot() == before


def test_a_merge_of_a_record_already_merged_is_refused(
    supervisor_north, north, jess, jessica, holdings
):
    # given
    _merge(supervisor_north, jess, jessica, survivor=jessica)
    third = PersonFactory(recorded_by_agency=north, first_name="J", last_name="Taylor")
    before = _snapshot()
    # when
    with pytest.raises(ValidationError) as refused:
        _merge(supervisor_north, third, jess, survivor=third)
    # then
    assert set(refused.value.message_dict) == {"other_person"}
    assert "already been merged" in refused.value.message_dict["other_person"][0]
    assert _snapshot() == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_merge_without_a_reason_is_refused(supervisor_north, jess, jessica, holdings, reason):
    before = _snapshot()
    with pytest.raises(ValidationError) as refused:
        _merge(supervisor_north, jess, jessica, survivor=jessica, reason=reason)
    assert refused.value.message_dict == {
        "reason": ["Give the reason these records are the same person."]
    }
    assert _snapshot() == before


def test_two_records_holding_the_same_part_in_one_case_are_refused(
    supervisor_north, jess, jessica, holdings
):
    # given: both are the victim in one case
    PartyFactory(case=holdings["parts"][0].case, person=jessica, role="victim")
    before = _snapshot()
    # when
    with pytest.raises(ValidationError) as refused:
        _merge(supervisor_north, jess, jessica, survivor=jessica)
    # then
    assert "victim in NS-2026-000101" in refused.value.message_dict["other_person"][0]
    assert _snapshot() == before


def test_an_officer_may_not_merge(officer_north, jess, jessica, holdings):
    before = _snapshot()
    with pytest.raises(AccessDenied):
        _merge(officer_north, jess, jessica, survivor=jessica)
    assert _snapshot() == before


# --- The undo


def test_the_undo_puts_back_exactly_what_moved(
    supervisor_north, jess, jessica, holdings, north, clock
):
    # given: merged, then something added to the survivor since
    before_merge = _held_by(jess), _held_by(jessica)
    merge = _merge(supervisor_north, jess, jessica, survivor=jessica)
    clock.shift(timedelta(days=3))
    added_since = PartyFactory(
        case=CaseFactory(owning_agency=north), person=jessica, role="witness"
    )
    flag_since = FlagFactory(party=added_since)
    # when
    person_merge_undo(actor=supervisor_north.user, merge=merge, reason="Two sisters, not one.")
    # then: each moved row is back with Jess; what was added since stays with Jessica
    jess_now, jessica_now = _held_by(jess), _held_by(jessica)
    assert jess_now == before_merge[0]
    assert jessica_now == {
        "parts": before_merge[1]["parts"] | {added_since.pk},
        "identifiers": before_merge[1]["identifiers"],
        "flags": before_merge[1]["flags"] | {flag_since.pk},
    }
    assert [p.person_id for p in holdings["referral"].parties.all()] == [jess.pk]
    jess.refresh_from_db()
    merge.refresh_from_db()
    assert jess.merged_into_id is None
    assert (merge.undone_by_id, merge.undo_reason) == (
        supervisor_north.user_id,
        "Two sisters, not one.",
    )
    assert set(merge.moves.values_list("outcome", flat=True)) == {"restored"}
    # and Jess is found again
    assert set(person_search(actor=supervisor_north.user, text="Taylor")) == {jess, jessica}


def test_the_undo_leaves_a_moved_row_that_is_no_longer_the_survivors(
    supervisor_north, jess, jessica, holdings
):
    # given: after the merge, one moved identifier was removed
    merge = _merge(supervisor_north, jess, jessica, survivor=jessica)
    holdings["identifier"].delete()
    # when
    person_merge_undo(actor=supervisor_north.user, merge=merge, reason="Two people.")
    # then
    outcomes = dict(merge.moves.values_list("reference", "outcome").distinct())
    assert outcomes["cases.identifier"] == "gone"
    assert outcomes["cases.party"] == "restored"


def test_the_undo_is_recorded_in_the_history_and_the_access_log(
    supervisor_north, jess, jessica, holdings
):
    merge = _merge(supervisor_north, jess, jessica, survivor=jessica)
    # when
    person_merge_undo(actor=supervisor_north.user, merge=merge, reason="Two people.")
    # then
    part = holdings["parts"][0]
    reasons = list(
        part.history.order_by("history_date", "history_id").values_list(
            "person_id", "history_change_reason"
        )
    )
    assert reasons[-2][0] == jessica.pk
    assert reasons[-1] == (jess.pk, "merge undone, back to Jess Taylor: Two people.")
    entry = AccessLogEntry.objects.get(action="cases.person.merge_undone")
    assert (entry.object_id, entry.username) == (str(merge.pk), "supervisor.north")
    assert "4 rows put back, 0 no longer with the survivor" in entry.justification


def test_the_undo_is_allowed_on_the_20th_working_day_after_the_bank_holidays(
    supervisor_north, jess, jessica, holdings, clock
):
    # given: merged on the Thursday before Easter
    merge = _merge(supervisor_north, jess, jessica, survivor=jessica)
    # when: Tuesday 5 May, 16:59 BST (Good Friday, Easter Monday, Early May: not counted)
    clock.move_to(datetime(2026, 5, 5, 15, 59, tzinfo=UTC))
    person_merge_undo(actor=supervisor_north.user, merge=merge, reason="Two people.")
    # then
    merge.refresh_from_db()
    assert merge.undone_at is not None


def test_the_undo_after_20_working_days_is_refused_naming_the_field(
    supervisor_north, jess, jessica, holdings, clock
):
    # given
    merge = _merge(supervisor_north, jess, jessica, survivor=jessica)
    before = _snapshot()
    # when: Tuesday 5 May, 17:01 BST
    clock.move_to(datetime(2026, 5, 5, 16, 1, tzinfo=UTC))
    with pytest.raises(ValidationError) as refused:
        person_merge_undo(actor=supervisor_north.user, merge=merge, reason="Two people.")
    # then
    assert refused.value.message_dict == {
        "undo_until": [
            "A merge can be undone within 20 working days: this one could be until "
            "17:00 on 5 May 2026."
        ]
    }
    assert _snapshot() == before


def test_an_undo_without_a_reason_is_refused(supervisor_north, jess, jessica, holdings):
    merge = _merge(supervisor_north, jess, jessica, survivor=jessica)
    before = _snapshot()
    with pytest.raises(ValidationError) as refused:
        person_merge_undo(actor=supervisor_north.user, merge=merge, reason=" ")
    assert refused.value.message_dict == {"reason": ["Give the reason the merge is undone."]}
    assert _snapshot() == before


def test_a_merge_undone_once_cannot_be_undone_again(supervisor_north, jess, jessica, holdings):
    merge = _merge(supervisor_north, jess, jessica, survivor=jessica)
    person_merge_undo(actor=supervisor_north.user, merge=merge, reason="Two people.")
    before = _snapshot()
    with pytest.raises(InvalidState) as refused:
        person_merge_undo(actor=supervisor_north.user, merge=merge, reason="Again.")
    assert refused.value.state == "undone"
    assert _snapshot() == before


def test_a_merge_can_be_made_again_after_its_undo(supervisor_north, jess, jessica, holdings):
    first = _merge(supervisor_north, jess, jessica, survivor=jessica)
    person_merge_undo(actor=supervisor_north.user, merge=first, reason="Checked again.")
    # when
    again = _merge(supervisor_north, jess, jessica, survivor=jess)
    # then
    assert again.survivor_id == jess.pk
    assert _held_by(jessica)["parts"] == set()


def test_the_hubs_coordinator_merges_their_own_records(north):
    from tests.factories import AgencyFactory

    hub = AgencyFactory(slug="northshire-mash", name="Northshire MASH", kind="safeguarding_hub")
    coordinator = MembershipFactory(agency=hub, role=Role.MASH_COORDINATOR)
    one = PersonFactory(recorded_by_agency=hub, first_name="Kai", last_name="Lee")
    two = PersonFactory(recorded_by_agency=hub, first_name="Kai", last_name="Lee")
    merge = _merge(coordinator, one, two, survivor=one)
    assert merge.agency_id == hub.pk
