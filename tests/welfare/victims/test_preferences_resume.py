"""A victim who opts out and later asks to be updated again gets their agreed
regular update back: the schedule does not silently stop."""

import time_machine

from tests.welfare.victims.conftest import at
from welfare.models import Duty, DutyKind, DutyStatus, DutyTrigger, VictimCare
from welfare.services import victim_care as care_services


def _regular(victim):
    return Duty.objects.filter(
        party=victim, kind=DutyKind.VICTIM_UPDATE, trigger=DutyTrigger.REGULAR_UPDATE
    ).order_by("created_at")


def test_opting_back_in_resumes_the_regular_update(officer_north, case, victim):
    # given: an update every 5 working days is agreed, then the victim opts out
    care = VictimCare.objects.create(case=case, party=victim, enhanced_reason="under_18")
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        care = care_services.victim_preferences_set(
            actor=officer_north.user, care=care, expected_version=1, regular_update_working_days=5
        )
        care = care_services.victim_preferences_set(
            actor=officer_north.user,
            care=care,
            expected_version=2,
            wants_updates=False,
            opt_out_note="Asked for a break from updates.",
        )
    assert [d.status for d in _regular(victim)] == [DutyStatus.OPTED_OUT]
    # when: on Wednesday 4 March the victim asks to be updated again
    with time_machine.travel(at(2026, 3, 4, 11, 0), tick=False):
        care = care_services.victim_preferences_set(
            actor=officer_north.user, care=care, expected_version=3, wants_updates=True
        )
    # then: the next regular update is due 5 working days from then
    regular = list(_regular(victim))
    assert [d.status for d in regular] == [DutyStatus.OPTED_OUT, DutyStatus.OPEN]
    assert regular[1].due_at == at(2026, 3, 11, 17, 0)
    assert care.regular_update_working_days == 5


def test_opting_back_in_without_a_schedule_owes_nothing_new(officer_north, case, victim):
    care = VictimCare.objects.create(
        case=case,
        party=victim,
        enhanced_reason="under_18",
        wants_updates=False,
        opt_out_note="No updates.",
    )
    with time_machine.travel(at(2026, 3, 4, 11, 0), tick=False):
        care_services.victim_preferences_set(
            actor=officer_north.user, care=care, expected_version=1, wants_updates=True
        )
    assert not _regular(victim).exists()
