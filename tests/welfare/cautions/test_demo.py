"""The demo's conditional caution: due on the Thursday of the week the demo is
seeded, on officer.north's case, so its compliance duty is theirs this week (and on
their calendar). Seeding again changes nothing."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from agencies import demo
from cases.models import Case, Outcome
from welfare.demo_cautions import SOURCE_REFERENCE, caution_due_on, seed_caution_demo
from welfare.models import Duty, DutyKind, DutyStatus

LONDON = ZoneInfo("Europe/London")
# A Wednesday morning.
SEEDED_AT = datetime(2026, 11, 25, 9, 30, tzinfo=LONDON)

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("today", "thursday"),
    [
        (date(2026, 11, 23), date(2026, 11, 26)),  # Monday
        (date(2026, 11, 26), date(2026, 11, 26)),  # Thursday
        (date(2026, 11, 29), date(2026, 11, 26)),  # Sunday
    ],
)
def test_the_caution_falls_due_in_the_week_of_seeding(today, thursday):
    assert caution_due_on(today) == thursday


def test_the_demo_caution_is_officer_norths_duty_this_week(db, settings, monkeypatch):
    settings.DEBUG = True
    # The command's agencies and users, then this seeder alone: the whole demo is
    # tests/test_seed_demo.py's, and this one needs nothing the others make.
    monkeypatch.setattr(demo, "demo_seeders", lambda: [("conditional caution", seed_caution_demo)])
    with time_machine.travel(SEEDED_AT, tick=False):
        # given
        call_command("seed_demo")
        # when: seeded again
        call_command("seed_demo")
        again = seed_caution_demo()
    # then
    assert again == "already seeded"
    case = Case.objects.get(source_reference=SOURCE_REFERENCE)
    assert case.lead_officer.username == "officer.north"
    outcome = Outcome.objects.get(case=case)
    assert (outcome.is_conditional_caution, outcome.conditions_due_on) == (
        True,
        date(2026, 11, 26),
    )
    duty = Duty.objects.get(kind=DutyKind.CAUTION_COMPLIANCE, case=case)
    assert duty.responsible.username == "officer.north"
    assert duty.status == DutyStatus.OPEN
    assert duty.due_at == datetime(2026, 11, 26, 17, 0, tzinfo=LONDON)
    assert Duty.objects.filter(kind=DutyKind.CAUTION_COMPLIANCE).count() == 1
