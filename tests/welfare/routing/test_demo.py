"""The demo's duty routing: investigator.north sees their own screening duty from
the arrest they recorded on officer.north's case, and supervisor.north sees, on Team
duties, the 48-hour check that officer.north (whose team has no supervisor) missed.
Seeding again changes nothing."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from agencies import demo
from agencies.models import Membership
from cases.models import Case
from common.models import Notification
from tests.helpers import signed_in_client
from welfare.deadlines import duties_sweep
from welfare.demo_routing import ARREST_REFERENCE, MISSED_REFERENCE, seed_duty_routing_demo
from welfare.models import Duty, DutyKind, DutyStatus

LONDON = ZoneInfo("Europe/London")
SEEDED_AT = datetime(2026, 11, 25, 9, 30, tzinfo=LONDON)  # a Wednesday morning

pytestmark = pytest.mark.slow


def _client(username):
    return signed_in_client(Membership.objects.get(user__username=username))


def test_the_demo_routes_the_arrest_and_shows_the_missed_check(db, settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(demo, "demo_seeders", lambda: [("duty routing", seed_duty_routing_demo)])
    with time_machine.travel(SEEDED_AT, tick=False):
        # given the demo, seeded twice
        call_command("seed_demo")
        call_command("seed_demo")
        assert seed_duty_routing_demo() == "already seeded"
        assert Case.objects.filter(source_reference__startswith="DEMO-ROUTE-").count() == 2
        # then the arrest's duties are the investigator's, on the officer's case
        arrest = Case.objects.get(source_reference=ARREST_REFERENCE)
        assert arrest.lead_officer.username == "officer.north"
        held = dict(
            Duty.objects.filter(case=arrest, status=DutyStatus.OPEN).values_list(
                "kind", "responsible__username"
            )
        )
        assert held == {
            DutyKind.WELFARE_SCREENING: "investigator.north",
            DutyKind.FAMILY_PACK: "investigator.north",
            DutyKind.FAMILY_SUPPORT_OFFER: "investigator.north",
        }
        assert (
            Notification.objects.filter(
                user__username="officer.north", kind="welfare.duty_routed"
            ).count()
            == 1
        )
        # and investigator.north sees their own screening in their duties
        screening = Duty.objects.get(case=arrest, kind=DutyKind.WELFARE_SCREENING)
        mine = _client("investigator.north").get("/api/v1/duties/?whose=mine").json()
        assert str(screening.pk) in {row["id"] for row in mine["results"]}
        page = _client("investigator.north").get("/my-duties/").content.decode()
        assert f"/duties/{screening.pk}/reassign/" in page
        # and the missed check is officer.north's
        missed_case = Case.objects.get(source_reference=MISSED_REFERENCE)
        [missed] = Duty.objects.filter(
            case=missed_case, status=DutyStatus.OPEN, kind=DutyKind.WELFARE_CHECK
        )
        assert missed.responsible.username == "officer.north"
        assert missed.due_at < SEEDED_AT
        # and supervisor.north (Online CSA) sees it on Team duties
        page = _client("supervisor.north").get("/team-duties/").content.decode()
        assert f"/duties/{missed.pk}/reassign/" in page
        # and the sweep tells them it was missed
        duties_sweep()
        assert Notification.objects.filter(
            user__username="supervisor.north",
            kind="welfare.welfare_check_missed",
            dedupe_key__startswith=f"duty:{missed.pk}:",
        ).exists()
