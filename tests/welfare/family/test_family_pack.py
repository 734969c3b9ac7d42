"""Recording a family pack: it meets the suspect's family-pack duty; bad input is
refused naming the field, and nothing is stored."""

from datetime import date

import pytest

from agencies.models import AccessLogEntry
from common.errors import AccessDenied, NotFound, ValidationError
from tests.factories import CaseFactory, PartyFactory
from tests.welfare.family.helpers import arrest, at, frozen
from welfare.models import Duty, DutyKind, DutyStatus, FamilyPack
from welfare.services.family import NO_SUSPECT, family_pack_record

TUESDAY = at(2026, 3, 3, 14, 0)


def _record(membership, case, suspect, **values):
    with frozen(TUESDAY):
        return family_pack_record(actor=membership.user, case=case, suspect=suspect, **values)


def _pack_duty(suspect) -> Duty:
    return Duty.objects.get(party=suspect, kind=DutyKind.FAMILY_PACK)


def _refused(call, field: str) -> list[str]:
    packs_before = FamilyPack.objects.count()
    with pytest.raises(ValidationError) as refused:
        call()
    assert field in refused.value.message_dict
    assert FamilyPack.objects.count() == packs_before
    return refused.value.message_dict[field]


def test_a_pack_given_at_the_arrest_meets_the_duty_the_arrest_created(
    officer_north, north_case, suspect, partner
):
    # given
    event = arrest(officer_north, north_case, suspect)
    # when
    pack = _record(
        officer_north,
        north_case,
        suspect,
        given=True,
        given_on=date(2026, 3, 2),
        given_to="Jo Madeup (partner)",
        pack_version="2026-01",
        accepted=True,
    )
    # then
    assert (pack.event, pack.given_by, pack.recorded_by) == (
        event,
        officer_north.user,
        officer_north.user,
    )
    duty = _pack_duty(suspect)
    assert (duty.status, duty.resolved_by, duty.resolved_at) == (
        DutyStatus.MET,
        officer_north.user,
        TUESDAY,
    )
    assert duty.resolution_note == "Family pack given on 02/03/2026 to Jo Madeup (partner)"
    assert pack.history.first().history_change_reason == "family pack given"
    assert AccessLogEntry.objects.filter(
        action="welfare.family_pack.recorded", object_id=str(pack.pk)
    ).exists()
    # The family's offer of support is still owed.
    assert (
        Duty.objects.get(party=suspect, kind=DutyKind.FAMILY_SUPPORT_OFFER).status
        == DutyStatus.OPEN
    )


def test_a_pack_not_given_with_a_reason_closes_the_duty_as_not_needed(
    officer_north, north_case, suspect
):
    arrest(officer_north, north_case, suspect)
    pack = _record(
        officer_north,
        north_case,
        suspect,
        given=False,
        not_given_reason="The suspect lives alone.",
    )
    duty = _pack_duty(suspect)
    assert (pack.given, pack.given_by, duty.status) == (False, None, DutyStatus.NOT_NEEDED)
    assert duty.resolution_note == "Family pack not given: The suspect lives alone."


def test_a_pack_for_a_case_with_no_suspect_is_refused_naming_the_suspect(officer_north, north):
    # given
    case = CaseFactory(owning_agency=north, received_on=date(2026, 2, 26))
    victim = PartyFactory(case=case, role="victim")
    # when / then
    messages = _refused(
        lambda: _record(officer_north, case, victim, given=True, given_on=date(2026, 3, 2)),
        "suspect",
    )
    assert messages == [NO_SUSPECT]


def test_a_party_who_is_not_a_suspect_is_refused(officer_north, north_case, suspect, victim):
    messages = _refused(
        lambda: _record(officer_north, north_case, victim, given=True, given_on=date(2026, 3, 2)),
        "suspect",
    )
    assert messages == ["Choose a suspect in this case."]


def test_a_pack_given_needs_its_date(officer_north, north_case, suspect):
    arrest(officer_north, north_case, suspect)
    messages = _refused(lambda: _record(officer_north, north_case, suspect, given=True), "given_on")
    assert messages == ["Enter the date the family pack was given."]
    assert _pack_duty(suspect).status == DutyStatus.OPEN


@pytest.mark.parametrize(
    ("given_on", "message"),
    [
        (date(2026, 3, 4), "Must not be in the future."),
        (date(2026, 2, 25), "Must not be before the case was received."),
    ],
)
def test_the_date_given_is_neither_in_the_future_nor_before_the_case(
    officer_north, north_case, suspect, given_on, message
):
    messages = _refused(
        lambda: _record(officer_north, north_case, suspect, given=True, given_on=given_on),
        "given_on",
    )
    assert messages == [message]


def test_a_pack_not_given_needs_the_reason_why(officer_north, north_case, suspect):
    arrest(officer_north, north_case, suspect)
    messages = _refused(
        lambda: _record(officer_north, north_case, suspect, given=False, not_given_reason="  "),
        "not_given_reason",
    )
    assert messages == ["Say why the family pack was not given."]
    assert _pack_duty(suspect).status == DutyStatus.OPEN


def test_whether_it_was_given_must_be_said(officer_north, north_case, suspect):
    _refused(lambda: _record(officer_north, north_case, suspect, given=None), "given")


def test_the_event_must_be_an_arrest_or_search_of_that_suspect(officer_north, north_case, suspect):
    # given: an interview of this suspect, and an arrest of another
    interview = arrest(officer_north, north_case, suspect, kind="voluntary_interview")
    other = PartyFactory(case=north_case, role="suspect")
    other_arrest = arrest(officer_north, north_case, other)
    # then
    for event in (interview, other_arrest):
        messages = _refused(
            lambda event=event: _record(
                officer_north,
                north_case,
                suspect,
                given=True,
                given_on=date(2026, 3, 2),
                event=event,
            ),
            "event",
        )
        assert messages == ["Choose the arrest or search of this suspect."]


def test_another_force_cannot_record_a_pack_on_the_case(officer_south, north_case, suspect):
    with pytest.raises(NotFound):
        _record(officer_south, north_case, suspect, given=True, given_on=date(2026, 3, 2))
    assert FamilyPack.objects.count() == 0


def test_an_auditor_cannot_record_a_pack(auditor_north, north_case, suspect):
    with pytest.raises((NotFound, AccessDenied)):
        _record(auditor_north, north_case, suspect, given=True, given_on=date(2026, 3, 2))
    assert FamilyPack.objects.count() == 0
