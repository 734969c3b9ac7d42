"""The case page's "Investigation events" section and the "Record an event" page:
the timeline, the bail end date with its warning 10 working days before, and the
form's refusals in an error summary."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import AgencyKind, Role
from cases.models import EventKind, InvestigationEvent
from cases.services.events import investigation_event_record
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    PersonFactory,
    TOTPDeviceFactory,
    grant_case,
)

LONDON = ZoneInfo("Europe/London")
# Monday 15 June 2026, 10:30 in London.
NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)


pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north, received_on=date(2026, 3, 2))


def _suspect(case, first_name="Sam", last_name="Suspect"):
    return PartyFactory(
        case=case,
        role="suspect",
        person=PersonFactory(
            recorded_by_agency=case.owning_agency, first_name=first_name, last_name=last_name
        ),
    )


@pytest.fixture
def suspect(case):
    return _suspect(case)


def _bail(actor, case, suspect, ends_on, released=None):
    return investigation_event_record(
        actor=actor.user,
        case=case,
        suspect=suspect,
        kind=EventKind.BAILED,
        occurred_at=released or datetime(2026, 6, 12, 10, 0, tzinfo=LONDON),
        bail_end_on=ends_on,
    )


def _page(client, case):
    return client.get(f"/cases/{case.id}/events/")


# --- The case page


def test_the_case_page_shows_the_events_and_a_bail_warning(
    officer_north, case, suspect, browser_for
):
    # From Monday 15 June, 29 June is 10 working days away.
    _bail(officer_north, case, suspect, date(2026, 6, 29))
    response = _page(browser_for(officer_north), case)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="events"' in html
    assert "Released on pre-charge bail" in html
    assert "Pre-charge bail for Sam Suspect ends on 29 June 2026: 10 working days left." in html
    assert f'href="/cases/{case.id}/events/new/"' in html


def test_no_warning_when_the_bail_ends_more_than_ten_working_days_away(
    officer_north, case, suspect, browser_for
):
    _bail(officer_north, case, suspect, date(2026, 6, 30))
    html = _page(browser_for(officer_north), case).content.decode()
    assert "ends on 30 June 2026 (11 working days left)" in html
    assert "govuk-warning-text__text" not in html.split('id="events"')[1].split("</section>")[0]


def test_a_granted_hub_sees_the_events_but_no_link_to_record_one(
    officer_north, case, suspect, browser_for
):
    _bail(officer_north, case, suspect, date(2026, 6, 29))
    hub = AgencyFactory(kind=AgencyKind.SAFEGUARDING_HUB, slug="north-mash")
    mash = MembershipFactory(agency=hub, role=Role.MASH_COORDINATOR)
    TOTPDeviceFactory(user=mash.user)
    grant_case(case, hub)
    html = _page(browser_for(mash), case).content.decode()
    assert "Released on pre-charge bail" in html
    assert "/events/new/" not in html
    assert browser_for(mash).get(f"/cases/{case.id}/events/new/").status_code == 404


def _page_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert _page(client, case).status_code == 200
    return len(queries)


def test_the_case_page_costs_the_same_for_one_event_or_many(
    officer_north, case, suspect, browser_for, django_assert_max_num_queries
):
    client = browser_for(officer_north)
    _bail(officer_north, case, suspect, date(2026, 6, 29))
    with_one = _page_queries(client, case)
    for n in range(6):
        other = _suspect(case, first_name=f"Other{n}")
        _bail(officer_north, case, other, date(2026, 7, 10))
        investigation_event_record(
            actor=officer_north.user,
            case=case,
            suspect=other,
            kind=EventKind.BAIL_CONDITIONS_CHANGED,
            occurred_at=datetime(2026, 6, 12, 12, 0, tzinfo=LONDON),
        )
    with django_assert_max_num_queries(with_one):
        response = _page(client, case)
    assert len(response.context["investigation"]["events"]) == 13
    assert len(response.context["investigation"]["bail"]) == 7


# --- The form


def _form_url(case) -> str:
    return f"/cases/{case.id}/events/new/"


def test_the_form_defaults_to_now_and_leaves_out_outcome_recorded(
    officer_north, case, suspect, browser_for
):
    response = browser_for(officer_north).get(_form_url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="15/06/2026"' in html
    assert 'value="10:30"' in html
    assert "Only for bail or its extension" in html
    assert 'value="outcome_recorded"' not in html
    assert 'value="arrested"' in html


def test_the_form_records_an_event_and_returns_to_the_case(
    officer_north, case, suspect, browser_for
):
    client = browser_for(officer_north)
    response = client.post(
        _form_url(case),
        {
            "suspect": str(suspect.id),
            "kind": "bailed",
            "occurred_on": "12/06/2026",
            "occurred_time": "10:00",
            "bail_end_on": "11/09/2026",
            "details": "Not to contact the victim.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.id}/events/#events"
    event = InvestigationEvent.objects.get()
    assert event.occurred_at == datetime(2026, 6, 12, 10, 0, tzinfo=LONDON)
    assert event.bail_end_on == date(2026, 9, 11)
    assert event.recorded_by == officer_north.user
    assert "Event recorded." in client.get(response["Location"]).content.decode()


def test_the_form_shows_bad_input_in_an_error_summary(officer_north, case, suspect, browser_for):
    response = browser_for(officer_north).post(
        _form_url(case),
        {
            "suspect": str(suspect.id),
            "kind": "bailed",
            "occurred_on": "12/06/2026",
            "occurred_time": "10:00",
            "bail_end_on": "13/09/2026",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert '<a href="#id_bail_end_on">Pre-charge bail runs at most 3 months' in html
    assert "<title>Error:" in html
    assert not InvestigationEvent.objects.exists()


def test_the_form_puts_a_future_moment_on_the_date(officer_north, case, suspect, browser_for):
    response = browser_for(officer_north).post(
        _form_url(case),
        {
            "suspect": str(suspect.id),
            "kind": "arrested",
            "occurred_on": "16/06/2026",
            "occurred_time": "10:00",
        },
    )
    assert '<a href="#id_occurred_on">Must not be in the future.' in response.content.decode()
    assert not InvestigationEvent.objects.exists()


def test_the_form_requires_the_suspect_and_the_event(officer_north, case, suspect, browser_for):
    response = browser_for(officer_north).post(
        _form_url(case), {"occurred_on": "12/06/2026", "occurred_time": "10:00"}
    )
    html = response.content.decode()
    assert "Choose the suspect this happened to." in html
    assert "Choose what happened." in html


def test_the_form_refuses_outcome_recorded(officer_north, case, suspect, browser_for):
    response = browser_for(officer_north).post(
        _form_url(case),
        {
            "suspect": str(suspect.id),
            "kind": "outcome_recorded",
            "occurred_on": "12/06/2026",
            "occurred_time": "10:00",
        },
    )
    assert "Choose one of the events listed." in response.content.decode()
    assert not InvestigationEvent.objects.exists()


def test_the_form_says_when_there_is_no_suspect(officer_north, case, browser_for):
    html = browser_for(officer_north).get(_form_url(case)).content.decode()
    assert "This case has no suspect yet." in html
