"""Closing a case with duties of care open, and reopening it.

* Closing is refused while duties are open, and the refusal lists them (409,
  state `duties_open`, with `duties`).
* A supervisor may close anyway, ending each open duty with a reason of its own;
  without a reason for each, nothing changes (400 naming the duty's field).
* "Transferred to another force" is no longer a reason anyone can choose.
* A supervisor reopens a closed case, with a reason; the history shows both."""

import pytest

from agencies.models import AccessLogEntry
from cases.models import Case, CaseStatus, CaseTransfer
from tests.cases.lifecycle import *  # noqa: F403 (the fixtures)
from tests.cases.lifecycle import open_duties
from welfare.models import Duty, DutyStatus

pytestmark = pytest.mark.django_db

CLOSE = "/api/v1/cases/{}/close/"
REOPEN = "/api/v1/cases/{}/reopen/"


def _duties_state(case) -> list:
    return sorted(
        Duty.objects.filter(case=case).values_list("pk", "status", "resolution_note", "version")
    )


def _case_state(case) -> tuple:
    case.refresh_from_db()
    return (case.status, case.closing_reason, case.closed_on, case.version)


# --- Closing over open duties


def test_closing_with_open_duties_is_refused_and_the_refusal_lists_them(
    arrested, officer_north, api_for
):
    # given
    duties = list(open_duties(arrested))
    assert len(duties) == 4
    before = (_case_state(arrested), _duties_state(arrested))
    # when
    response = api_for(officer_north).post(
        CLOSE.format(arrested.id), {"closing_reason": "no_crime"}, format="json"
    )
    # then
    assert response.status_code == 409
    body = response.json()
    assert body["state"] == "duties_open"
    assert body["detail"].startswith("NP-2026-000042 cannot be closed: 4 duties of care are")
    assert "ask a supervisor to close the case, ending each with a reason" in body["detail"]
    assert {duty["id"] for duty in body["duties"]} == {str(duty.pk) for duty in duties}
    due = [duty["due_at"] for duty in body["duties"]]
    assert due == sorted(due)  # soonest first
    assert {duty["label"] for duty in body["duties"]} == {
        "Update the victim (Nia Fictive)",
        "Offer the suspect's family a family pack (Reece Invented)",
        "Offer the family support: a referral, or their refusal (Reece Invented)",
        "Screen the suspect for suicide risk (Reece Invented)",
    }
    assert {duty["responsible"] for duty in body["duties"]} == {"officer.north"}
    assert (_case_state(arrested), _duties_state(arrested)) == before


def test_an_officer_who_gives_reasons_is_still_refused(arrested, officer_north, api_for):
    # given
    reasons = {str(duty.pk): "Not needed." for duty in open_duties(arrested)}
    before = (_case_state(arrested), _duties_state(arrested))
    # when
    response = api_for(officer_north).post(
        CLOSE.format(arrested.id),
        {"closing_reason": "no_crime", "duty_reasons": reasons},
        format="json",
    )
    # then
    assert response.status_code == 409
    assert response.json()["state"] == "duties_open"
    assert (_case_state(arrested), _duties_state(arrested)) == before


def test_a_supervisor_without_reasons_sees_the_same_list(arrested, supervisor_north, api_for):
    # when
    response = api_for(supervisor_north).post(
        CLOSE.format(arrested.id), {"closing_reason": "no_crime"}, format="json"
    )
    # then
    assert response.status_code == 409
    assert response.json()["state"] == "duties_open"
    assert len(response.json()["duties"]) == 4
    assert "end each with a reason (duty_reasons)" in response.json()["detail"]


def test_a_supervisor_must_give_a_reason_for_every_open_duty(arrested, supervisor_north, api_for):
    # given: a reason for all but one, and one for a duty that is not open on the case
    duties = list(open_duties(arrested))
    reasons = {str(duty.pk): "The victim moved abroad." for duty in duties[1:]}
    reasons["00000000-0000-0000-0000-000000000000"] = "A stray."
    before = (_case_state(arrested), _duties_state(arrested))
    # when
    response = api_for(supervisor_north).post(
        CLOSE.format(arrested.id),
        {"closing_reason": "no_crime", "duty_reasons": reasons},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {
        f"duty_reasons.{duties[0].pk}": [
            f"Give the reason this duty ends: {duties[0].get_kind_display()} "
            f"({duties[0].party.person.full_name})."
        ],
        "duty_reasons": ["Not an open duty of this case: 00000000-0000-0000-0000-000000000000."],
    }
    assert (_case_state(arrested), _duties_state(arrested)) == before


def test_a_supervisor_closes_over_open_duties_ending_each_with_its_reason(
    arrested, supervisor_north, api_for
):
    # given
    duties = list(open_duties(arrested))
    reasons = {str(duty.pk): f"Reason {n}: the suspect died." for n, duty in enumerate(duties)}
    # when
    response = api_for(supervisor_north).post(
        CLOSE.format(arrested.id),
        {"closing_reason": "other", "note": "The suspect died.", "duty_reasons": reasons},
        format="json",
    )
    # then
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "closed"
    for duty in duties:
        duty.refresh_from_db()
        assert duty.status == DutyStatus.CANCELLED
        assert duty.resolution_note == (f"Ended when the case was closed: {reasons[str(duty.pk)]}")
        assert duty.resolved_by == supervisor_north.user
        assert duty.history.first().history_change_reason == (
            f"case closed: {reasons[str(duty.pk)]}"
        )
    assert arrested.history.first().history_change_reason == "closed: other; 4 open duties ended"
    entry = AccessLogEntry.objects.filter(action="cases.case.closed").get()
    assert entry.object_agency_slug == "northshire-police"


def test_a_case_without_open_duties_closes_as_before(case, victim, officer_north, api_for):
    # when
    response = api_for(officer_north).post(
        CLOSE.format(case.id), {"closing_reason": "no_crime"}, format="json"
    )
    # then
    assert response.status_code == 200
    assert _case_state(case)[0] == CaseStatus.CLOSED


def test_duty_reasons_on_a_case_without_open_duties_are_refused(case, supervisor_north, api_for):
    # when
    response = api_for(supervisor_north).post(
        CLOSE.format(case.id),
        {"closing_reason": "no_crime", "duty_reasons": {"x": "y"}},
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"duty_reasons": ["This case has no open duties to end."]}
    assert _case_state(case)[0] == CaseStatus.OPEN


def test_transferred_is_not_a_closing_reason_anyone_can_choose(
    case, supervisor_north, api_for, browser_for
):
    # when
    response = api_for(supervisor_north).post(
        CLOSE.format(case.id), {"closing_reason": "transferred"}, format="json"
    )
    page = browser_for(supervisor_north).get(f"/cases/{case.id}/close/")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["closing_reason"]
    assert _case_state(case)[0] == CaseStatus.OPEN
    assert 'value="transferred"' not in page.content.decode()
    assert 'value="no_crime"' in page.content.decode()
    # the value stays for the cases closed that way before
    case.status, case.closing_reason = CaseStatus.CLOSED, "transferred"
    case.closed_on = case.opened_on
    case.save()
    assert Case.objects.get(pk=case.pk).get_closing_reason_display() == (
        "Transferred to another force or agency"
    )


def test_closing_while_a_transfer_waits_is_refused(
    case, south, officer_north, supervisor_north, api_for
):
    # given
    from django.utils import timezone

    CaseTransfer.objects.create(
        case=case,
        from_agency=case.owning_agency,
        to_agency=south,
        reason="Moved.",
        requested_by=officer_north.user,
        requested_at=timezone.now(),
    )
    # when
    response = api_for(supervisor_north).post(
        CLOSE.format(case.id), {"closing_reason": "no_crime"}, format="json"
    )
    # then
    assert response.status_code == 409
    assert response.json() == {
        "detail": "A transfer of NP-2026-000042 to Southshire Police is waiting for their "
        "decision: withdraw it before closing the case.",
        "state": "transfer_requested",
    }
    assert _case_state(case)[0] == CaseStatus.OPEN


# --- The close page


def test_the_close_page_lists_the_open_duties_and_offers_an_officer_no_form(
    arrested, officer_north, browser_for
):
    # when
    page = browser_for(officer_north).get(f"/cases/{arrested.id}/close/")
    # then
    text = page.content.decode()
    assert page.status_code == 200
    assert "Duties of care still open" in text
    assert "Screen the suspect for suicide risk (Reece Invented)" in text
    assert "cannot be closed while duties of care are open" in text
    assert "<form" not in text.split('id="main-content"')[-1]


def test_a_supervisor_closes_through_the_page_with_a_reason_per_duty(
    arrested, supervisor_north, browser_for
):
    # given
    browser = browser_for(supervisor_north)
    duties = list(open_duties(arrested))
    page = browser.get(f"/cases/{arrested.id}/close/").content.decode()
    for duty in duties:
        assert f'name="duty_{duty.pk}"' in page
    form = {"closing_reason": "no_crime"}
    # when: one reason missing
    refused = browser.post(
        f"/cases/{arrested.id}/close/",
        {**form, **{f"duty_{duty.pk}": "Not needed." for duty in duties[1:]}},
    )
    # then
    assert refused.status_code == 200
    assert "Give the reason this duty ends" in refused.content.decode()
    assert _case_state(arrested)[0] == CaseStatus.OPEN
    # when: every reason
    closed = browser.post(
        f"/cases/{arrested.id}/close/",
        {**form, **{f"duty_{duty.pk}": "No crime: nothing is owed." for duty in duties}},
    )
    # then
    assert closed.status_code == 302
    assert _case_state(arrested)[0] == CaseStatus.CLOSED
    assert not open_duties(arrested).exists()


# --- Reopening


@pytest.fixture
def closed(case, victim, officer_north, api_for):
    response = api_for(officer_north).post(
        CLOSE.format(case.id),
        {"closing_reason": "no_crime", "note": "No offence disclosed."},
        format="json",
    )
    assert response.status_code == 200
    case.refresh_from_db()
    return case


def test_a_supervisor_reopens_a_case_and_the_history_shows_both(
    closed, supervisor_north, officer_north, api_for
):
    # when
    response = api_for(supervisor_north).post(
        REOPEN.format(closed.id),
        {"reason": "The victim's school passed on new messages."},
        format="json",
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["closing_reason"], body["closed_on"]) == ("open", "", None)
    history = api_for(supervisor_north).get(f"/api/v1/cases/{closed.id}/history/").json()
    reasons = [entry["reason"] for entry in history["results"] if entry["record_type"] == "case"]
    assert reasons[:2] == [
        "reopened: The victim's school passed on new messages.",
        "closed: no crime",
    ]
    entry = AccessLogEntry.objects.filter(action="cases.case.reopened").get()
    assert "closed as no crime on" in entry.justification
    assert "reopened: The victim's school passed on new messages." in entry.justification
    # the lead officer is told
    assert officer_north.user.notifications.filter(kind="cases.case_reopened").exists()
    # and the case takes new records again
    victim_contact = api_for(officer_north).post(
        f"/api/v1/cases/{closed.id}/contacts/",
        {"party": str(closed.parties.get().pk), "channel": "phone", "summary": "Rang."},
        format="json",
    )
    assert victim_contact.status_code == 201


@pytest.fixture
def case_with_victim(case, victim):
    return case


def test_reopening_needs_a_reason(case_with_victim, officer_north, supervisor_north, api_for):
    # given
    api_for(officer_north).post(
        CLOSE.format(case_with_victim.id), {"closing_reason": "no_crime"}, format="json"
    )
    before = _case_state(case_with_victim)
    # when
    response = api_for(supervisor_north).post(
        REOPEN.format(case_with_victim.id), {"reason": "  "}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Give the reason the case is reopened."]}
    assert _case_state(case_with_victim) == before


def test_only_a_supervisor_of_the_owning_force_reopens(
    closed, officer_north, investigator_north, supervisor_south, api_for
):
    before = _case_state(closed)
    for persona in (officer_north, investigator_north, supervisor_south):
        response = api_for(persona).post(
            REOPEN.format(closed.id), {"reason": "Because."}, format="json"
        )
        assert response.status_code == 404, persona.user.username
    assert _case_state(closed) == before


def test_reopening_an_open_case_is_refused_naming_its_state(case, supervisor_north, api_for):
    # when
    response = api_for(supervisor_north).post(
        REOPEN.format(case.id), {"reason": "Because."}, format="json"
    )
    # then
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This case is open: only a closed case can be reopened.",
        "state": "open",
    }


def test_the_case_page_offers_reopening_to_a_supervisor_only(
    closed, supervisor_north, officer_north, browser_for
):
    reopen = f"/cases/{closed.id}/reopen/"
    assert reopen in browser_for(supervisor_north).get(f"/cases/{closed.id}/").content.decode()
    officer_page = browser_for(officer_north).get(f"/cases/{closed.id}/").content.decode()
    assert reopen not in officer_page
    # a closed case's page offers nothing to add
    assert f"/cases/{closed.id}/contacts/new/" not in officer_page
    # when: the supervisor reopens through the page
    response = browser_for(supervisor_north).post(reopen, {"reason": "New evidence."})
    # then
    assert response.status_code == 302
    assert _case_state(closed)[0] == CaseStatus.OPEN
