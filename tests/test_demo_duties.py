"""The "done when" of the victims-and-families and the welfare issues, on the demo
itself: what officer.north and supervisor.north see on their home pages, the
update logged from the home page in two clicks, the duties an arrest creates, and
the statistics page with its charts."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from cases.models import Case, EventKind
from cases.services.events import investigation_event_record
from cases.services.people import party_add_for_person
from tests.helpers import signed_in_client
from welfare.models import Duty, DutyKind, DutyStatus

LONDON = ZoneInfo("Europe/London")
# A Wednesday morning: the demo is seeded relative to it.
SEEDED_AT = datetime(2026, 11, 25, 9, 30, tzinfo=LONDON)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module (a seed takes seconds) inside a
    transaction that is rolled back after the module's last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True), time_machine.travel(SEEDED_AT, tick=False):
            call_command("seed_demo")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(_seeded, db, settings):
    """Each test runs in its own savepoint inside the seeding transaction, so what
    one test records is gone before the next."""
    settings.DEBUG = True
    return SEEDED_AT


def _browser(username):
    return signed_in_client(User.objects.get(username=username).membership)


def test_officer_north_sees_todays_updates_and_family_duties_and_logs_one_in_two_clicks(demo):
    with time_machine.travel(demo, tick=False):
        browser = _browser("officer.north")
        # given: the home page
        home = browser.get("/").content.decode()
        assert "Your work, most urgent first" in home
        assert "Update the victim: Holly Sample" in home
        assert "Offer the suspect&#x27;s family a family pack" in home
        assert "Refer the children in the suspect&#x27;s household" in home or (
            "Refer the children in the suspect's household" in home
        )
        # the one update due today (yesterday's further interview) links to its form
        due_today = Duty.objects.get(
            case__source_reference="DEMO-SEXT-0002",
            kind=DutyKind.VICTIM_UPDATE,
            event__kind=EventKind.INTERVIEWED,
        )
        assert due_today.due_at == datetime(2026, 11, 25, 17, 0, tzinfo=LONDON)
        link = f"/duties/{due_today.pk}/log-contact/"
        assert link in home
        # when: click one opens the contact form already linked, click two logs it
        form = browser.get(link)
        assert form.status_code == 200
        assert "Holly Sample" in form.content.decode()
        logged = browser.post(
            link,
            {
                "channel": "phone",
                "summary": "Told her mother about the further interview.",
                "direction": "outbound",
                "contacted_on": "25/11/2026",
                "contacted_time": "09:30",
                "next": "/",
            },
        )
    # then
    assert logged.status_code == 302, logged.content.decode()[:2000]
    due_today.refresh_from_db()
    assert due_today.status == DutyStatus.MET
    assert due_today.contact.party == due_today.party


def test_the_demo_has_an_overdue_update_a_met_one_and_a_changed_named_contact(demo):
    sextortion = Case.objects.get(source_reference="DEMO-SEXT-0002")
    updates = Duty.objects.filter(case=sextortion, kind=DutyKind.VICTIM_UPDATE)
    with time_machine.travel(demo, tick=False):
        from django.utils import timezone

        now = timezone.now()
        assert updates.filter(status=DutyStatus.OPEN, due_at__lt=now).exists()
    assert updates.filter(status=DutyStatus.MET).exists()
    # her named contact moved from the investigator (who told her, and it was met)
    # to officer.north, who owes her the news
    told, owed = updates.filter(trigger="new_point_of_contact").order_by("created_at")
    assert told.status == DutyStatus.MET
    assert told.contact.made_by.username == "investigator.north"
    assert (owed.status, owed.responsible.username) == (DutyStatus.OPEN, "officer.north")
    assert owed.party.victim_care.point_of_contact.username == "officer.north"


def test_the_ncmec_family_has_a_pack_and_a_referral_and_a_childrens_duty_is_still_open(demo):
    ncmec = Case.objects.get(source_reference="DEMO-NCMEC-0001")
    assert ncmec.family_packs.filter(given=True).exists()
    offer = Duty.objects.get(case=ncmec, kind=DutyKind.FAMILY_SUPPORT_OFFER)
    assert offer.status == DutyStatus.MET
    assert offer.referral.to_agency.slug == "lighthouse-family-support"
    assert Duty.objects.filter(
        kind=DutyKind.CHILDREN_SAFEGUARDING_REFERRAL,
        status=DutyStatus.OPEN,
        responsible__username="officer.north",
    ).exists()


def test_recording_an_arrest_in_the_demo_creates_the_expected_duties(demo):
    # given: the boy groomed in a game's chat; his abuser is identified
    game = Case.objects.get(source_reference="DEMO-GAME-0007")
    officer = User.objects.get(username="officer.north")
    arrested_at = datetime(2026, 11, 25, 11, 0, tzinfo=LONDON)
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=LONDON), tick=False):
        suspect = party_add_for_person(
            actor=officer,
            case=game,
            person=None,
            new_person={"first_name": "Owen", "last_name": "Demo", "gender": "male"},
            role="suspect",
        )
        # when
        event = investigation_event_record(
            actor=officer,
            case=game,
            suspect=suspect,
            kind=EventKind.ARRESTED,
            occurred_at=arrested_at,
        )
    # then: the victim is owed an update by 17:00 the next working day (enhanced),
    # the family a pack (1 working day) and an offer of support (5), and the
    # suspect a welfare screening within 2 hours of arrest
    duties = {duty.kind: duty for duty in Duty.objects.filter(event=event)}
    assert duties[DutyKind.VICTIM_UPDATE].due_at == datetime(2026, 11, 26, 17, 0, tzinfo=LONDON)
    assert duties[DutyKind.VICTIM_UPDATE].party.person.first_name == "Noah"
    assert duties[DutyKind.FAMILY_PACK].due_at == datetime(2026, 11, 26, 17, 0, tzinfo=LONDON)
    assert duties[DutyKind.FAMILY_SUPPORT_OFFER].due_at == datetime(
        2026, 12, 2, 17, 0, tzinfo=LONDON
    )
    assert duties[DutyKind.WELFARE_SCREENING].due_at == datetime(2026, 11, 25, 13, 0, tzinfo=LONDON)
    assert DutyKind.CHILDREN_SAFEGUARDING_REFERRAL not in duties  # no children recorded
    assert {duty.responsible.username for duty in duties.values()} == {"officer.north"}


def test_supervisor_north_sees_the_48_hour_checks_due_and_missed_and_the_teams_breaches(demo):
    with time_machine.travel(demo, tick=False):
        home = _browser("supervisor.north").get("/").content.decode()
    section = home[home.index("48-hour welfare checks") :]
    assert "Dale Example" in section  # released under investigation hours ago: due
    assert re.search(r"Missed by \d+ (hours|days)", section)  # the activist case's suspect
    assert "Exposure breaches in your team" in home
    assert "in the last 7 days broke a rule" in home


def test_the_statistics_page_renders_with_its_charts(demo):
    with time_machine.travel(demo, tick=False):
        page = _browser("supervisor.north").get("/reports/suspect-welfare/?year=2026")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<svg") >= 2
    assert "fewer than 5" in html
