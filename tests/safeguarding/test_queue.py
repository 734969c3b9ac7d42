"""The work queue: critical first, then by action due date, then level, then date
received; a case with no assessment is unknown, never low; the first action takes
a case out; a constant number of queries whatever the queue's length."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from agencies.models import Role
from safeguarding.case_panels import safeguarding_panels
from safeguarding.models import Assessment, CasePriority, FirstAction
from safeguarding.services.queue import priority_refresh
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TOTPDeviceFactory,
)
from tests.helpers import ACCESS_LOG_QUERIES

LONDON = ZoneInfo("Europe/London")
# Wednesday 18 November 2026, 10:00: no bank holiday for weeks either side.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=LONDON)


def _case(agency, received_on: date, level: str | None = None, **extra):
    case = CaseFactory(
        owning_agency=agency, received_on=received_on, opened_on=received_on, **extra
    )
    if level:
        suspect = PartyFactory(case=case, role="suspect")
        Assessment.objects.create(
            case=case,
            subject=suspect,
            template_key="online_csa_suspect",
            template_version=1,
            answers={},
            computed_level=level,
            known_factors=12,
            total_factors=12,
            assessor=case.created_by,
            assessed_at=timezone.now(),
            review_on=date(2027, 1, 1),
        )
    priority_refresh(case)
    return case


@pytest.fixture
def supervisor(north):
    membership = MembershipFactory(agency=north, role=Role.POLICE_SUPERVISOR)
    TOTPDeviceFactory(user=membership.user)
    return membership


def _references(response) -> list[str]:
    return [row["reference"] for row in response.json()["results"]]


@time_machine.travel(NOW, tick=False)
def test_a_low_case_past_its_target_rises_above_a_new_high_case(north, supervisor, api_for):
    # given: low target 20 working days, high 5
    old_low = _case(north, date(2026, 10, 19), "low", reference="NP-2026-000001")  # due 16 Nov
    new_high = _case(north, date(2026, 11, 17), "high", reference="NP-2026-000002")  # due 24 Nov
    critical = _case(north, date(2026, 11, 18), "critical", reference="NP-2026-000003")
    unknown = _case(north, date(2026, 11, 16), None, reference="NP-2026-000004")  # due 23 Nov
    # when
    response = api_for(supervisor).get("/api/v1/queue/")
    # then
    assert response.status_code == 200
    assert _references(response) == [
        critical.reference,
        old_low.reference,
        unknown.reference,
        new_high.reference,
    ]
    rows = {row["reference"]: row for row in response.json()["results"]}
    assert rows[old_low.reference]["action_due_on"] == "2026-11-16"
    assert rows[old_low.reference]["working_days_late"] == 2
    assert rows[old_low.reference]["overdue"] is True
    assert rows[new_high.reference]["action_due_on"] == "2026-11-24"
    assert rows[new_high.reference]["overdue"] is False
    assert rows[unknown.reference]["level"] == "unknown"


@time_machine.travel(NOW, tick=False)
def test_same_due_date_orders_by_level_then_date_received(north, supervisor, api_for):
    # given: two cases due the same day (medium received earlier with a longer target)
    medium = _case(north, date(2026, 11, 4), "medium", reference="NP-2026-000010")  # due 18 Nov
    high = _case(north, date(2026, 11, 11), "high", reference="NP-2026-000011")  # due 18 Nov
    # when
    response = api_for(supervisor).get("/api/v1/queue/")
    # then: same due date, so the higher level first
    assert _references(response) == [high.reference, medium.reference]


@time_machine.travel(NOW, tick=False)
def test_unknown_is_never_treated_as_low(north, supervisor, api_for):
    # given
    case = _case(north, date(2026, 11, 18), None)
    # when
    row = api_for(supervisor).get("/api/v1/queue/").json()["results"][0]
    # then: unknown's target is 5 working days, not low's 20
    assert row["reference"] == case.reference
    assert row["level"] == "unknown"
    assert row["action_due_on"] == "2026-11-25"


@time_machine.travel(NOW, tick=False)
def test_the_first_action_takes_a_case_out_of_the_queue(north, supervisor, api_for):
    # given
    case = _case(north, date(2026, 11, 18), "high")
    client = api_for(supervisor)
    # when
    response = client.post(
        f"/api/v1/cases/{case.id}/actioned/", {"description": "Visit arranged"}, format="json"
    )
    # then
    assert response.status_code == 201
    assert client.get("/api/v1/queue/").json()["results"] == []
    assert CasePriority.objects.get(case=case).actioned_at == NOW


@time_machine.travel(NOW, tick=False)
def test_a_second_first_action_is_refused_and_changes_nothing(north, supervisor, api_for):
    # given
    case = _case(north, date(2026, 11, 18), "high")
    client = api_for(supervisor)
    client.post(f"/api/v1/cases/{case.id}/actioned/", {"description": "Visit"}, format="json")
    # when
    again = client.post(
        f"/api/v1/cases/{case.id}/actioned/", {"description": "Again"}, format="json"
    )
    # then
    assert again.status_code == 409
    assert again.json()["state"] == "actioned"
    assert FirstAction.objects.get(case=case).description == "Visit"


def test_a_first_action_needs_a_description(north, supervisor, api_for):
    case = _case(north, date(2026, 11, 18), "high")
    response = api_for(supervisor).post(
        f"/api/v1/cases/{case.id}/actioned/", {"description": ""}, format="json"
    )
    assert response.status_code == 400
    assert "description" in response.json()["errors"]
    assert not FirstAction.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_queue_shows_only_the_callers_agency(north, south, supervisor, api_for):
    # given
    mine = _case(north, date(2026, 11, 18), "high")
    _case(south, date(2026, 11, 18), "critical")
    # when
    response = api_for(supervisor).get("/api/v1/queue/")
    # then
    assert _references(response) == [mine.reference]


@time_machine.travel(NOW, tick=False)
def test_the_queue_filters_by_lead_officer(north, supervisor, officer_north, api_for):
    # given
    led = _case(north, date(2026, 11, 18), "high", lead_officer=officer_north.user)
    _case(north, date(2026, 11, 18), "high")
    # when
    response = api_for(supervisor).get("/api/v1/queue/", {"lead": "officer.north"})
    # then
    assert _references(response) == [led.reference]


@time_machine.travel(NOW, tick=False)
def test_closed_cases_leave_the_queue(north, supervisor, api_for):
    _case(
        north,
        date(2026, 11, 18),
        "high",
        status="closed",
        closing_reason="no_crime",
        closed_on=date(2026, 11, 18),
    )
    assert api_for(supervisor).get("/api/v1/queue/").json()["results"] == []


@time_machine.travel(NOW, tick=False)
def test_the_queue_takes_a_constant_number_of_queries(
    north, supervisor, api_for, django_assert_max_num_queries
):
    client = api_for(supervisor)
    for day in range(1, 4):
        _case(north, date(2026, 11, day + 1), "medium")
    with django_assert_max_num_queries(6 + ACCESS_LOG_QUERIES) as few:
        assert len(client.get("/api/v1/queue/").json()["results"]) == 3
    for day in range(1, 21):
        _case(north, date(2026, 10, day + 1), "low")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/queue/").json()["results"]) == 23


@time_machine.travel(NOW, tick=False)
def test_the_queue_page_shows_both_grades(north, supervisor, browser_for):
    # given
    from safeguarding.services.scales import scale_put

    admin = MembershipFactory(agency=north, role=Role.AGENCY_ADMIN)
    scale_put(
        actor=admin.user,
        agency=north,
        name="Suspect prioritisation",
        levels=[
            {"label": "Very high", "definition": "d", "shared_level": "critical"},
            {"label": "High", "definition": "d", "shared_level": "high"},
            {"label": "Medium", "definition": "d", "shared_level": "medium"},
            {"label": "Low", "definition": "d", "shared_level": "low"},
        ],
        expected_version=None,
    )
    case = _case(north, date(2026, 11, 18), "critical")
    # when
    page = browser_for(supervisor).get("/queue/").content.decode()
    # then
    assert case.reference in page
    assert "Very high" in page
    assert "Critical" in page


def test_another_agency_cannot_action_a_case(north, south, api_for):
    case = _case(north, date(2026, 11, 18), "high")
    outsider = MembershipFactory(
        agency=AgencyFactory(slug="elsewhere-police"), role=Role.POLICE_SUPERVISOR
    )
    response = api_for(outsider).post(
        f"/api/v1/cases/{case.id}/actioned/", {"description": "x"}, format="json"
    )
    assert response.status_code == 404
    assert not FirstAction.objects.exists()


def _risk_panel(actor, case):
    (panel,) = [p for p in safeguarding_panels(actor, case) if p.anchor == "risk"]
    return panel.context


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("status", ["open", "closed"])
def test_only_an_open_case_shows_its_place_in_the_queue(north, supervisor, browser_for, status):
    # given: a low case due on 16 November with no first action, two working days late
    closing = {"closing_reason": "no_crime", "closed_on": NOW.date()} if status == "closed" else {}
    case = _case(north, date(2026, 10, 19), "low", status=status, **closing)
    # when
    context = _risk_panel(supervisor.user, case)
    page = browser_for(supervisor).get(f"/cases/{case.id}/risk/").content.decode()
    # then: a closed case has no late tag and no first-action form
    risk = page[page.index('id="risk"') :]
    if status == "open":
        assert context["queue_row"].working_days_late == 2
        assert context["may_action"] is True
        assert "2 working days late" in risk
        assert f'action="/cases/{case.id}/actioned/"' in risk
    else:
        assert context["queue_row"] is None
        assert context["may_action"] is False
        assert "working days late" not in risk
        assert f'action="/cases/{case.id}/actioned/"' not in risk
        assert "None recorded before the case closed." in risk
