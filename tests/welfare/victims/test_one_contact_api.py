"""One contact for every update owed, through the API: the duty's log-contact with
`duties`, and the case's contacts with `duties` (issue 16)."""

import pytest
import time_machine

from cases.models import ContactLog
from tests.welfare.victims.test_one_contact import (
    CALL,
    TOLD,
    _other_update,
    arrest_and_release,
)
from welfare.models import Duty, DutyStatus


@pytest.fixture
def owed(officer_north, case, suspect, victim):
    return arrest_and_release(officer_north, case, suspect, victim)


def _snapshot():
    return (
        ContactLog.objects.count(),
        list(Duty.objects.order_by("pk").values_list("pk", "status", "version", "contact_id")),
    )


def test_the_duty_api_meets_the_updates_named_by_one_contact(api_for, officer_north, owed):
    arrest, release = owed["arrest"], owed["release"]
    with time_machine.travel(CALL, tick=False):
        response = api_for(officer_north).post(
            f"/api/v1/duties/{release.pk}/log-contact/",
            {
                "channel": "phone",
                "summary": "Told of the arrest and the release on bail.",
                "duties": [str(arrest.pk), str(release.pk)],
            },
            format="json",
        )
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(release.pk) and body["status"] == "met"
    assert body["resolution"]["told_about"] == TOLD
    assert body["resolution"]["updates_met_by_contact"] == [str(arrest.pk), str(release.pk)]
    arrest.refresh_from_db()
    release.refresh_from_db()
    assert arrest.status == release.status == DutyStatus.MET
    assert arrest.contact_id == release.contact_id == ContactLog.objects.get().pk
    # the duty's detail says the same
    detail = api_for(officer_north).get(f"/api/v1/duties/{arrest.pk}/")
    assert detail.json()["resolution"]["told_about"] == TOLD


def test_without_duties_the_api_meets_the_duty_in_the_url_only(api_for, officer_north, owed):
    with time_machine.travel(CALL, tick=False):
        response = api_for(officer_north).post(
            f"/api/v1/duties/{owed['arrest'].pk}/log-contact/",
            {"channel": "phone", "summary": "Told of the arrest."},
            format="json",
        )
    assert response.status_code == 200
    assert response.json()["resolution"]["told_about"] == "arrested on 3 November 2026"
    owed["release"].refresh_from_db()
    assert owed["release"].status == DutyStatus.OPEN


def test_the_duty_api_refuses_an_update_owed_to_someone_else_and_stores_nothing(
    api_for, officer_north, suspect, owed
):
    screening = Duty.objects.filter(party=suspect).first()
    before = _snapshot()
    with time_machine.travel(CALL, tick=False):
        response = api_for(officer_north).post(
            f"/api/v1/duties/{owed['arrest'].pk}/log-contact/",
            {
                "channel": "phone",
                "summary": "Told of the arrest.",
                "duties": [str(owed["arrest"].pk), str(screening.pk)],
            },
            format="json",
        )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"duties"}
    assert _snapshot() == before


def test_the_same_idempotency_key_meets_once(api_for, officer_north, owed):
    body = {
        "channel": "phone",
        "summary": "Told of both.",
        "duties": [str(owed["arrest"].pk), str(owed["release"].pk)],
    }
    client = api_for(officer_north)
    url = f"/api/v1/duties/{owed['arrest'].pk}/log-contact/"
    with time_machine.travel(CALL, tick=False):
        first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="one-call")
        again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="one-call")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert ContactLog.objects.count() == 1


def test_the_case_contacts_api_meets_the_updates_named(api_for, officer_north, case, victim, owed):
    with time_machine.travel(CALL, tick=False):
        response = api_for(officer_north).post(
            f"/api/v1/cases/{case.pk}/contacts/",
            {
                "party": str(victim.pk),
                "channel": "phone",
                "summary": "Told of the arrest and the release on bail.",
                "duties": [str(owed["release"].pk), str(owed["arrest"].pk)],
            },
            format="json",
        )
    assert response.status_code == 201
    body = response.json()
    assert body["told_about"] == TOLD
    assert [update["id"] for update in body["updates_met"]] == [
        str(owed["arrest"].pk),
        str(owed["release"].pk),
    ]
    contact = ContactLog.objects.get()
    assert body["id"] == str(contact.pk)
    assert set(Duty.objects.filter(contact=contact).values_list("pk", flat=True)) == {
        owed["arrest"].pk,
        owed["release"].pk,
    }


def test_the_case_contacts_api_without_duties_meets_nothing(
    api_for, officer_north, case, victim, owed
):
    with time_machine.travel(CALL, tick=False):
        response = api_for(officer_north).post(
            f"/api/v1/cases/{case.pk}/contacts/",
            {"party": str(victim.pk), "channel": "phone", "summary": "A chat."},
            format="json",
        )
    assert response.status_code == 201
    assert response.json()["updates_met"] == [] and response.json()["told_about"] == ""
    assert Duty.objects.filter(status=DutyStatus.MET).count() == 0


def test_the_case_contacts_api_refuses_a_duty_of_another_party_and_stores_nothing(
    api_for, officer_north, case, suspect, victim, owed
):
    # a contact with the suspect cannot meet the victim's update
    before = _snapshot()
    with time_machine.travel(CALL, tick=False):
        response = api_for(officer_north).post(
            f"/api/v1/cases/{case.pk}/contacts/",
            {
                "party": str(suspect.pk),
                "channel": "phone",
                "summary": "Spoke to the suspect.",
                "duties": [str(owed["arrest"].pk)],
            },
            format="json",
        )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "duties": [f"{owed['arrest'].pk} is not one of the updates owed to this person."]
    }
    assert _snapshot() == before


def test_a_duty_that_is_not_an_update_meets_no_other_through_the_api(
    api_for, officer_north, victim, owed
):
    referral = _other_update(officer_north, victim, kind="victim_support_referral")
    before = _snapshot()
    with time_machine.travel(CALL, tick=False):
        response = api_for(officer_north).post(
            f"/api/v1/duties/{referral.pk}/log-contact/",
            {"channel": "phone", "summary": "x", "duties": [str(owed["arrest"].pk)]},
            format="json",
        )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "duties": ["Only victim updates are met together: this duty is met alone."]
    }
    assert _snapshot() == before
