"""The agency admin's people endpoints: /api/v1/members/ and its actions."""

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessFailureLog
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from agencies.models import AccessLogEntry, ApiToken, EnrolmentLink, Membership, Role
from tests.factories import TEST_PASSWORD, MembershipFactory, TeamFactory, TOTPDeviceFactory
from tests.helpers import ACCESS_LOG_QUERIES, current_code

MEMBERS = "/api/v1/members/"
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
LINK = re.compile(r"^http://127\.0\.0\.1:8000/enrol/([A-Za-z0-9_-]{43})/$")


def _detail(membership) -> str:
    return f"{MEMBERS}{membership.id}/"


def _action(membership, action: str) -> str:
    return f"{MEMBERS}{membership.id}/{action}/"


def _new_person(**overrides) -> dict:
    return {
        "username": "new.officer",
        "first_name": "Nadia",
        "last_name": "Okafor",
        "email": "nadia.okafor@example.test",
        "role": Role.GENERALIST_OFFICER.value,
        **overrides,
    }


def _colleagues(agency, count: int) -> list[Membership]:
    return MembershipFactory.create_batch(count, agency=agency)


def _snapshot(membership) -> dict:
    membership.refresh_from_db()
    membership.user.refresh_from_db()
    return {
        "version": membership.version,
        "role": membership.role,
        "team_id": membership.team_id,
        "first_name": membership.user.first_name,
        "last_name": membership.user.last_name,
        "email": membership.user.email,
        "is_active": membership.user.is_active,
        "history": membership.history.count(),
    }


def _member_log(action: str) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(action=action).order_by("sequence"))


# --- Creating a person


def test_admin_creates_a_person_in_their_own_agency(admin_north, north, south, api_for):
    # given
    client = api_for(admin_north)
    # when
    with time_machine.travel(NOW, tick=False):
        response = client.post(MEMBERS, _new_person(agency=str(south.id)), format="json")
    # then
    assert response.status_code == 201
    created = Membership.objects.select_related("user", "agency").get(user__username="new.officer")
    assert created.agency == north
    assert created.role == Role.GENERALIST_OFFICER
    assert created.version == 1
    assert list(created.user.groups.values_list("name", flat=True)) == ["role:generalist_officer"]
    # No password and no authenticator: only the enrolment link lets them in.
    assert not created.user.has_usable_password()
    assert not TOTPDevice.objects.filter(user=created.user).exists()
    assert response["Location"] == f"/api/v1/members/{created.id}/"
    assert response["ETag"] == '"1"'
    body = response.json()
    raw = LINK.match(body.pop("enrolment_link")).group(1)
    link = EnrolmentLink.objects.get(user=created.user)
    assert link.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert link.created_by == admin_north.user
    assert link.expires_at == NOW + timedelta(hours=72)
    assert body == {
        "enrolment_expires_at": "2026-03-13T09:00:00Z",
        "id": str(created.id),
        "username": "new.officer",
        "first_name": "Nadia",
        "last_name": "Okafor",
        "full_name": "Nadia Okafor",
        "email": "nadia.okafor@example.test",
        "role": "generalist_officer",
        "team": None,
        "agency": {"slug": "northshire-police", "name": "Northshire Police", "kind": "police"},
        "is_active": True,
        "last_sign_in": None,
        "version": 1,
    }
    assert not Membership.objects.filter(agency=south).exists()


def test_admin_creates_a_person_in_a_team_of_their_agency(admin_north, north_team, api_for):
    # given
    client = api_for(admin_north)
    # when
    response = client.post(MEMBERS, _new_person(team=str(north_team.id)), format="json")
    # then
    assert response.status_code == 201
    assert response.json()["team"] == {
        "id": str(north_team.id),
        "name": "Online CSA Team",
        "slug": "online-csa",
    }
    assert Membership.objects.get(user__username="new.officer").team == north_team


def test_creating_a_person_writes_history_and_the_access_log(admin_north, api_for):
    # given
    client = api_for(admin_north)
    # when
    response = client.post(MEMBERS, _new_person(), format="json")
    # then
    assert response.status_code == 201
    created = Membership.objects.get(user__username="new.officer")
    history = created.history.get()
    assert history.history_type == "+"
    assert history.history_user == admin_north.user
    assert history.history_change_reason == "created by agency admin"
    [entry] = _member_log("agencies.member.created")
    assert entry.username == "admin.north"
    assert entry.object_type == "member"
    assert entry.object_id == str(created.id)
    assert entry.object_agency_slug == "northshire-police"
    assert entry.justification == "role generalist_officer"


def test_a_password_chosen_by_the_admin_is_refused_naming_password(admin_north, api_for):
    # given
    client = api_for(admin_north)
    users_before = User.objects.count()
    # when
    response = client.post(
        MEMBERS, _new_person(password="amber-lantern-quarry-1984"), format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "errors": {
            "password": [
                "Admins do not set passwords. The person creates their own through the "
                "enrolment link in the response."
            ]
        },
    }
    assert User.objects.count() == users_before
    assert not Membership.objects.filter(user__username="new.officer").exists()
    assert _member_log("agencies.member.created") == []


@pytest.mark.parametrize("username", ["officer.north", "Officer.North"])
def test_a_taken_username_is_refused_naming_username(admin_north, officer_north, api_for, username):
    # given
    client = api_for(admin_north)
    memberships_before = Membership.objects.count()
    # when
    response = client.post(MEMBERS, _new_person(username=username), format="json")
    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "errors": {"username": ["That username is already taken."]},
    }
    assert Membership.objects.count() == memberships_before
    assert User.objects.filter(username__iexact="officer.north").count() == 1


def test_an_unknown_role_is_refused_naming_role(admin_north, api_for):
    # given
    client = api_for(admin_north)
    # when
    response = client.post(MEMBERS, _new_person(role="chief_constable"), format="json")
    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "errors": {"role": ['"chief_constable" is not a valid choice.']},
    }
    assert not User.objects.filter(username="new.officer").exists()


def test_a_team_of_another_agency_is_refused_naming_team(admin_north, south, api_for):
    # given
    south_team = TeamFactory(agency=south, name="Southshire CSA", slug="south-csa")
    client = api_for(admin_north)
    # when
    response = client.post(MEMBERS, _new_person(team=str(south_team.id)), format="json")
    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "errors": {"team": ["Choose a team of your own agency."]},
    }
    assert not User.objects.filter(username="new.officer").exists()
    assert not south_team.memberships.exists()


def test_an_officer_may_not_create_people(officer_north, api_for):
    # given
    client = api_for(officer_north)
    memberships_before = Membership.objects.count()
    # when
    response = client.post(MEMBERS, _new_person(), format="json")
    # then
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}
    assert Membership.objects.count() == memberships_before
    assert not User.objects.filter(username="new.officer").exists()


# --- Reading people


def test_the_list_shows_only_the_admins_own_agency(
    admin_north, officer_north, admin_south, api_for
):
    # given
    client = api_for(admin_north)
    # when
    response = client.get(MEMBERS)
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    assert body["previous"] is None
    assert [person["username"] for person in body["results"]] == ["admin.north", "officer.north"]
    assert {person["agency"]["slug"] for person in body["results"]} == {"northshire-police"}


def _list_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(MEMBERS, {"page_size": 100})
    assert response.status_code == 200
    return len(queries), len(response.json()["results"])


def test_the_list_query_count_does_not_grow_with_the_number_of_people(
    admin_north, north, north_team, api_for, django_assert_max_num_queries
):
    # given
    client = api_for(admin_north)
    _colleagues(north, 4)
    # The first request caches the caller's membership on the forced user, so the
    # count below is of the list alone.
    client.get(MEMBERS)
    few_queries, few = _list_queries(client)
    for colleague in _colleagues(north, 25):
        colleague.team = north_team
        colleague.save(update_fields=["team"])
    # when: the list, and the one access-log entry naming who was on it
    with django_assert_max_num_queries(1 + ACCESS_LOG_QUERIES):
        response = client.get(MEMBERS, {"page_size": 100})
    many_queries, many = _list_queries(client)
    # then
    assert response.status_code == 200
    assert (few, many) == (5, 30)
    assert many_queries == few_queries


def test_an_admin_reads_a_person_of_their_agency_with_an_etag(admin_north, officer_north, api_for):
    # given
    client = api_for(admin_north)
    # when
    response = client.get(_detail(officer_north))
    # then
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    body = response.json()
    assert body["username"] == "officer.north"
    assert body["version"] == 1
    assert body["team"]["slug"] == "online-csa"


def test_a_person_of_another_agency_is_not_found(admin_north, officer_south, api_for):
    # given
    client = api_for(admin_north)
    # when
    response = client.get(_detail(officer_south))
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_teams_list_shows_only_the_callers_agency(officer_north, south, api_for):
    # given
    TeamFactory(agency=south, name="Southshire CSA", slug="south-csa")
    client = api_for(officer_north)
    # when
    response = client.get("/api/v1/teams/")
    # then
    assert response.status_code == 200
    assert [team["slug"] for team in response.json()["results"]] == ["online-csa"]


# --- Changing a person


def test_a_change_without_if_match_is_refused_with_428(admin_north, officer_north, api_for):
    # given
    client = api_for(admin_north)
    before = _snapshot(officer_north)
    # when
    response = client.patch(
        _detail(officer_north), {"last_name": "Changed", "reason": "name"}, format="json"
    )
    # then
    assert response.status_code == 428
    assert response.json() == {
        "detail": "This change needs an If-Match header with the version you last read."
    }
    assert _snapshot(officer_north) == before


def test_a_change_with_a_stale_version_is_refused_with_412(admin_north, officer_north, api_for):
    # given
    officer_north.version = 3
    officer_north.save(update_fields=["version"])
    client = api_for(admin_north)
    before = _snapshot(officer_north)
    # when
    response = client.patch(
        _detail(officer_north),
        {"last_name": "Changed", "reason": "name"},
        format="json",
        headers={"If-Match": '"2"'},
    )
    # then
    assert response.status_code == 412
    assert response.json() == {
        "detail": "Someone else has changed this record since you read it "
        "(it is now at version 3). Reload it and make your change again.",
        "current_version": 3,
    }
    assert _snapshot(officer_north) == before
    assert _member_log("agencies.member.changed") == []


def test_a_change_with_if_match_star_is_refused_with_428(admin_north, officer_north, api_for):
    # given: `*` would match any version, so it cannot prevent a lost update
    client = api_for(admin_north)
    before = _snapshot(officer_north)
    # when
    response = client.patch(
        _detail(officer_north),
        {"last_name": "Changed", "reason": "name"},
        format="json",
        headers={"If-Match": "*"},
    )
    # then
    assert response.status_code == 428
    assert _snapshot(officer_north) == before


def test_a_change_with_the_current_version_is_saved_with_its_reason(
    admin_north, officer_north, north, api_for
):
    # given
    second_team = TeamFactory(agency=north, name="Victim Contact", slug="victim-contact")
    client = api_for(admin_north)
    # when
    response = client.patch(
        _detail(officer_north),
        {
            "last_name": "Okonjo",
            "role": Role.SPECIALIST_INVESTIGATOR.value,
            "team": str(second_team.id),
            "reason": "Moved to the online CSA investigation team",
        },
        format="json",
        headers={"If-Match": '"1"'},
    )
    # then
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    body = response.json()
    assert body["version"] == 2
    assert body["last_name"] == "Okonjo"
    assert body["role"] == "specialist_investigator"
    assert body["team"]["slug"] == "victim-contact"
    officer_north.refresh_from_db()
    officer_north.user.refresh_from_db()
    assert officer_north.version == 2
    assert officer_north.role == Role.SPECIALIST_INVESTIGATOR
    assert officer_north.team == second_team
    assert officer_north.user.last_name == "Okonjo"
    assert list(officer_north.user.groups.values_list("name", flat=True)) == [
        "role:specialist_investigator"
    ]
    latest = officer_north.history.first()
    assert latest.history_change_reason == "Moved to the online CSA investigation team"
    assert latest.history_user == admin_north.user
    assert latest.version == 2
    [entry] = _member_log("agencies.member.changed")
    assert entry.justification == "Moved to the online CSA investigation team"
    assert entry.object_id == str(officer_north.id)


def test_a_change_with_a_null_team_takes_the_person_out_of_their_team(
    admin_north, officer_north, api_for
):
    # given
    client = api_for(admin_north)
    # when
    response = client.patch(
        _detail(officer_north),
        {"team": None, "reason": "Left the team"},
        format="json",
        headers={"If-Match": '"1"'},
    )
    # then
    assert response.status_code == 200
    assert response.json()["team"] is None
    officer_north.refresh_from_db()
    assert officer_north.team is None


def test_a_change_without_a_reason_is_refused_naming_reason(admin_north, officer_north, api_for):
    # given
    client = api_for(admin_north)
    before = _snapshot(officer_north)
    # when
    response = client.patch(
        _detail(officer_north),
        {"last_name": "Changed"},
        format="json",
        headers={"If-Match": '"1"'},
    )
    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "errors": {"reason": ["This field is required."]},
    }
    assert _snapshot(officer_north) == before


def test_a_change_with_a_blank_reason_is_refused_naming_reason(admin_north, officer_north, api_for):
    # given
    client = api_for(admin_north)
    before = _snapshot(officer_north)
    # when
    response = client.patch(
        _detail(officer_north),
        {"last_name": "Changed", "reason": "   "},
        format="json",
        headers={"If-Match": '"1"'},
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    assert _snapshot(officer_north) == before


def test_an_admin_cannot_demote_themself(admin_north, api_for):
    # given
    client = api_for(admin_north)
    before = _snapshot(admin_north)
    # when
    response = client.patch(
        _detail(admin_north),
        {"role": Role.GENERALIST_OFFICER.value, "reason": "Going back to the beat"},
        format="json",
        headers={"If-Match": '"1"'},
    )
    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "errors": {"role": ["You cannot remove your own admin role; ask another agency admin."]},
    }
    assert _snapshot(admin_north) == before
    assert list(admin_north.user.groups.values_list("name", flat=True)) == ["role:agency_admin"]


def test_a_change_to_a_team_of_another_agency_is_refused_naming_team(
    admin_north, officer_north, south, api_for
):
    # given
    south_team = TeamFactory(agency=south, name="Southshire CSA", slug="south-csa")
    client = api_for(admin_north)
    before = _snapshot(officer_north)
    # when
    response = client.patch(
        _detail(officer_north),
        {"team": str(south_team.id), "reason": "Moving"},
        format="json",
        headers={"If-Match": '"1"'},
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["team"]
    assert _snapshot(officer_north) == before


def test_an_admin_cannot_change_a_person_of_another_agency(admin_north, officer_south, api_for):
    # given
    client = api_for(admin_north)
    before = _snapshot(officer_south)
    # when
    response = client.patch(
        _detail(officer_south),
        {"last_name": "Changed", "reason": "Because"},
        format="json",
        headers={"If-Match": '"1"'},
    )
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert _snapshot(officer_south) == before


# --- Actions


def _issue_token(client, membership) -> str:
    response = client.post(
        "/api/v1/auth/token/",
        {
            "username": membership.user.username,
            "password": TEST_PASSWORD,
            "otp": current_code(membership.user.totpdevice_set.get()),
        },
        format="json",
    )
    assert response.status_code == 201
    return response.json()["token"]


def test_deactivation_makes_the_person_inactive_and_revokes_their_tokens(
    admin_north, officer_north, api_for
):
    # given
    admin = api_for(admin_north)
    program = APIClient()
    raw = _issue_token(program, officer_north)
    program.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert program.get("/api/v1/me/").status_code == 200
    # when
    response = admin.post(
        _action(officer_north, "deactivate"), {"reason": "Left the force"}, format="json"
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["is_active"] is False
    assert body["version"] == 2
    officer_north.user.refresh_from_db()
    assert officer_north.user.is_active is False
    token = ApiToken.objects.get(key_hash=hashlib.sha256(raw.encode()).hexdigest())
    assert token.revoked_at is not None
    assert token.revoked_reason == "deactivated: Left the force"
    refused = program.get("/api/v1/me/")
    assert refused.status_code == 401
    assert officer_north.history.first().history_change_reason == "deactivated: Left the force"


def test_deactivating_an_inactive_person_answers_409_with_the_state(
    admin_north, officer_north, api_for
):
    # given
    client = api_for(admin_north)
    client.post(_action(officer_north, "deactivate"), {"reason": "Left"}, format="json")
    before = _snapshot(officer_north)
    # when
    response = client.post(_action(officer_north, "deactivate"), {"reason": "Again"}, format="json")
    # then
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This account is already deactivated.",
        "state": "deactivated",
    }
    assert _snapshot(officer_north) == before
    assert len(_member_log("agencies.member.deactivated")) == 1


def test_an_admin_cannot_deactivate_themself(admin_north, api_for):
    # given
    client = api_for(admin_north)
    before = _snapshot(admin_north)
    # when
    response = client.post(_action(admin_north, "deactivate"), {"reason": "Bye"}, format="json")
    # then
    assert response.status_code == 409
    assert response.json() == {
        "detail": "You cannot deactivate your own account.",
        "state": "active",
    }
    assert _snapshot(admin_north) == before


def test_reactivation_lets_the_person_back_in(admin_north, officer_north, api_for):
    # given
    client = api_for(admin_north)
    client.post(_action(officer_north, "deactivate"), {"reason": "On leave"}, format="json")
    # when
    response = client.post(
        _action(officer_north, "reactivate"), {"reason": "Back from leave"}, format="json"
    )
    # then
    assert response.status_code == 200
    assert response.json()["is_active"] is True
    assert response.json()["version"] == 3
    officer_north.user.refresh_from_db()
    assert officer_north.user.is_active is True
    assert officer_north.history.first().history_change_reason == "reactivated: Back from leave"


def test_reactivating_an_active_person_answers_409_with_the_state(
    admin_north, officer_north, api_for
):
    # given
    client = api_for(admin_north)
    before = _snapshot(officer_north)
    # when
    response = client.post(
        _action(officer_north, "reactivate"), {"reason": "Just in case"}, format="json"
    )
    # then
    assert response.status_code == 409
    assert response.json() == {"detail": "This account is already active.", "state": "active"}
    assert _snapshot(officer_north) == before


def test_an_mfa_reset_removes_the_persons_authenticators(
    admin_north, officer_north, officer_south, api_for
):
    # given
    TOTPDeviceFactory(user=officer_north.user, name="Old phone", confirmed=False)
    client = api_for(admin_north)
    # when
    response = client.post(
        _action(officer_north, "reset-mfa"), {"reason": "Lost their phone"}, format="json"
    )
    # then
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=officer_north.user).exists()
    assert TOTPDevice.objects.filter(user=officer_south.user).count() == 1
    assert TOTPDevice.objects.filter(user=admin_north.user).count() == 1
    body = response.json()
    raw = LINK.match(body["enrolment_link"]).group(1)
    link = EnrolmentLink.objects.get(user=officer_north.user)
    assert link.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert datetime.fromisoformat(body["enrolment_expires_at"]) == link.expires_at
    assert body["username"] == "officer.north"


def _failure(username: str, *, locked_out: bool = False) -> AccessFailureLog:
    return AccessFailureLog.objects.create(
        username=username,
        ip_address="192.0.2.10",
        user_agent="pytest",
        http_accept="*/*",
        path_info="/sign-in/",
        attempt_time=timezone.now() - timedelta(minutes=1),
        locked_out=locked_out,
    )


def test_unlocking_clears_the_persons_sign_in_failures(
    admin_north, officer_north, officer_south, api_for
):
    # given
    for _ in range(4):
        _failure("officer.north")
    _failure("officer.north", locked_out=True)
    _failure("officer.south")
    client = api_for(admin_north)
    # when
    response = client.post(
        _action(officer_north, "unlock"), {"reason": "Confirmed by phone"}, format="json"
    )
    # then
    assert response.status_code == 200
    assert not AccessFailureLog.objects.filter(username="officer.north").exists()
    assert AccessFailureLog.objects.filter(username="officer.south").count() == 1


@pytest.mark.parametrize(
    ("action", "code"),
    [
        ("deactivate", "agencies.member.deactivated"),
        ("reset-mfa", "agencies.member.mfa_reset"),
        ("unlock", "agencies.member.unlocked"),
    ],
)
def test_each_action_is_written_to_the_access_log_with_its_reason(
    admin_north, officer_north, api_for, action, code
):
    # given
    client = api_for(admin_north)
    # when
    response = client.post(
        _action(officer_north, action), {"reason": "Ticket INC-4821"}, format="json"
    )
    # then
    assert response.status_code == 200
    [entry] = _member_log(code)
    assert entry.username == "admin.north"
    assert entry.agency_slug == "northshire-police"
    assert entry.object_type == "member"
    assert entry.object_id == str(officer_north.id)
    assert entry.object_agency_slug == "northshire-police"
    assert entry.justification == "Ticket INC-4821"
    assert entry.endpoint == _action(officer_north, action)
    assert entry.method == "POST"


def test_reactivation_is_written_to_the_access_log_with_its_reason(
    admin_north, officer_north, api_for
):
    # given
    client = api_for(admin_north)
    client.post(_action(officer_north, "deactivate"), {"reason": "On leave"}, format="json")
    # when
    response = client.post(
        _action(officer_north, "reactivate"), {"reason": "Ticket INC-4822"}, format="json"
    )
    # then
    assert response.status_code == 200
    [entry] = _member_log("agencies.member.reactivated")
    assert entry.justification == "Ticket INC-4822"
    assert entry.object_id == str(officer_north.id)


@pytest.mark.parametrize("action", ["deactivate", "reactivate", "reset-mfa", "unlock"])
def test_an_action_without_a_reason_is_refused_naming_reason(
    admin_north, officer_north, api_for, action
):
    # given
    _failure("officer.north")
    client = api_for(admin_north)
    before = _snapshot(officer_north)
    log_before = AccessLogEntry.objects.count()
    # when
    response = client.post(_action(officer_north, action), {}, format="json")
    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "errors": {"reason": ["This field is required."]},
    }
    assert _snapshot(officer_north) == before
    assert TOTPDevice.objects.filter(user=officer_north.user).count() == 1
    assert AccessFailureLog.objects.filter(username="officer.north").count() == 1
    assert AccessLogEntry.objects.count() == log_before


@pytest.mark.parametrize("action", ["deactivate", "reset-mfa", "unlock"])
def test_an_admin_cannot_act_on_a_person_of_another_agency(
    admin_north, officer_south, api_for, action
):
    # given
    _failure("officer.south")
    client = api_for(admin_north)
    before = _snapshot(officer_south)
    # when
    response = client.post(_action(officer_south, action), {"reason": "Why not"}, format="json")
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert _snapshot(officer_south) == before
    assert TOTPDevice.objects.filter(user=officer_south.user).count() == 1
    assert AccessFailureLog.objects.filter(username="officer.south").count() == 1


# --- Refusals for people who are not admins


@pytest.mark.parametrize("persona", ["officer_north", "auditor_north"])
def test_a_non_admin_is_refused_the_collection_with_403(request, api_for, persona):
    # given
    membership = request.getfixturevalue(persona)
    client = api_for(membership)
    # when
    response = client.get(MEMBERS)
    # then
    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission to perform this action."}
    [entry] = AccessLogEntry.objects.filter(outcome="denied")
    assert entry.action == "agencies.member.view"
    assert entry.username == membership.user.username


def test_an_officer_gets_404_on_a_detail_action_and_nothing_changes(
    officer_north, admin_north, api_for
):
    # given
    client = api_for(officer_north)
    before = _snapshot(admin_north)
    # when
    response = client.post(
        _action(admin_north, "deactivate"), {"reason": "Taking over"}, format="json"
    )
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert _snapshot(admin_north) == before
    assert _member_log("agencies.member.deactivated") == []


def test_an_officer_gets_404_on_a_detail_read(officer_north, admin_north, api_for):
    # given
    client = api_for(officer_north)
    # when
    response = client.get(_detail(admin_north))
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
