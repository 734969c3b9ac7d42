"""The work queue's order is unique and the index's (ADR 0013): critical first, then
by action due date, level and date received, and cases alike in all of these by
their key, on the page and in the API, each page following the last."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from agencies.models import Role
from safeguarding.api.queue import QueueApi
from safeguarding.models import CasePriority
from safeguarding.selectors import QUEUE_ORDER, queue_list
from safeguarding.services.queue import priority_refresh
from tests.factories import CaseFactory, MembershipFactory, TOTPDeviceFactory

LONDON = ZoneInfo("Europe/London")
# Wednesday 18 November 2026, 10:00.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=LONDON)


@pytest.fixture
def supervisor(north):
    membership = MembershipFactory(agency=north, role=Role.POLICE_SUPERVISOR)
    TOTPDeviceFactory(user=membership.user)
    return membership


def _waiting(agency, received_on: date):
    case = CaseFactory(owning_agency=agency, received_on=received_on, opened_on=received_on)
    priority_refresh(case)
    return case


def test_the_queue_orders_by_its_index_ending_in_the_case():
    assert QUEUE_ORDER[-1] == "case_id"
    assert QueueApi.pagination_class.ordering == QUEUE_ORDER
    (index,) = CasePriority._meta.indexes
    assert [*index.fields[1:-1], f"{index.fields[-1]}_id"] == list(QUEUE_ORDER)


@time_machine.travel(NOW, tick=False)
def test_cases_alike_in_everything_are_ordered_by_their_key(north, supervisor):
    # given: four unassessed cases received the same day
    cases = [_waiting(north, date(2026, 11, 16)) for _ in range(4)]
    # when
    entries = list(queue_list(actor=supervisor.user, filters={}))
    # then
    assert [entry.case_id for entry in entries] == sorted(case.pk for case in cases)


@time_machine.travel(NOW, tick=False)
def test_the_api_pages_the_queue_without_skipping_or_repeating(north, supervisor, api_for):
    # given: ties on every column but the case
    for received_on in (
        date(2026, 11, 16),
        date(2026, 11, 16),
        date(2026, 11, 2),
        date(2026, 11, 16),
    ):
        _waiting(north, received_on)
    client = api_for(supervisor)
    # when
    seen, url = [], "/api/v1/queue/?page_size=2"
    while url:
        page = client.get(url).json()
        seen += [row["case"] for row in page["results"]]
        url = page["next"]
    # then
    expected = [str(entry.case_id) for entry in queue_list(actor=supervisor.user, filters={})]
    assert seen == expected
    assert len(set(seen)) == 4
