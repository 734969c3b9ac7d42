"""The retention API and pages (issue 19): the queue, a case's record, a review and a
legal hold through /api/v1/retention/..., 400 naming the field, 409 naming the state;
the pages for the records manager, and a tombstone after disposal."""

from datetime import UTC, date, datetime

import pytest

from agencies.models import AccessLogEntry, Role
from records.models import CaseRetention
from tests.factories_retention import case_with, closed, member
from tests.helpers import api_client, signed_in_client

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def records_north(north):
    return member(north, Role.RECORDS_MANAGER, "records.north")


@pytest.fixture
def due_case(north, supervisor_north):
    case = closed(case_with(north), supervisor_north, on=date(2026, 4, 6))
    CaseRetention.objects.filter(case_id=case.pk).update(next_review_on=date(2026, 6, 1))
    return case


@pytest.mark.django_db
def test_the_queue_lists_what_is_due_and_logs_the_read(
    records_north, due_case, django_assert_max_num_queries
):
    client = api_client(records_north)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/retention/queue/")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert (item["reference"], item["rule"], item["next_review_on"]) == (
        due_case.reference,
        "mopi-group-3",
        "2026-06-01",
    )
    assert AccessLogEntry.objects.filter(
        username="records.north", action="records.case_retention.listed"
    ).exists()


@pytest.mark.django_db
def test_a_keep_without_a_date_answers_400_naming_it_and_changes_nothing(records_north, due_case):
    client = api_client(records_north)
    response = client.post(
        f"/api/v1/retention/cases/{due_case.pk}/reviews/",
        {"decision": "keep", "reason": "Still needed."},
        format="json",
    )
    assert response.status_code == 400
    assert "next_review_on" in response.json()["errors"]
    assert CaseRetention.objects.get(case_id=due_case.pk).version == 1


@pytest.mark.django_db
def test_hold_then_dispose_answers_400_naming_decision_and_lift_needs_a_reason(
    records_north, supervisor_north, due_case
):
    hold = api_client(supervisor_north).post(
        f"/api/v1/retention/cases/{due_case.pk}/holds/",
        {"kind": "litigation", "reason": "A civil claim."},
        format="json",
    )
    assert hold.status_code == 201 and hold.json()["on_hold"] is True
    client = api_client(records_north)
    refused = client.post(
        f"/api/v1/retention/cases/{due_case.pk}/reviews/",
        {"decision": "dispose", "reason": "No purpose."},
        format="json",
    )
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["decision"]
    again = client.post(
        f"/api/v1/retention/cases/{due_case.pk}/holds/",
        {"kind": "inquiry", "reason": "Another."},
        format="json",
    )
    assert again.status_code == 409 and again.json()["state"] == "on_hold"
    no_reason = client.post(
        f"/api/v1/retention/cases/{due_case.pk}/holds/lift/", {"reason": ""}, format="json"
    )
    assert no_reason.status_code == 400 and list(no_reason.json()["errors"]) == ["reason"]
    lifted = client.post(
        f"/api/v1/retention/cases/{due_case.pk}/holds/lift/",
        {"reason": "Settled."},
        format="json",
    )
    assert lifted.status_code == 200 and lifted.json()["on_hold"] is False


@pytest.mark.django_db
def test_disposal_through_the_api_leaves_a_tombstone_page(records_north, officer_north, due_case):
    response = api_client(records_north).post(
        f"/api/v1/retention/cases/{due_case.pk}/reviews/",
        {"decision": "dispose", "reason": "Reviewed: no policing purpose remains."},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["disposal_reason"]) == (
        "disposed",
        "Reviewed: no policing purpose remains.",
    )
    page = signed_in_client(records_north).get(f"/retention/cases/{due_case.pk}/")
    assert page.status_code == 200
    assert "This case was disposed of" in page.content.decode()
    assert due_case.reference in page.content.decode()
    assert (
        signed_in_client(officer_north).get(f"/retention/cases/{due_case.pk}/").status_code == 404
    )


@pytest.mark.django_db
def test_the_review_form_names_the_missing_date(records_north, due_case):
    client = signed_in_client(records_north)
    assert due_case.reference in client.get("/retention/").content.decode()
    response = client.post(
        f"/retention/cases/{due_case.pk}/review/",
        {"decision": "keep", "reason": "Still needed.", "version": "1"},
    )
    assert response.status_code == 200
    assert "Enter the date of the next review" in response.content.decode()
    assert CaseRetention.objects.get(case_id=due_case.pk).version == 1
