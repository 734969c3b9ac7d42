"""The demo's welfare checks: a suspect released at risk whose first check could not
reach him, with the second attempt due; and a 48-hour check made 92 hours late,
shown as late. Seeding again changes nothing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from agencies import demo
from cases.models import Case
from tests.helpers import signed_in_client
from welfare.demo_checks import LATE_REFERENCE, NOT_REACHED_REFERENCE, seed_welfare_checks_demo
from welfare.models import Duty, DutyKind, DutyStatus, DutyTrigger, WelfareCheckAttempt

LONDON = ZoneInfo("Europe/London")
SEEDED_AT = datetime(2026, 11, 25, 9, 30, tzinfo=LONDON)  # a Wednesday morning

pytestmark = pytest.mark.slow


def test_the_demo_has_a_second_attempt_due_and_a_check_made_late(db, settings, monkeypatch):
    settings.DEBUG = True
    # The command's agencies and users, then this seeder alone.
    monkeypatch.setattr(
        demo, "demo_seeders", lambda: [("welfare checks", seed_welfare_checks_demo)]
    )
    with time_machine.travel(SEEDED_AT, tick=False):
        # given
        call_command("seed_demo")
        # when: seeded again
        call_command("seed_demo")
        again = seed_welfare_checks_demo()
        # then
        assert again == "already seeded"
        assert WelfareCheckAttempt.objects.count() == 2
        not_reached = Case.objects.get(source_reference=NOT_REACHED_REFERENCE)
        [first] = Duty.objects.filter(case=not_reached, kind=DutyKind.WELFARE_CHECK).exclude(
            status=DutyStatus.OPEN
        )
        assert first.status == DutyStatus.NOT_REACHED
        [second] = Duty.objects.filter(
            case=not_reached, kind=DutyKind.WELFARE_CHECK, status=DutyStatus.OPEN
        )
        assert second.trigger == DutyTrigger.SECOND_ATTEMPT
        assert second.due_at == SEEDED_AT + timedelta(hours=3)
        assert second.responsible.username == "investigator.north"
        late = Case.objects.get(source_reference=LATE_REFERENCE)
        check = Duty.objects.get(case=late, kind=DutyKind.WELFARE_CHECK)
        assert check.status == DutyStatus.MET
        assert check.resolution_note.endswith("made 92 hours late.")
        # and investigator.north sees both on the case pages
        from agencies.models import Membership

        client = signed_in_client(Membership.objects.get(user__username="investigator.north"))
        page = client.get(f"/cases/{not_reached.pk}/welfare/").content.decode()
        assert "Second attempt due by 25 November 2026 12:30" in page
        assert f"/duties/{second.pk}/welfare-check/" in page
        page = client.get(f"/cases/{late.pk}/welfare/").content.decode()
        assert "Made 92 hours late" in page
