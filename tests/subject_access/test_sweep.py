"""The deadline is a duty swept like the others: told once when near, once when
missed (to the handler, and overdue to the agency's records managers), never twice,
never for a closed request."""

from datetime import UTC, date, datetime

import pytest

from common.models import Notification
from subject_access.services import requests as services
from subject_access.services.deadlines import subject_access_sweep
from tests.factories_subject_access import a_request, records_manager

pytestmark = pytest.mark.django_db


@pytest.mark.clock(datetime(2026, 4, 20, 9, 0, tzinfo=UTC))
def test_a_request_near_its_deadline_is_told_once(manager, world, clock):
    # given a request received 10 April 2026, due Monday 11 May 2026
    request = a_request(manager, [world.person], received_on=date(2026, 4, 10))
    # when the sweep runs on 5 May (within five working days), twice
    now = datetime(2026, 5, 5, 9, 0, tzinfo=UTC)
    first = subject_access_sweep(now=now)
    second = subject_access_sweep(now=now)
    # then the handler is told once, with the reference and no name
    assert first == {"request_due_soon": 1, "request_overdue": 0, "notifications": 1}
    assert second["notifications"] == 0
    told = Notification.objects.get(user=manager.user)
    assert told.kind == "subject_access.request_due_soon"
    assert request.reference in told.message
    assert "Jordan" not in told.message
    assert told.link == f"/subject-access-requests/{request.pk}/"


@pytest.mark.clock(datetime(2026, 4, 20, 9, 0, tzinfo=UTC))
def test_an_overdue_request_is_told_to_every_records_manager_once(manager, north, world, clock):
    colleague = records_manager(north, "records.colleague")
    request = a_request(manager, [world.person], received_on=date(2026, 4, 10))
    now = datetime(2026, 5, 12, 9, 0, tzinfo=UTC)
    assert subject_access_sweep(now=now)["request_overdue"] == 2
    assert subject_access_sweep(now=now)["notifications"] == 0
    assert set(
        Notification.objects.filter(kind="subject_access.request_overdue").values_list(
            "user__username", flat=True
        )
    ) == {"records.north", "records.colleague"}
    assert request.pk
    assert colleague.pk


@pytest.mark.clock(datetime(2026, 4, 20, 9, 0, tzinfo=UTC))
def test_a_closed_request_is_not_told(manager, world, clock):
    request = a_request(manager, [world.person], received_on=date(2026, 4, 10))
    services.sar_withdraw(actor=manager.user, request=request, reason="Withdrawn by phone.")
    result = subject_access_sweep(now=datetime(2026, 5, 12, 9, 0, tzinfo=UTC))
    assert result["notifications"] == 0


@pytest.mark.clock(datetime(2026, 4, 20, 9, 0, tzinfo=UTC))
def test_a_request_far_from_its_deadline_is_not_told(manager, world, clock):
    a_request(manager, [world.person], received_on=date(2026, 4, 10))
    assert subject_access_sweep(now=datetime(2026, 4, 21, 9, 0, tzinfo=UTC))["notifications"] == 0
