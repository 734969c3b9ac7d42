"""The preservation duty: owed within 5 working days of receipt, recorded once (a
second record is 409 and changes nothing), and swept to the supervisors once."""

from datetime import UTC, datetime

import pytest

from common.models import Notification
from intake.services.bundling import reports_bundle
from intake.services.preservation import preservation_sweep
from intake.tasks_preservation import preservation_sweep as preservation_sweep_task
from tests.helpers import api_client, signed_in_client
from tests.intake.factories import IntakeItemFactory, IntakeReportFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/intake/items/{}/preservation/"
PAGE = "/intake/items/{}/preservation/"


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Thursday 30 April 2026, 10:00 BST: the weekend and the early May bank
        # holiday (Monday 4 May) do not count: Friday 8 May, 17:00 BST.
        (_utc(2026, 4, 30, 9), _utc(2026, 5, 8, 16)),
        # Wednesday 23 December 2026: Christmas Day, the Boxing Day substitute (Monday
        # 28th), the weekend and New Year's Day do not count: Monday 4 January 2027.
        (_utc(2026, 12, 23, 10), _utc(2027, 1, 4, 17)),
    ],
)
def test_preservation_is_due_5_working_days_after_receipt(north, received, due):
    report = IntakeReportFactory(agency=north, received_at=received)
    reports_bundle(reports=[report])
    report.refresh_from_db()
    assert report.item.preservation_due_at == due


def _item(agency, **fields):
    item = IntakeItemFactory(agency=agency, **fields)
    IntakeReportFactory(agency=agency, item=item)
    return item


def test_recorded_once_a_second_is_409_and_changes_nothing(north, officer_north, supervisor_north):
    item = _item(north)
    client = api_client(officer_north)
    answer = client.post(URL.format(item.pk), {"reference": " PRES-1 "}, format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["reference"] == "PRES-1"
    assert body["sent_by"]["username"] == "officer.north"
    assert answer["ETag"] == '"2"'
    item.refresh_from_db()
    assert item.preservation_reference == "PRES-1"
    assert item.history.first().history_change_reason == "Preservation request recorded"
    again = api_client(supervisor_north).post(
        URL.format(item.pk), {"reference": "PRES-2"}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["state"] == "preservation_recorded"
    item.refresh_from_db()
    assert (item.preservation_reference, item.preservation_sent_by) == (
        "PRES-1",
        officer_north.user,
    )


def test_the_reference_is_required_and_the_date_cannot_be_in_the_future(north, officer_north):
    item = _item(north)
    client = api_client(officer_north)
    blank = client.post(URL.format(item.pk), {"reference": "  "}, format="json")
    assert blank.status_code == 400
    assert "reference" in str(blank.json())
    future = client.post(
        URL.format(item.pk), {"reference": "P", "sent_on": "2099-01-01"}, format="json"
    )
    assert future.status_code == 400
    assert "sent_on" in str(future.json())
    item.refresh_from_db()
    assert item.preservation_sent_at is None


def test_the_idempotency_key_replays_the_record(north, officer_north):
    item = _item(north)
    client = api_client(officer_north)
    headers = {"HTTP_IDEMPOTENCY_KEY": "pres-1"}
    first = client.post(URL.format(item.pk), {"reference": "P-9"}, format="json", **headers)
    second = client.post(URL.format(item.pk), {"reference": "P-9"}, format="json", **headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second["Idempotent-Replayed"] == "true"


def test_another_forces_item_is_404(north, south, officer_north):
    item = _item(south)
    answer = api_client(officer_north).post(URL.format(item.pk), {"reference": "P"}, format="json")
    assert answer.status_code == 404
    page = signed_in_client(officer_north).get(PAGE.format(item.pk))
    assert page.status_code == 404


def test_the_page_records_the_request(north, officer_north):
    item = _item(north)
    client = signed_in_client(officer_north)
    page = client.get(PAGE.format(item.pk))
    assert page.status_code == 200
    assert "Record the request" in page.content.decode()
    missing = client.post(PAGE.format(item.pk), {"reference": "", "sent_on": ""})
    assert missing.status_code == 200
    assert "Enter the service provider" in missing.content.decode()
    done = client.post(PAGE.format(item.pk), {"reference": "PRES-7", "sent_on": ""})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.preservation_reference == "PRES-7"
    shown = client.get(PAGE.format(item.pk)).content.decode()
    assert "PRES-7" in shown and "Record the request" not in shown
    twice = client.post(PAGE.format(item.pk), {"reference": "PRES-8", "sent_on": ""})
    assert twice.status_code == 409


# Monday 7 December 2026, 10:00 UTC (and London).
NOW = _utc(2026, 12, 7, 10)


@pytest.mark.clock(NOW)
@pytest.mark.usefixtures("clock")
def test_the_sweep_tells_the_supervisors_once(north, supervisor_north, officer_north, south):
    due_soon = _item(north, preservation_due_at=_utc(2026, 12, 8, 17))
    overdue = _item(north, preservation_due_at=_utc(2026, 12, 4, 17))
    _item(north, preservation_due_at=_utc(2026, 12, 9, 17))  # not yet
    _item(
        north,
        preservation_due_at=_utc(2026, 12, 4, 17),
        preservation_sent_at=_utc(2026, 12, 3, 9),
        preservation_reference="P",
    )
    counts = preservation_sweep()
    assert counts == {"preservation_due_soon": 1, "preservation_overdue": 1, "notifications": 2}
    told = Notification.objects.filter(user=supervisor_north.user).order_by("kind")
    assert [(n.kind, n.link) for n in told] == [
        ("intake.preservation_due_soon", f"/intake/items/{due_soon.pk}/preservation/"),
        ("intake.preservation_overdue", f"/intake/items/{overdue.pk}/preservation/"),
    ]
    assert not Notification.objects.exclude(user=supervisor_north.user).exists()
    assert preservation_sweep_task()["notifications"] == 0
