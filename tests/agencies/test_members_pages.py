"""The agency admin's people pages: /people/, /people/new/, /people/{id}/ and its actions."""

import hashlib
import html
import re
from datetime import UTC, datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import AccessLogEntry, EnrolmentLink, Membership, Role
from tests.factories import MembershipFactory
from tests.helpers import ACCESS_LOG_QUERIES

LINK = re.compile(r'value="(http://127\.0\.0\.1:8000/enrol/([A-Za-z0-9_-]{43})/)"')
# Every page title ends with the service name after an en dash.
SERVICE = " \N{EN DASH} Tideline"
# Session, user, authenticator, membership, the member's user again (for the header), the
# list, and the one access-log entry naming who was listed. The session is written at
# most once a minute, not by this view.
PEOPLE_PAGE_QUERIES = 6 + ACCESS_LOG_QUERIES


def _title(response) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", response.content.decode()).group(1))


def _new_person(**overrides) -> dict:
    return {
        "first_name": "Nadia",
        "last_name": "Okafor",
        "username": "new.officer",
        "email": "nadia.okafor@example.test",
        "role": Role.GENERALIST_OFFICER.value,
        "team": "",
        **overrides,
    }


def _change(membership, **overrides) -> dict:
    user = membership.user
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": membership.role,
        "team": str(membership.team_id or ""),
        "reason": "Corrected the surname",
        "version": membership.version,
        **overrides,
    }


def _snapshot(membership) -> dict:
    membership.refresh_from_db()
    membership.user.refresh_from_db()
    return {
        "version": membership.version,
        "role": membership.role,
        "team_id": membership.team_id,
        "last_name": membership.user.last_name,
        "is_active": membership.user.is_active,
        "history": membership.history.count(),
    }


# --- The list


def test_an_admin_sees_the_people_of_their_own_agency_only(
    admin_north, officer_north, admin_south, browser_for
):
    # given
    client = browser_for(admin_north)
    # when
    response = client.get("/people/")
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert _title(response) == "People in Northshire Police" + SERVICE
    assert [person.user.username for person in response.context["members"]] == [
        "admin.north",
        "officer.north",
    ]
    assert "officer.north" in page
    assert f"/people/{officer_north.id}/" in page
    assert "admin.south" not in page
    assert f"/people/{admin_south.id}/" not in page


def _page_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/people/")
    assert response.status_code == 200
    return len(queries), len(response.context["members"])


def test_the_people_page_query_count_does_not_grow_with_the_number_of_people(
    admin_north, north, north_team, browser_for, django_assert_max_num_queries
):
    # given
    client = browser_for(admin_north)
    MembershipFactory.create_batch(4, agency=north, team=north_team)
    client.get("/people/")  # the first view starts the session's idle clock: a write
    few_queries, few = _page_queries(client)
    MembershipFactory.create_batch(25, agency=north, team=north_team)
    # when
    with django_assert_max_num_queries(PEOPLE_PAGE_QUERIES):
        response = client.get("/people/")
    many_queries, many = _page_queries(client)
    # then
    assert response.status_code == 200
    assert (few, many) == (5, 30)
    assert many_queries == few_queries


def test_a_non_admin_cannot_deactivate_through_the_action_form(
    officer_north, admin_north, browser_for
):
    # given
    client = browser_for(officer_north)
    before = _snapshot(admin_north)
    # when
    response = client.post(f"/people/{admin_north.id}/deactivate/", {"reason": "Taking over"})
    # then
    assert response.status_code == 404
    assert _snapshot(admin_north) == before


def test_a_signed_out_visitor_is_sent_to_sign_in(db, client):
    # when
    response = client.get("/people/")
    # then
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/people/"


def test_an_admin_gets_404_for_a_person_of_another_agency(admin_north, officer_south, browser_for):
    # given
    client = browser_for(admin_north)
    before = _snapshot(officer_south)
    # when
    read = client.get(f"/people/{officer_south.id}/")
    changed = client.post(
        f"/people/{officer_south.id}/", _change(officer_south, last_name="Changed")
    )
    deactivated = client.post(f"/people/{officer_south.id}/deactivate/", {"reason": "No"})
    # then
    assert (read.status_code, changed.status_code, deactivated.status_code) == (404, 404, 404)
    assert _snapshot(officer_south) == before


# --- Adding a person


def test_an_admin_adds_a_person_through_the_form(admin_north, north, north_team, browser_for):
    # given
    client = browser_for(admin_north)
    form = client.get("/people/new/")
    # when
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=False):
        response = client.post("/people/new/", _new_person(team=str(north_team.id)))
    # then
    assert form.status_code == 200
    assert _title(form) == "Add a person" + SERVICE
    assert "password" not in form.context["form"].fields
    created = Membership.objects.select_related("user").get(user__username="new.officer")
    assert created.agency == north
    assert created.team == north_team
    assert created.role == Role.GENERALIST_OFFICER
    assert not created.user.has_usable_password()
    # The link is the answer to the POST itself: never redirected to, never kept.
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Give this link to Nadia Okafor by a secure route. It works once and expires "
        "at 09:00 on 13 March 2026."
    ) in page
    url, raw = LINK.search(page).groups()
    link = EnrolmentLink.objects.get(user=created.user)
    assert link.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert link.created_by == admin_north.user
    assert url not in client.get(f"/people/{created.id}/").content.decode()
    [entry] = AccessLogEntry.objects.filter(action="agencies.member.created")
    assert entry.object_id == str(created.id)


def test_an_admin_resets_an_authenticator_and_gets_a_new_link(
    admin_north, officer_north, browser_for
):
    # given
    admin = browser_for(admin_north)
    # when
    response = admin.post(f"/people/{officer_north.id}/reset-mfa/", {"reason": "Lost phone"})
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give this link to" in page
    assert "It works once and expires at" in page
    _, raw = LINK.search(page).groups()
    link = EnrolmentLink.objects.get(user=officer_north.user)
    assert link.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert not officer_north.user.totpdevice_set.exists()


def test_a_missing_name_and_a_taken_username_are_both_shown(
    admin_north, officer_north, browser_for
):
    # given
    client = browser_for(admin_north)
    memberships_before = Membership.objects.count()
    # when
    response = client.post("/people/new/", _new_person(first_name="", username="officer.north"))
    # then
    assert response.status_code == 200
    assert _title(response).startswith("Error: ")
    assert response.context["form"].errors == {"first_name": ["This field is required."]}
    assert Membership.objects.count() == memberships_before
    # once the name is given, the service's check of the username is shown too
    again = client.post("/people/new/", _new_person(username="officer.north"))
    assert again.context["form"].errors == {"username": ["That username is already taken."]}
    assert '<a href="#id_username">That username is already taken.</a>' in again.content.decode()
    assert Membership.objects.count() == memberships_before


# --- Changing a person


def test_an_admin_changes_a_person_with_a_reason(admin_north, officer_north, browser_for):
    # given
    client = browser_for(admin_north)
    page = client.get(f"/people/{officer_north.id}/")
    # when
    response = client.post(
        f"/people/{officer_north.id}/", _change(officer_north, last_name="Okonjo"), follow=True
    )
    # then
    assert page.status_code == 200
    assert '<input type="hidden" name="version" value="1"' in page.content.decode()
    assert response.redirect_chain == [(f"/people/{officer_north.id}/", 302)]
    assert "The changes are saved." in response.content.decode()
    officer_north.refresh_from_db()
    officer_north.user.refresh_from_db()
    assert officer_north.user.last_name == "Okonjo"
    assert officer_north.version == 2
    latest = officer_north.history.first()
    assert latest.history_change_reason == "Corrected the surname"
    assert latest.history_user == admin_north.user


def test_a_change_from_a_stale_page_shows_an_error_and_changes_nothing(
    admin_north, officer_north, browser_for
):
    # given
    officer_north.version = 2
    officer_north.save(update_fields=["version"])
    client = browser_for(admin_north)
    before = _snapshot(officer_north)
    # when
    response = client.post(
        f"/people/{officer_north.id}/",
        _change(officer_north, last_name="Okonjo", version=1),
    )
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert _title(response).startswith("Error: ")
    assert "There is a problem" in page
    assert (
        "Someone else has changed this record since you read it (it is now at version 2). "
        "Reload it and make your change again."
    ) in html.unescape(page)
    assert _snapshot(officer_north) == before


def test_a_change_without_a_reason_shows_the_field_error(admin_north, officer_north, browser_for):
    # given
    client = browser_for(admin_north)
    before = _snapshot(officer_north)
    # when
    response = client.post(
        f"/people/{officer_north.id}/", _change(officer_north, last_name="Okonjo", reason="")
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    assert _snapshot(officer_north) == before


def test_an_admin_cannot_demote_themself_through_the_form(admin_north, browser_for):
    # given
    client = browser_for(admin_north)
    before = _snapshot(admin_north)
    # when
    response = client.post(
        f"/people/{admin_north.id}/",
        _change(admin_north, role=Role.GENERALIST_OFFICER.value, reason="Stepping down"),
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "role": ["You cannot remove your own admin role; ask another agency admin."]
    }
    assert _snapshot(admin_north) == before


# --- Actions


def test_an_admin_deactivates_a_person_through_the_action_form(
    admin_north, officer_north, browser_for
):
    # given
    admin = browser_for(admin_north)
    officer = browser_for(officer_north)
    assert officer.get("/").status_code == 200
    # when
    response = admin.post(
        f"/people/{officer_north.id}/deactivate/", {"reason": "Left the force"}, follow=True
    )
    # then
    assert response.redirect_chain == [(f"/people/{officer_north.id}/", 302)]
    page = response.content.decode()
    assert "The account is deactivated and signed out everywhere." in page
    assert '<strong class="govuk-tag govuk-tag--grey">Deactivated</strong>' in page
    assert f'action="/people/{officer_north.id}/reactivate/"' in page
    officer_north.user.refresh_from_db()
    assert officer_north.user.is_active is False
    [entry] = AccessLogEntry.objects.filter(action="agencies.member.deactivated")
    assert entry.justification == "Left the force"
    # their open session no longer signs them in
    assert officer.get("/").status_code == 302


def test_an_action_without_a_reason_changes_nothing(admin_north, officer_north, browser_for):
    # given
    client = browser_for(admin_north)
    before = _snapshot(officer_north)
    # when
    response = client.post(f"/people/{officer_north.id}/deactivate/", {"reason": ""}, follow=True)
    # then
    assert response.redirect_chain == [(f"/people/{officer_north.id}/", 302)]
    assert "Give a reason for this change." in response.content.decode()
    assert _snapshot(officer_north) == before
    assert not AccessLogEntry.objects.filter(action="agencies.member.deactivated").exists()


def test_an_unknown_action_is_not_found(admin_north, officer_north, browser_for):
    # given
    client = browser_for(admin_north)
    before = _snapshot(officer_north)
    # when
    response = client.post(f"/people/{officer_north.id}/delete/", {"reason": "Tidy up"})
    # then
    assert response.status_code == 404
    assert _snapshot(officer_north) == before


def test_an_action_form_is_post_only(admin_north, officer_north, browser_for):
    # given
    client = browser_for(admin_north)
    before = _snapshot(officer_north)
    # when
    response = client.get(f"/people/{officer_north.id}/deactivate/")
    # then
    assert response.status_code == 405
    assert _snapshot(officer_north) == before
