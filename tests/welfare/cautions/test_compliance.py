"""Recording whether a conditional caution was complied with, through the service,
POST /api/v1/cases/{id}/outcomes/{id}/caution-compliance/ and its page: it meets
the compliance duty; "not complied" opens the prosecution decision; refusals name
the field and change nothing."""

from datetime import date

import pytest

from agencies.models import AccessLogEntry
from cases import reports
from cases.events import CAUTION_COMPLIANCE_RECORDED, handlers_for
from cases.models import Outcome, Task, TaskStatus
from cases.services.outcome_cautions import (
    PROSECUTION_DECISION_TITLE,
    caution_compliance_record,
)
from cases.services.outcomes import outcome_record
from common.models import Notification
from tests.factories import grant_case
from tests.welfare.cautions.conftest import NOW, TODAY
from welfare.models import Duty, DutyStatus

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


def _url(outcome) -> str:
    return f"/api/v1/cases/{outcome.case_id}/outcomes/{outcome.id}/caution-compliance/"


def _page(outcome) -> str:
    return f"/cases/{outcome.case_id}/outcomes/{outcome.id}/caution-compliance/"


def _duty(outcome) -> Duty:
    return Duty.objects.get(source_key=f"outcome:{outcome.id}:caution_compliance")


def _unchanged(outcome) -> None:
    outcome.refresh_from_db()
    assert (outcome.conditions_met, outcome.conditions_checked_on, outcome.version) == (
        None,
        None,
        1,
    )
    assert _duty(outcome).status == DutyStatus.OPEN
    assert Task.objects.count() == 0


def test_the_handler_is_registered():
    assert "welfare.cautions" in handlers_for(CAUTION_COMPLIANCE_RECORDED)


# --- The service


def test_complied_meets_the_duty_and_opens_nothing(caution, officer_north):
    # when
    recorded = caution_compliance_record(
        actor=officer_north.user,
        outcome=caution,
        complied=True,
        checked_on=date(2026, 6, 12),
        note="The provider confirmed all ten sessions.",
        expected_version=1,
    )
    # then
    assert (recorded.conditions_met, recorded.conditions_checked_on, recorded.version) == (
        True,
        date(2026, 6, 12),
        2,
    )
    duty = _duty(caution)
    assert duty.status == DutyStatus.MET
    assert duty.resolved_by == officer_north.user
    assert duty.resolved_at == NOW
    assert duty.resolution_note == (
        "Complied with; checked on 12 June 2026. The provider confirmed all ten sessions."
    )
    assert Task.objects.count() == 0
    assert reports.prosecution_decision_due(recorded) is False
    assert sorted(
        AccessLogEntry.objects.filter(object_id=str(caution.pk)).values_list("action", flat=True)
    ) == ["cases.outcome.conditions_recorded", "cases.outcome.recorded"]


def test_not_complied_meets_the_duty_and_opens_the_prosecution_decision(
    caution, officer_north, investigator_north
):
    # when: recorded by the investigator, not the officer in charge
    recorded = caution_compliance_record(
        actor=investigator_north.user,
        outcome=caution,
        complied=False,
        checked_on=TODAY,
        note="Attended two sessions of ten.",
    )
    # then: the outcome says so
    assert (recorded.conditions_met, recorded.conditions_checked_on) == (False, TODAY)
    assert reports.prosecution_decision_due(recorded) is True
    assert reports.case_needs_prosecution_decision(caution.case) is True
    # the duty is met
    duty = _duty(caution)
    assert duty.status == DutyStatus.MET
    assert duty.resolution_note == (
        "Not complied with; checked on 15 June 2026. The prosecution decision is opened. "
        "Attended two sessions of ten."
    )
    # the decision is the officer in charge's task, due in 5 working days (Monday 22 June)
    task = Task.objects.get()
    assert task.title == PROSECUTION_DECISION_TITLE
    assert task.case == caution.case
    assert task.agency == caution.case.owning_agency
    assert task.assignee == officer_north.user
    assert task.created_by == investigator_north.user
    assert task.due_on == date(2026, 6, 22)
    assert task.status == TaskStatus.OPEN
    assert task.note == (
        "The conditions of the conditional caution given 10 June 2026 were not complied with "
        "(checked 15 June 2026). Decide whether to prosecute for the original offence, and "
        "record the decision on the case.\n\nAttended two sessions of ten."
    )
    told = Notification.objects.get(kind="cases.task_assigned")
    assert told.user == officer_north.user
    assert told.message == "You have a new task, due 22 June 2026."


def test_an_outcome_recorded_before_the_duties_existed_is_still_recorded(caution, officer_north):
    # given: no duty (an outcome from before issue 16)
    Duty.objects.filter(pk=_duty(caution).pk).delete()
    # when
    recorded = caution_compliance_record(
        actor=officer_north.user, outcome=caution, complied=True, checked_on=TODAY
    )
    # then
    assert recorded.conditions_met is True


def test_the_older_conditions_endpoint_meets_the_duty_too(api_for, caution, officer_north):
    # when
    response = api_for(officer_north).post(
        f"/api/v1/cases/{caution.case_id}/outcomes/{caution.id}/conditions/",
        {"met": False, "checked_on": "2026-06-15"},
        format="json",
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json()["caution_state"] == "not_complied"
    assert _duty(caution).status == DutyStatus.MET
    assert Task.objects.get().title == PROSECUTION_DECISION_TITLE


# --- The API


def test_the_api_records_compliance(api_for, caution, officer_north):
    # when
    response = api_for(officer_north).post(
        _url(caution),
        {"complied": True, "checked_on": "2026-06-15", "note": "Certificate seen."},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert response["ETag"] == '"2"'
    assert body["conditions_met"] is True
    assert body["conditions_checked_on"] == "2026-06-15"
    assert body["caution_state"] == "complied"
    assert body["prosecution_decision_due"] is False
    assert body["version"] == 2
    assert _duty(caution).status == DutyStatus.MET


def test_the_api_says_not_complied_and_the_decision_is_due(api_for, caution, officer_north):
    # when
    response = api_for(officer_north).post(
        _url(caution),
        {"complied": False, "checked_on": "2026-06-15"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json()["caution_state"] == "not_complied"
    assert response.json()["prosecution_decision_due"] is True
    assert Task.objects.get().assignee == officer_north.user


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"checked_on": "2026-06-15"}, "complied"),
        ({"complied": None, "checked_on": "2026-06-15"}, "complied"),
        ({"complied": True}, "checked_on"),
        ({"complied": True, "checked_on": "2026-06-16"}, "checked_on"),
        ({"complied": True, "checked_on": "2026-06-09"}, "checked_on"),
        ({"complied": False, "checked_on": "2026-06-15", "note": "x" * 2001}, "note"),
    ],
)
def test_the_api_refuses_bad_input_naming_the_field(api_for, caution, officer_north, body, field):
    # when
    response = api_for(officer_north).post(_url(caution), body, format="json", HTTP_IF_MATCH='"1"')
    # then
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
    _unchanged(caution)


def test_a_future_date_is_refused_with_its_message(api_for, caution, officer_north):
    response = api_for(officer_north).post(
        _url(caution),
        {"complied": True, "checked_on": "2026-06-16"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.json()["errors"] == {"checked_on": ["Must not be in the future."]}


def test_a_caution_without_conditions_is_refused_409(
    api_for, investigator_north, officer_north, case, suspect
):
    # given: a simple caution
    simple = outcome_record(
        actor=investigator_north.user,
        case=case,
        suspect=suspect,
        code="3",
        outcome_on=date(2026, 6, 10),
        rationale="Admitted; a simple caution.",
    )
    # when
    response = api_for(officer_north).post(
        _url(simple),
        {"complied": True, "checked_on": "2026-06-15"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    # then
    assert response.status_code == 409, response.content
    assert response.json()["state"] == "not_conditional_caution"
    simple.refresh_from_db()
    assert (simple.conditions_met, simple.version) == (None, 1)


def test_compliance_is_recorded_once(api_for, caution, officer_north):
    # given
    api = api_for(officer_north)
    first = api.post(
        _url(caution),
        {"complied": False, "checked_on": "2026-06-15"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    # when
    again = api.post(
        _url(caution),
        {"complied": True, "checked_on": "2026-06-15"},
        format="json",
        HTTP_IF_MATCH='"2"',
    )
    # then
    assert first.status_code == 200
    assert again.status_code == 409, again.content
    assert again.json()["state"] == "not_complied"
    caution.refresh_from_db()
    assert (caution.conditions_met, caution.version) == (False, 2)
    assert Task.objects.count() == 1


def test_without_if_match_428_and_stale_412_nothing_changes(api_for, caution, officer_north):
    api = api_for(officer_north)
    body = {"complied": True, "checked_on": "2026-06-15"}
    # when
    missing = api.post(_url(caution), body, format="json")
    stale = api.post(_url(caution), body, format="json", HTTP_IF_MATCH='"7"')
    # then
    assert (missing.status_code, stale.status_code) == (428, 412)
    _unchanged(caution)


def test_another_force_and_a_granted_agency_get_404(api_for, caution, officer_south, south):
    # given: even a grant to the other force gives no say in the outcome
    grant_case(caution.case, south)
    # when
    response = api_for(officer_south).post(
        _url(caution),
        {"complied": True, "checked_on": "2026-06-15"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    # then
    assert response.status_code == 404
    _unchanged(caution)


def test_the_schema_describes_the_endpoint(api_for, officer_north):
    schema = api_for(officer_north).get("/api/v1/schema/?format=json").json()
    operation = schema["paths"][
        "/api/v1/cases/{case_id}/outcomes/{outcome_id}/caution-compliance/"
    ]["post"]
    assert {p["name"] for p in operation["parameters"]} >= {"If-Match", "case_id", "outcome_id"}
    assert set(operation["responses"]) >= {"200", "400", "404", "409", "412", "428"}
    body = schema["components"]["schemas"]["OutcomeCautionComplianceRequest"]
    assert set(body["properties"]) == {"complied", "checked_on", "note"}
    assert set(body["required"]) == {"complied", "checked_on"}


# --- The page


def test_the_page_offers_radios_with_nothing_selected(browser_for, caution, officer_north):
    # when
    response = browser_for(officer_north).get(_page(caution))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="radio"' in html
    assert " checked>" not in html
    assert "Yes, they were complied with" in html
    assert "No, they were not complied with" in html
    assert (
        AccessLogEntry.objects.filter(
            action="cases.outcome.viewed", object_id=str(caution.pk)
        ).count()
        == 1
    )


def test_the_case_page_links_to_it(browser_for, caution, officer_north):
    html = browser_for(officer_north).get(f"/cases/{caution.case_id}/").content.decode()
    assert f'href="{_page(caution)}"' in html


def test_the_page_records_not_complied(browser_for, caution, officer_north):
    # when
    response = browser_for(officer_north).post(
        _page(caution),
        {
            "complied": "not_complied",
            "checked_on": "15/6/2026",
            "note": "Did not attend.",
            "version": "1",
        },
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{caution.case_id}/events/#outcomes"
    caution.refresh_from_db()
    assert (caution.conditions_met, caution.conditions_checked_on) == (False, TODAY)
    assert _duty(caution).status == DutyStatus.MET
    assert Task.objects.get().title == PROSECUTION_DECISION_TITLE


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"checked_on": "15/6/2026"}, "complied", "Say whether the conditions were complied with."),
        ({"complied": "complied"}, "checked_on", "Enter the date the compliance was checked."),
        (
            {"complied": "complied", "checked_on": "16/6/2026"},
            "checked_on",
            "Must not be in the future.",
        ),
    ],
)
def test_the_page_refuses_naming_the_field(
    browser_for, caution, officer_north, form, field, message
):
    # when
    response = browser_for(officer_north).post(_page(caution), {**form, "version": "1"})
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert f'<a href="#id_{field}">{message}</a>' in response.content.decode()
    _unchanged(caution)


def test_the_page_says_when_compliance_is_already_recorded(browser_for, caution, officer_north):
    # given
    Outcome.objects.filter(pk=caution.pk).update(conditions_met=True, conditions_checked_on=TODAY)
    # when
    response = browser_for(officer_north).post(
        _page(caution), {"complied": "not_complied", "checked_on": "15/6/2026", "version": "1"}
    )
    # then
    assert response.status_code == 409
    assert "already recorded" in response.content.decode()
    assert Task.objects.count() == 0


def test_the_case_shows_the_state_and_the_prosecution_decision_task(
    browser_for, caution, officer_north
):
    # given
    caution_compliance_record(
        actor=officer_north.user, outcome=caution, complied=False, checked_on=TODAY
    )
    # when
    client = browser_for(officer_north)
    html = client.get(f"/cases/{caution.case_id}/events/").content.decode()
    # the task is on the summary, with the reader's other tasks
    html += client.get(f"/cases/{caution.case_id}/").content.decode()
    # then
    assert "Not complied with" in html
    assert "Prosecution decision needed" in html
    assert PROSECUTION_DECISION_TITLE in html
    assert f'href="{_page(caution)}"' not in html
