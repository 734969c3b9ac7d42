"""Done when "one call meets two updates", on the demo: officer.north opens the
overdue update owed to Holly Sample (the sextortion case) and finds every update
owed to her now ticked; one call meets them all, with one contact."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from cases.models import ContactLog, EventKind
from tests.helpers import signed_in_client
from welfare.models import Duty, DutyKind, DutyStatus

LONDON = ZoneInfo("Europe/London")
# A Wednesday morning, as the other demo tests seed it.
SEEDED_AT = datetime(2026, 11, 25, 9, 30, tzinfo=LONDON)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True), time_machine.travel(SEEDED_AT, tick=False):
            call_command("seed_demo")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_seeded, db, settings):
    settings.DEBUG = True
    return SEEDED_AT


def test_one_call_to_holly_meets_every_update_owed_to_her(demo):
    owed = Duty.objects.filter(
        case__source_reference="DEMO-SEXT-0002",
        kind=DutyKind.VICTIM_UPDATE,
        status=DutyStatus.OPEN,
    )
    release = owed.get(event__kind=EventKind.RELEASED_UNDER_INVESTIGATION)
    interview = owed.get(event__kind=EventKind.INTERVIEWED)
    ids = {str(duty.pk) for duty in owed}
    assert {str(release.pk), str(interview.pk)} <= ids and len(ids) >= 2
    browser = signed_in_client(User.objects.get(username="officer.north").membership)
    link = f"/duties/{release.pk}/log-contact/"
    with time_machine.travel(demo, tick=False):
        # given: the overdue update's form offers every update owed to Holly, ticked
        form = browser.get(link).content.decode()
        ticked = set(re.findall(r'name="duties" type="checkbox" value="([^"]+)" checked', form))
        assert ticked == ids
        # when: one call tells her mother of them all
        done = browser.post(
            link,
            {
                "channel": "phone",
                "summary": "Told Holly's mother of the release and the further interview.",
                "contacted_on": "25/11/2026",
                "contacted_time": "09:30",
                "direction": "outbound",
                "duties": sorted(ids),
                "duties_shown": "1",
                "next": "/",
            },
        )
    # then: one contact meets them all
    assert done.status_code == 302, done.content.decode()[:2000]
    contacts = ContactLog.objects.filter(duties_met__pk__in=ids).distinct()
    assert contacts.count() == 1
    assert set(Duty.objects.filter(contact=contacts.get()).values_list("status", flat=True)) == {
        DutyStatus.MET
    }
    assert Duty.objects.filter(contact=contacts.get()).count() == len(ids)
