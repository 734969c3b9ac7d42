"""A conditional caution's due date as a duty on the officer in charge: opened once
when the caution is recorded, due at 17:00 on the due day (or the next working
day), moved with the date, closed when the outcome is no longer a conditional
caution, opened again when it is one again."""

from datetime import UTC, date, datetime

import pytest

from agencies.models import AccessLogEntry
from cases.events import OUTCOME_CAUTION_CHANGED, event_dispatch, handlers_for
from cases.models import Outcome
from cases.services.outcome_cautions import outcome_caution_change
from cases.services.outcomes import outcome_record
from common.errors import InvalidState, ValidationError
from tests.welfare.cautions.conftest import DUE_AT, DUE_ON, NOW
from welfare.models import Duty, DutyKind, DutyStatus, DutyTrigger
from welfare.services.caution_duties import (
    NO_LONGER_CONDITIONAL_NOTE,
    caution_due_at,
    compliance_page_path,
)

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


def _duty(outcome) -> Duty:
    return Duty.objects.get(source_key=f"outcome:{outcome.id}:caution_compliance")


def test_the_handler_is_registered():
    assert "welfare.cautions" in handlers_for(OUTCOME_CAUTION_CHANGED)


def test_a_conditional_caution_opens_one_duty_on_the_officer_in_charge(
    caution, officer_north, investigator_north, suspect
):
    # when: recorded by the investigator (in the fixture)
    duty = _duty(caution)
    # then: the lead officer's, not the recorder's
    assert Duty.objects.filter(kind=DutyKind.CAUTION_COMPLIANCE).count() == 1
    assert duty.responsible == officer_north.user
    assert duty.kind == DutyKind.CAUTION_COMPLIANCE
    assert duty.trigger == DutyTrigger.CAUTION_DUE
    assert duty.compartment == "suspect"
    assert duty.party == suspect
    assert duty.status == DutyStatus.OPEN
    assert duty.due_at == DUE_AT
    assert duty.due_by_clock is False
    assert duty.reason == "Conditional caution given 10 June 2026; conditions due by 10 July 2026"


def test_the_handler_run_twice_opens_it_once(caution, investigator_north):
    # when
    event_dispatch(OUTCOME_CAUTION_CHANGED, outcome=caution, actor=investigator_north.user)
    # then
    assert Duty.objects.filter(kind=DutyKind.CAUTION_COMPLIANCE).count() == 1


def test_an_outcome_without_conditions_opens_no_duty(investigator_north, case, suspect):
    # when: a simple caution, then a charge
    outcome_record(
        actor=investigator_north.user,
        case=case,
        suspect=suspect,
        code="3",
        outcome_on=date(2026, 6, 10),
        rationale="Admitted; a simple caution.",
    )
    # then
    assert Duty.objects.filter(kind=DutyKind.CAUTION_COMPLIANCE).count() == 0


@pytest.mark.parametrize(
    ("due_on", "due_at"),
    [
        # A Friday in summer time: 17:00 BST.
        (date(2026, 7, 10), datetime(2026, 7, 10, 16, 0, tzinfo=UTC)),
        # A Saturday: the next working day, Monday.
        (date(2026, 7, 11), datetime(2026, 7, 13, 16, 0, tzinfo=UTC)),
        # The summer bank holiday (Monday 31 August 2026): Tuesday.
        (date(2026, 8, 31), datetime(2026, 9, 1, 16, 0, tzinfo=UTC)),
        # After the clocks go back (25 October 2026): 17:00 GMT.
        (date(2026, 10, 26), datetime(2026, 10, 26, 17, 0, tzinfo=UTC)),
    ],
)
def test_the_duty_is_due_at_the_end_of_the_working_day(db, due_on, due_at):
    assert caution_due_at(due_on) == due_at


def test_a_changed_due_date_moves_the_duty(caution, investigator_north):
    # given
    before = _duty(caution)
    # when
    outcome_caution_change(
        actor=investigator_north.user,
        outcome=caution,
        caution_conditions=caution.caution_conditions,
        conditions_due_on=date(2026, 7, 24),
        reason="The course provider moved the last session.",
        expected_version=caution.version,
    )
    # then
    duty = _duty(caution)
    assert duty.pk == before.pk
    assert duty.status == DutyStatus.OPEN
    assert duty.due_at == datetime(2026, 7, 24, 16, 0, tzinfo=UTC)
    assert duty.version == before.version + 1
    assert duty.reason.endswith("conditions due by 24 July 2026")
    assert duty.history.first().history_change_reason == "due date moved to 24 July 2026"
    assert AccessLogEntry.objects.filter(action="cases.outcome.caution_changed").count() == 1


def test_withdrawn_conditions_close_the_duty_as_no_longer_applying(caution, investigator_north):
    # when: a simple caution now
    changed = outcome_caution_change(
        actor=investigator_north.user,
        outcome=caution,
        caution_conditions="",
        conditions_due_on=None,
        reason="The CPS withdrew the conditions.",
    )
    # then
    assert changed.is_conditional_caution is False
    duty = _duty(caution)
    assert duty.status == DutyStatus.CANCELLED
    assert duty.resolution_note == NO_LONGER_CONDITIONAL_NOTE
    assert duty.resolved_by == investigator_north.user


def test_a_caution_conditional_again_opens_the_same_duty_again(caution, investigator_north):
    # given: withdrawn
    outcome_caution_change(
        actor=investigator_north.user,
        outcome=caution,
        caution_conditions="",
        conditions_due_on=None,
        reason="Withdrawn in error.",
    )
    # when
    outcome_caution_change(
        actor=investigator_north.user,
        outcome=caution,
        caution_conditions="Attend the course.",
        conditions_due_on=date(2026, 7, 17),
        reason="Restored: the withdrawal was an error.",
    )
    # then
    duty = _duty(caution)
    assert Duty.objects.filter(kind=DutyKind.CAUTION_COMPLIANCE).count() == 1
    assert duty.status == DutyStatus.OPEN
    assert (duty.resolved_at, duty.resolved_by, duty.resolution_note) == (None, None, "")
    assert duty.due_at == datetime(2026, 7, 17, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"conditions_due_on": None}, "conditions_due_on"),
        ({"conditions_due_on": date(2026, 6, 9)}, "conditions_due_on"),
        ({"reason": "  "}, "reason"),
    ],
)
def test_a_refused_change_changes_nothing(caution, investigator_north, changes, field):
    # given
    values = {
        "caution_conditions": "Attend the course.",
        "conditions_due_on": date(2026, 7, 24),
        "reason": "Moved.",
        **changes,
    }
    # when
    with pytest.raises(ValidationError) as refused:
        outcome_caution_change(actor=investigator_north.user, outcome=caution, **values)
    # then
    assert list(refused.value.message_dict) == [field]
    caution.refresh_from_db()
    assert (caution.conditions_due_on, caution.version) == (DUE_ON, 1)
    assert _duty(caution).due_at == DUE_AT


def test_conditions_on_a_charge_are_refused(investigator_north, case, suspect):
    # given
    charged = outcome_record(
        actor=investigator_north.user,
        case=case,
        suspect=suspect,
        code="1",
        outcome_on=date(2026, 6, 10),
        rationale="Charged.",
    )
    # when
    with pytest.raises(ValidationError) as refused:
        outcome_caution_change(
            actor=investigator_north.user,
            outcome=charged,
            caution_conditions="Attend the course.",
            conditions_due_on=date(2026, 7, 24),
            reason="Added.",
        )
    # then
    assert list(refused.value.message_dict) == ["caution_conditions"]
    assert Duty.objects.filter(kind=DutyKind.CAUTION_COMPLIANCE).count() == 0


def test_terms_cannot_change_once_compliance_is_recorded(caution, investigator_north):
    # given
    Outcome.objects.filter(pk=caution.pk).update(conditions_met=True, conditions_checked_on=NOW)
    caution.refresh_from_db()
    # when
    with pytest.raises(InvalidState) as refused:
        outcome_caution_change(
            actor=investigator_north.user,
            outcome=caution,
            caution_conditions="Attend the course.",
            conditions_due_on=date(2026, 7, 24),
            reason="Moved.",
        )
    # then
    assert refused.value.state == "complied"
    assert _duty(caution).due_at == DUE_AT


def test_the_duty_links_to_the_compliance_page(caution, case, suspect, investigator_north):
    # given
    other = Duty.objects.exclude(kind=DutyKind.CAUTION_COMPLIANCE).first()
    # then
    assert compliance_page_path(_duty(caution)) == (
        f"/cases/{case.id}/outcomes/{caution.id}/caution-compliance/"
    )
    assert other is None or compliance_page_path(other) is None
