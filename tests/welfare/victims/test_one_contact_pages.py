"""One contact for every update owed, on the pages: the duty's log-contact page and
the case's contact form offer every update owed to the victim now, ticked (issue 16)."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import ContactLog
from tests.welfare.victims.test_one_contact import (
    CALL,
    TOLD,
    _other_update,
    arrest_and_release,
)
from welfare.models import Duty, DutyKind, DutyStatus


@pytest.fixture
def owed(officer_north, case, suspect, victim):
    return arrest_and_release(officer_north, case, suspect, victim)


def _checked(html: str) -> set[str]:
    return set(re.findall(r'name="duties" type="checkbox" value="([^"]+)" checked', html))


def _offered(html: str) -> set[str]:
    return set(re.findall(r'name="duties" type="checkbox" value="([^"]+)"', html))


def _call_fields(**extra) -> dict:
    local = timezone.localtime(CALL)
    return {
        "channel": "phone",
        "summary": "Told of the arrest and the release on bail.",
        "contacted_on": local.strftime("%d/%m/%Y"),
        "contacted_time": local.strftime("%H:%M"),
        "direction": "outbound",
        **extra,
    }


def _queries(client, url) -> int:
    with time_machine.travel(CALL, tick=False), CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _four_more_updates(officer, victim) -> None:
    for number in range(4):
        _other_update(officer, victim, kind=DutyKind.VICTIM_UPDATE, key=f"more:{number}")


def test_the_duty_page_offers_every_update_owed_ticked(
    browser_for, officer_north, victim, owed, django_assert_max_num_queries
):
    client = browser_for(officer_north)
    url = f"/duties/{owed['release'].pk}/log-contact/"
    client.get(url)  # the session's first read is not the page's
    with_two = _queries(client, url)
    _four_more_updates(officer_north, victim)
    with time_machine.travel(CALL, tick=False), django_assert_max_num_queries(with_two):
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert len(_offered(html)) == len(_checked(html)) == 6
    assert {str(owed["arrest"].pk), str(owed["release"].pk)} <= _checked(html)
    assert "What did this contact tell them about?" in html
    # the duty and its victim's care, the updates owed (one read, logged), the session
    # and the menu: 11 on PostgreSQL, measured on 7 December 2026
    assert with_two <= 13


def test_one_call_on_the_duty_page_meets_both_and_says_what_it_told(
    browser_for, officer_north, owed
):
    client = browser_for(officer_north)
    url = f"/duties/{owed['release'].pk}/log-contact/"
    with time_machine.travel(CALL, tick=False):
        done = client.post(
            url,
            _call_fields(
                duties=[str(owed["arrest"].pk), str(owed["release"].pk)],
                duties_shown="1",
                next="/",
            ),
            follow=True,
        )
    assert done.redirect_chain == [("/", 302)]
    assert f"2 updates met. Told about: {TOLD}." in done.content.decode()
    contact = ContactLog.objects.get()
    assert set(Duty.objects.filter(contact=contact).values_list("pk", flat=True)) == {
        owed["arrest"].pk,
        owed["release"].pk,
    }
    # the duty's page, now met, says what the contact told them of
    with time_machine.travel(CALL, tick=False):
        page = client.get(url)
    assert page.status_code == 200, page
    assert "Told about" in page.content.decode() and TOLD in page.content.decode()


def test_unticking_one_on_the_duty_page_leaves_it_open(browser_for, officer_north, owed):
    with time_machine.travel(CALL, tick=False):
        done = browser_for(officer_north).post(
            f"/duties/{owed['release'].pk}/log-contact/",
            _call_fields(duties=[str(owed["release"].pk)], duties_shown="1", next="/"),
        )
    assert done.status_code == 302
    owed["arrest"].refresh_from_db()
    owed["release"].refresh_from_db()
    assert (owed["arrest"].status, owed["release"].status) == (DutyStatus.OPEN, DutyStatus.MET)


def test_unticking_all_on_the_duty_page_is_refused_and_stores_nothing(
    browser_for, officer_north, owed
):
    with time_machine.travel(CALL, tick=False):
        page = browser_for(officer_north).post(
            f"/duties/{owed['release'].pk}/log-contact/", _call_fields(duties_shown="1")
        )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Tick the updates this contact told them about: at least one." in html
    assert 'href="#id_duties"' in html
    assert not ContactLog.objects.exists()
    assert set(Duty.objects.filter(kind="victim_update").values_list("status", flat=True)) == {
        DutyStatus.OPEN
    }


def test_the_case_contact_form_offers_the_victims_updates_ticked(
    browser_for, officer_north, case, victim, owed, django_assert_max_num_queries
):
    client = browser_for(officer_north)
    url = f"/cases/{case.pk}/contacts/new/?party={victim.pk}"
    client.get(url)
    with_two = _queries(client, url)
    _four_more_updates(officer_north, victim)
    with time_machine.travel(CALL, tick=False), django_assert_max_num_queries(with_two):
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert len(_offered(html)) == len(_checked(html)) == 6
    assert {str(owed["arrest"].pk), str(owed["release"].pk)} <= _checked(html)
    # one read of the updates owed for each victim: 11 on PostgreSQL, measured on
    # 7 December 2026
    assert with_two <= 13


def test_one_call_on_the_case_contact_form_meets_both(
    browser_for, officer_north, case, victim, owed
):
    with time_machine.travel(CALL, tick=False):
        done = browser_for(officer_north).post(
            f"/cases/{case.pk}/contacts/new/",
            _call_fields(
                party=str(victim.pk),
                duties=[str(owed["arrest"].pk), str(owed["release"].pk)],
            ),
            follow=True,
        )
    assert done.status_code == 200
    assert f"Told about: {TOLD}." in done.content.decode()
    contact = ContactLog.objects.get()
    assert Duty.objects.filter(contact=contact, status=DutyStatus.MET).count() == 2


def test_the_case_contact_form_refuses_an_update_of_another_person(
    browser_for, officer_north, case, suspect, owed
):
    with time_machine.travel(CALL, tick=False):
        page = browser_for(officer_north).post(
            f"/cases/{case.pk}/contacts/new/",
            _call_fields(party=str(suspect.pk), duties=[str(owed["arrest"].pk)]),
        )
    html = page.content.decode()
    assert page.status_code == 200
    assert f"{owed['arrest'].pk} is not one of the updates owed to this person." in html
    assert not ContactLog.objects.exists()
    assert Duty.objects.filter(status=DutyStatus.MET).count() == 0


def test_the_case_page_says_what_the_contact_told_the_victim(
    browser_for, officer_north, case, victim, owed
):
    # given one call that met both updates
    client = browser_for(officer_north)
    with time_machine.travel(CALL, tick=False):
        client.post(
            f"/duties/{owed['release'].pk}/log-contact/",
            _call_fields(
                duties=[str(owed["arrest"].pk), str(owed["release"].pk)], duties_shown="1"
            ),
        )
        # when the case page is read
        page = client.get(f"/cases/{case.pk}/welfare/")
    # then its Victims' Code section says what that contact told them
    html = page.content.decode()
    assert page.status_code == 200
    assert f"What the contacts told {victim.person.full_name}" in html
    assert f"5 November 2026, 10:00, phone: told about {TOLD}" in html


def test_an_update_met_since_the_form_was_read_is_refused_not_ignored(
    browser_for, officer_north, case, victim, owed
):
    # given both updates met by someone else after the form was read
    fields = _call_fields(party=str(victim.pk), duties=[str(owed["arrest"].pk)])
    Duty.objects.filter(pk__in=[owed["arrest"].pk, owed["release"].pk]).update(
        status=DutyStatus.CANCELLED, resolved_at=CALL
    )
    # when the form is sent
    with time_machine.travel(CALL, tick=False):
        page = browser_for(officer_north).post(f"/cases/{case.pk}/contacts/new/", fields)
    # then the update is refused by name, and no contact is logged
    assert page.status_code == 200
    assert f"{owed['arrest'].pk} is not one of the updates owed to this person." in (
        page.content.decode()
    )
    assert not ContactLog.objects.exists()
