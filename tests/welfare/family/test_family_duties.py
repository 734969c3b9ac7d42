"""The duties an arrest or search owes a suspect's family: a family pack and an
offer of support always; a safeguarding referral of the children only when
children live there, once, also when a child is recorded after the arrest."""

from datetime import date

from cases.services.people import party_add
from tests.factories import PersonFactory
from tests.welfare.family.helpers import MONDAY_MORNING, arrest, at, frozen
from welfare.models import FAMILY_DUTIES, Duty, DutyKind, DutyStatus, DutyTrigger

CHILDREN = DutyKind.CHILDREN_SAFEGUARDING_REFERRAL


def _duties(suspect) -> dict:
    return {
        duty.kind: duty
        for duty in Duty.objects.filter(party=suspect, kind__in=sorted(FAMILY_DUTIES))
    }


def test_an_arrest_owes_the_family_a_pack_and_support_but_no_hub_referral_without_children(
    officer_north, north_case, suspect, partner
):
    # when
    event = arrest(officer_north, north_case, suspect)
    # then
    duties = _duties(suspect)
    assert set(duties) == {DutyKind.FAMILY_PACK, DutyKind.FAMILY_SUPPORT_OFFER}
    pack, offer = duties[DutyKind.FAMILY_PACK], duties[DutyKind.FAMILY_SUPPORT_OFFER]
    assert (pack.event, pack.status, pack.responsible) == (
        event,
        DutyStatus.OPEN,
        officer_north.user,
    )
    # Monday 10:00: the pack by 17:00 on Tuesday, the offer within 5 working days.
    assert pack.due_at == at(2026, 3, 3, 17, 0)
    assert offer.due_at == at(2026, 3, 9, 17, 0)


def test_children_in_the_household_are_owed_a_hub_referral_within_one_working_day(
    officer_north, north_case, suspect, child
):
    # given: a Friday morning arrest
    friday = at(2026, 3, 6, 10, 0)
    # when
    event = arrest(officer_north, north_case, suspect, moment=friday)
    # then: across the weekend, due on Monday
    duty = _duties(suspect)[CHILDREN]
    assert (duty.status, duty.trigger, duty.event) == (DutyStatus.OPEN, DutyTrigger.EVENT, event)
    assert duty.due_at == at(2026, 3, 9, 17, 0)


def test_a_search_also_owes_the_family_its_duties(officer_north, north_case, suspect, child):
    arrest(officer_north, north_case, suspect, kind="searched")
    assert set(_duties(suspect)) == {
        DutyKind.FAMILY_PACK,
        DutyKind.FAMILY_SUPPORT_OFFER,
        CHILDREN,
    }


def test_an_interview_alone_owes_the_family_nothing(officer_north, north_case, suspect, child):
    arrest(officer_north, north_case, suspect, kind="voluntary_interview")
    assert _duties(suspect) == {}


def test_a_child_recorded_after_the_arrest_brings_the_hub_referral_due_from_then(
    officer_north, north_case, suspect
):
    # given
    arrest(officer_north, north_case, suspect)
    assert CHILDREN not in _duties(suspect)
    person = PersonFactory(
        recorded_by_agency=north_case.owning_agency, date_of_birth=date(2016, 1, 1)
    )
    # when: recorded on Wednesday afternoon
    with frozen(at(2026, 3, 4, 15, 0)):
        party_add(
            actor=officer_north.user,
            case=north_case,
            person=person,
            role="child_in_household",
            related_to=suspect,
            relationship="daughter",
        )
    # then
    duty = _duties(suspect)[CHILDREN]
    assert (duty.trigger, duty.due_at) == (DutyTrigger.CHILD_ADDED, at(2026, 3, 5, 17, 0))


def test_the_hub_referral_is_owed_once_for_the_household(officer_north, north_case, suspect, child):
    # given
    arrest(officer_north, north_case, suspect)
    # when: a search later, and another child recorded
    arrest(officer_north, north_case, suspect, moment=at(2026, 3, 3, 9, 0), kind="searched")
    with frozen(at(2026, 3, 4, 15, 0)):
        party_add(
            actor=officer_north.user,
            case=north_case,
            person=PersonFactory(recorded_by_agency=north_case.owning_agency),
            role="child_in_household",
            related_to=suspect,
            relationship="stepson",
        )
    # then
    assert Duty.objects.filter(party=suspect, kind=CHILDREN).count() == 1
    assert Duty.objects.filter(party=suspect, kind=DutyKind.FAMILY_PACK).count() == 1


def test_a_child_recorded_before_any_arrest_owes_nothing_yet(officer_north, north_case, suspect):
    with frozen(MONDAY_MORNING):
        party_add(
            actor=officer_north.user,
            case=north_case,
            person=PersonFactory(recorded_by_agency=north_case.owning_agency),
            role="child_in_household",
            related_to=suspect,
            relationship="son",
        )
    assert _duties(suspect) == {}
