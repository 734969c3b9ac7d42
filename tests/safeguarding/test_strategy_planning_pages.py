"""The pages to plan a strategy discussion and to record it as held (one fieldset
per child still without a decision); plain forms that work without JavaScript."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from agencies.models import Role
from safeguarding.models import StrategyDiscussion, StrategyDiscussionChild
from safeguarding.services.strategy_planning import (
    strategy_decision_record,
    strategy_discussion_plan,
)
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TOTPDeviceFactory,
)
from tests.safeguarding.pages import error_summary

LONDON = ZoneInfo("Europe/London")
PLANNED_AT = datetime(2026, 12, 21, 15, 0, tzinfo=LONDON)
PLANNED_FOR = datetime(2026, 12, 22, 10, 0, tzinfo=LONDON)
AFTER = datetime(2026, 12, 22, 11, 30, tzinfo=LONDON)


@pytest.fixture
def social_worker(db):
    agency = AgencyFactory(
        slug="northshire-childrens-services",
        name="Northshire Children's Services",
        childrens_services=True,
    )
    membership = MembershipFactory(
        agency=agency, role=Role.SOCIAL_WORKER, user__username="social.worker"
    )
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def case(social_worker):
    return CaseFactory(owning_agency=social_worker.agency, received_on=date(2026, 12, 21))


def _child(case, first_name, born):
    return PartyFactory(
        case=case,
        role="child_in_household",
        person__first_name=first_name,
        person__last_name="Fictional",
        person__date_of_birth=born,
    )


@pytest.fixture
def gwen(case):
    return _child(case, "Gwen", date(2016, 4, 1))


@pytest.fixture
def finn(case):
    return _child(case, "Finn", date(2013, 9, 1))


def _plan_form(*children, **changes) -> dict:
    return {
        "planned_on": "22/12/2026",
        "planned_time": "10:00",
        "children": [str(child.id) for child in children],
        "invitee_agency_0": "Northshire Police",
        "invitee_name_0": "DC Sam Example",
        **changes,
    }


@pytest.fixture
def planned(social_worker, case, gwen, finn):
    """Planned on the Monday for Tuesday 10:00; Gwen decided during it, Finn pending."""
    with time_machine.travel(PLANNED_AT, tick=False):
        discussion = strategy_discussion_plan(
            actor=social_worker.user,
            case=case,
            planned_for=PLANNED_FOR,
            invitees=[{"agency": "Northshire Police", "name": "DC Sam Example"}],
            children=[gwen, finn],
        )
    with time_machine.travel(AFTER, tick=False):
        strategy_decision_record(
            actor=social_worker.user,
            discussion=discussion,
            child=gwen,
            section_47_started=True,
            rationale="Images shared from the home.",
        )
    return discussion


def test_the_page_plans_a_discussion_for_two_children(social_worker, case, gwen, finn, browser_for):
    url = reverse("case-strategy-plan", args=[case.id])
    with time_machine.travel(PLANNED_AT, tick=False):
        client = browser_for(social_worker)
        page = client.get(url)
        response = client.post(url, _plan_form(gwen, finn))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="checkbox"' in html and "Gwen Fictional" in html and "Finn Fictional" in html
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.id}/strategy/#strategy-discussions"
    discussion = StrategyDiscussion.objects.get()
    assert (discussion.status, discussion.planned_for, discussion.invitees) == (
        "planned",
        PLANNED_FOR,
        [{"agency": "Northshire Police", "name": "DC Sam Example"}],
    )
    assert set(discussion.decisions.values_list("child_id", "section_47_started")) == {
        (gwen.id, None),
        (finn.id, None),
    }


def test_the_page_refuses_a_plan_in_the_past_on_its_date(social_worker, case, gwen, browser_for):
    url = reverse("case-strategy-plan", args=[case.id])
    with time_machine.travel(AFTER, tick=False):
        response = browser_for(social_worker).post(url, _plan_form(gwen))
    assert response.status_code == 200
    assert error_summary(response) == [
        ("id_planned_on", "Must be in the future: plan a discussion to come.")
    ]
    assert StrategyDiscussion.objects.count() == 0


def test_the_page_names_a_missing_invitee_name_on_its_row(social_worker, case, gwen, browser_for):
    url = reverse("case-strategy-plan", args=[case.id])
    with time_machine.travel(PLANNED_AT, tick=False):
        response = browser_for(social_worker).post(url, _plan_form(gwen, invitee_name_0=""))
    assert error_summary(response) == [("id_invitee_name_0", "Enter the invitee's name.")]
    assert StrategyDiscussion.objects.count() == 0


def test_the_case_page_shows_the_pending_decision_and_the_hold_link(
    social_worker, case, planned, browser_for
):
    with time_machine.travel(AFTER, tick=False):
        html = browser_for(social_worker).get(f"/cases/{case.id}/strategy/").content.decode()
    section = html[html.index('id="strategy-discussions"') :]
    assert "Planned for 22 Dec 2026, 10:00" in section
    assert "Decision pending" in section
    assert "DC Sam Example (Northshire Police)" in section
    assert reverse("case-strategy-hold", args=[case.id, planned.id]) in section


def test_the_hold_page_asks_only_for_the_pending_child_and_refuses_without_it(
    social_worker, case, planned, finn, browser_for
):
    url = reverse("case-strategy-hold", args=[case.id, planned.id])
    with time_machine.travel(AFTER, tick=False):
        client = browser_for(social_worker)
        page = client.get(url)
        refused = client.post(
            url,
            {
                "held_on": "22/12/2026",
                "held_time": "10:00",
                "attendees": "Police, children's services",
                "minutes": "Both children discussed.",
            },
        )
    html = page.content.decode()
    assert "Decision for Finn Fictional" in html
    assert "Decision for Gwen Fictional" not in html
    assert "Gwen Fictional: Section 47 enquiries start (already recorded)" in html
    assert error_summary(refused) == [
        (
            f"id_section_47_{finn.id}",
            "Select whether section 47 enquiries start for Finn Fictional.",
        ),
        (f"id_rationale_{finn.id}", "Write the rationale for the decision about Finn Fictional."),
    ]
    planned.refresh_from_db()
    assert (planned.status, planned.held_at, planned.version) == ("planned", None, 2)


def test_the_hold_page_records_it_held_with_the_last_decision(
    social_worker, case, planned, finn, browser_for
):
    url = reverse("case-strategy-hold", args=[case.id, planned.id])
    with time_machine.travel(AFTER, tick=False):
        response = browser_for(social_worker).post(
            url,
            {
                "held_on": "22/12/2026",
                "held_time": "10:00",
                "attendees": "Police, children's services",
                "minutes": "Both children discussed.",
                f"section_47_{finn.id}": "no",
                f"rationale_{finn.id}": "Finn lives with his father; no contact.",
            },
        )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert (planned.status, planned.held_at, planned.minutes) == (
        "held",
        PLANNED_FOR,
        "Both children discussed.",
    )
    finn_row = StrategyDiscussionChild.objects.get(child=finn)
    assert (finn_row.section_47_started, finn_row.conference_due_at) == (False, None)


def test_the_decision_page_records_one_child_while_the_other_stays_pending(
    social_worker, case, planned, finn, browser_for
):
    url = f"{reverse('case-strategy-decide', args=[case.id, planned.id])}?child={finn.id}"
    with time_machine.travel(AFTER, tick=False):
        client = browser_for(social_worker)
        empty = client.post(url, {})
        unchanged = StrategyDiscussionChild.objects.get(child=finn).section_47_started
        response = client.post(
            url, {"section_47_started": "yes", "rationale": "Finn is also in the images."}
        )
    assert error_summary(empty) == [
        ("id_section_47_started", "Select whether section 47 enquiries start for this child."),
        ("id_rationale", "Write the rationale for the decision."),
    ]
    assert unchanged is None
    assert response.status_code == 302
    row = StrategyDiscussionChild.objects.get(child=finn)
    assert (row.section_47_started, row.rationale) == (True, "Finn is also in the images.")
    planned.refresh_from_db()
    assert planned.status == "planned"
