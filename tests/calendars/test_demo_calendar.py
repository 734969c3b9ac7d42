"""Done when (issue 16): officer.north's calendar shows the week, with the demo's
task and the conditional caution's due date, and names nobody."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command

from cases.models import Case, Person
from tests.helpers import signed_in_client

LONDON = ZoneInfo("Europe/London")
# The demo's task and the caution's conditions fall due on the Thursday of the week it
# is seeded (the task on the day itself from Friday): a Monday, and a Saturday.
SEEDED = [
    (datetime(2026, 12, 7, 9, 30, tzinfo=LONDON), "2026-12-10"),
    (datetime(2026, 12, 12, 9, 30, tzinfo=LONDON), "2026-12-12"),
]

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("seeded_at", "task_due"), SEEDED)
def test_officer_norths_calendar_shows_the_demo_week(db, settings, seeded_at, task_due):
    # given
    settings.DEBUG = True
    with time_machine.travel(seeded_at, tick=False):
        call_command("seed_demo")
        officer = User.objects.get(username="officer.north")
        browser = signed_in_client(officer.membership)
        task_case = Case.objects.get(source_reference="DEMO-SEXT-0002")
        caution_case = Case.objects.filter(source_reference="DEMO-CAUTION-0001").first()
        # when
        page = browser.get("/calendar/")
        api = browser.get("/api/v1/calendar/")
    # then
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your calendar: 7 December to 13 December 2026" in text
    entries = api.json()["entries"]
    assert ("task", task_case.reference, task_due) in {
        (entry["kind"], entry["case"]["reference"], entry["on"]) for entry in entries
    }
    assert f"Case {task_case.reference}" in text
    if caution_case is not None:  # the caution's demo (welfare.demo_cautions)
        assert ("duty.caution_compliance", caution_case.reference, "2026-12-10") in {
            (entry["kind"], entry["case"]["reference"], entry["on"]) for entry in entries
        }
        assert "Record whether the conditional caution was complied with" in text
    # nobody is named: not a victim, a suspect, a child or a colleague
    for person in Person.objects.exclude(first_name=""):
        assert f"{person.first_name} {person.last_name}" not in text
    for colleague in User.objects.exclude(pk=officer.pk).exclude(first_name=""):
        assert f"{colleague.first_name} {colleague.last_name}" not in text
