"""The log-contact page (the second click): bad input comes back naming each field
in the error summary, and nothing is stored."""

import time_machine

from cases.models import ContactLog
from tests.factories import PartyFactory
from tests.welfare.victims.conftest import at
from welfare.models import DutyKind, DutyStatus, DutyTrigger, VictimCare
from welfare.services.duties import duty_open

NOW = at(2026, 3, 11, 10, 0)


def _update(case, officer):
    victim = PartyFactory(case=case, role="victim")
    VictimCare.objects.create(party=victim, case=case, enhanced_reason="under_18")
    with time_machine.travel(at(2026, 3, 10, 12, 0), tick=False):
        return _open(case, victim, officer)


def _open(case, victim, officer):
    return duty_open(
        actor=None,
        case=case,
        party=victim,
        kind=DutyKind.VICTIM_UPDATE,
        trigger=DutyTrigger.EVENT,
        reason="Arrested (suspect), 10 March 2026",
        due_at=at(2026, 3, 11, 17, 0),
        source_key=f"test:{victim.pk}",
        responsible=officer.user,
    )


def test_an_empty_form_names_each_missing_field_and_stores_nothing(
    browser_for, officer_north, case
):
    duty = _update(case, officer_north)
    with time_machine.travel(NOW, tick=False):
        page = browser_for(officer_north).post(
            f"/duties/{duty.pk}/log-contact/",
            {"channel": "", "summary": "", "contacted_on": "", "contacted_time": ""},
        )
    html = page.content.decode()
    assert page.status_code == 200
    assert "govuk-error-summary" in html
    for message in (
        "Select how the contact was made.",
        "Enter what was said or agreed.",
        "Enter the date of the contact.",
        "Enter the time of the contact.",
    ):
        assert message in html
    assert "This field is required." not in html
    duty.refresh_from_db()
    assert duty.status == DutyStatus.OPEN
    assert not ContactLog.objects.filter(case=case).exists()


def test_a_contact_before_the_duty_began_is_put_on_the_date(browser_for, officer_north, case):
    duty = _update(case, officer_north)
    with time_machine.travel(NOW, tick=False):
        page = browser_for(officer_north).post(
            f"/duties/{duty.pk}/log-contact/",
            {
                "channel": "phone",
                "summary": "Told of the arrest.",
                "contacted_on": "2/3/2026",
                "contacted_time": "09:00",
                "direction": "outbound",
            },
        )
    html = page.content.decode()
    assert page.status_code == 200
    assert 'href="#id_contacted_on"' in html or "#contacted_on" in html
    duty.refresh_from_db()
    assert duty.status == DutyStatus.OPEN
    assert not ContactLog.objects.filter(case=case).exists()
