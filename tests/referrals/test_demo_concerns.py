"""The urgent concerns of the demo, and the issue's done-when journey on the demo
itself, through the pages alone: caseworker.lighthouse raises a concern on the
referral lighthouse received from northshire-police, and it reaches officer.north
and supervisor.north marked urgent."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command

from common.models import Notification
from referrals.models import Concern, ReferralMessage
from tests.helpers import signed_in_client

LONDON = ZoneInfo("Europe/London")
SEEDED_AT = datetime(2026, 11, 27, 16, 30, tzinfo=LONDON)  # a Friday afternoon

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    with time_machine.travel(SEEDED_AT, tick=False):
        call_command("seed_demo")
        call_command("seed_demo")  # idempotent: the second run adds nothing
    return SEEDED_AT


def _browser(username):
    return signed_in_client(User.objects.get(username=username).membership)


def test_caseworker_harbour_raised_one_concern_acknowledged_by_officer_north(demo):
    concern = Concern.objects.get()
    assert concern.raised_by.username == "caseworker.harbour"
    assert concern.acknowledged_by.username == "officer.north"
    assert concern.referral.to_agency.slug == "harbour-victim-support"
    assert ReferralMessage.objects.filter(referral=concern.referral).count() == 2


def test_done_when_lighthouse_raises_a_concern_that_reaches_officer_and_supervisor_north(demo):
    with time_machine.travel(SEEDED_AT, tick=False):
        lighthouse = _browser("caseworker.lighthouse")
        # 1. Referrals: the inbox lists the request from Northshire Police
        inbox = lighthouse.get("/referrals/").content.decode()
        links = re.findall(r'href="(/referrals/[0-9a-f-]{36}/)"', inbox)
        pages = {link: lighthouse.get(link).content.decode() for link in set(links)}
        [referral_url] = [
            link
            for link, html in pages.items()
            if "Request for information" in html and "Raise an urgent concern" in html
        ]
        # 2. Raise an urgent concern
        form_url = f"{referral_url}concerns/new/"
        form = lighthouse.get(form_url).content.decode()
        subject = re.search(r'name="subject" type="radio" value="([0-9a-f-]{36})"', form).group(1)
        # 3. The form, sent
        raised = lighthouse.post(
            form_url,
            {
                "kind": "risk_to_child",
                "subject": subject,
                "heard": "Erin says he still has the children alone at weekends.",
                "heard_on": "27/11/2026",
                "heard_time": "16:00",
                "heard_from": "Erin Example, by phone",
            },
        )
        assert raised.status_code == 302
        # then: each of officer.north and supervisor.north has it, marked urgent
        for username in ("officer.north", "supervisor.north"):
            assert Notification.objects.filter(
                user__username=username, kind="referrals.urgent_concern_raised"
            ).exists()
            page = _browser(username).get("/notifications/").content.decode()
            assert '<strong class="govuk-tag govuk-tag--red">Urgent</strong>' in page
            assert "Lighthouse Family Support has raised a concern" in page
