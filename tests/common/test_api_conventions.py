"""The conventions every endpoint shares (common/api/), shown on /api/v1/members/:
retries with Idempotency-Key, errors, authentication and cursor pagination."""

import uuid

from django.contrib.auth.models import User
from rest_framework.test import APIClient

from agencies.models import Membership, Role
from common.models import IdempotencyRecord
from tests.factories import MembershipFactory

MEMBERS = "/api/v1/members/"
KEY = "3f1c9a52-0d7e-4b8e-9a51-8f2f3d6c1e11"


def _new_person(**overrides) -> dict:
    return {
        "username": "new.officer",
        "first_name": "Nadia",
        "last_name": "Okafor",
        "email": "",
        "role": Role.GENERALIST_OFFICER.value,
        **overrides,
    }


def _create(client, body: dict, key: str = KEY):
    return client.post(MEMBERS, body, format="json", headers={"Idempotency-Key": key})


# --- Idempotency-Key


def test_a_retried_create_replays_the_first_response_and_creates_once(admin_north, api_for):
    # given
    client = api_for(admin_north)
    first = _create(client, _new_person())
    # when
    replay = _create(client, _new_person())
    # then
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    assert replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    # The enrolment link is shown once and never kept, so a replay answers null for it.
    assert first.json()["enrolment_link"].startswith("http://127.0.0.1:8000/enrol/")
    assert replay.json() == {**first.json(), "enrolment_link": None}
    assert first.json()["enrolment_link"] not in str(
        IdempotencyRecord.objects.get(key=KEY).response_body
    )
    assert replay["Location"] == first["Location"]
    assert replay["ETag"] == first["ETag"] == '"1"'
    assert Membership.objects.filter(user__username="new.officer").count() == 1
    assert User.objects.filter(username="new.officer").count() == 1
    assert IdempotencyRecord.objects.filter(user=admin_north.user, key=KEY).count() == 1


def test_the_same_key_with_a_different_body_is_refused_with_422(admin_north, api_for):
    # given
    client = api_for(admin_north)
    _create(client, _new_person())
    memberships_before = Membership.objects.count()
    # when
    response = _create(client, _new_person(username="other.officer"))
    # then
    assert response.status_code == 422
    assert response.json() == {
        "detail": "This Idempotency-Key was already used with a different request. "
        "Use a new key for a new request."
    }
    assert "Idempotent-Replayed" not in response
    assert Membership.objects.count() == memberships_before
    assert not User.objects.filter(username="other.officer").exists()


def test_a_refused_create_is_not_kept_so_a_corrected_retry_succeeds(admin_north, api_for):
    # given
    client = api_for(admin_north)
    refused = _create(client, _new_person(role="chief_constable"))
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["role"]
    assert not IdempotencyRecord.objects.exists()
    assert not User.objects.filter(username="new.officer").exists()
    # when
    response = _create(client, _new_person())
    # then
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Membership.objects.filter(user__username="new.officer").count() == 1


def test_idempotency_keys_belong_to_one_user(admin_north, admin_south, north, south, api_for):
    # given
    _create(api_for(admin_north), _new_person())
    # when
    response = _create(api_for(admin_south), _new_person(username="south.officer"))
    # then
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Membership.objects.get(user__username="new.officer").agency == north
    assert Membership.objects.get(user__username="south.officer").agency == south
    assert IdempotencyRecord.objects.filter(key=KEY).count() == 2


def test_creates_without_a_key_are_not_deduplicated(admin_north, api_for):
    # given
    client = api_for(admin_north)
    client.post(MEMBERS, _new_person(), format="json")
    # when
    response = client.post(MEMBERS, _new_person(), format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["username"]
    assert not IdempotencyRecord.objects.exists()
    assert Membership.objects.filter(user__username="new.officer").count() == 1


def test_an_idempotency_key_of_255_characters_is_accepted(admin_north, api_for):
    # given
    client = api_for(admin_north)
    key = "k" * 255
    # when
    first = _create(client, _new_person(), key=key)
    replay = _create(client, _new_person(), key=key)
    # then
    assert first.status_code == replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert IdempotencyRecord.objects.get(user=admin_north.user).key == key
    assert Membership.objects.filter(user__username="new.officer").count() == 1


def test_an_idempotency_key_over_255_characters_is_refused_with_400(admin_north, api_for):
    # given
    client = api_for(admin_north)
    # when
    response = _create(client, _new_person(), key="k" * 256)
    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "errors": {
            "Idempotency-Key": ["The Idempotency-Key header must be at most 255 characters."]
        },
    }
    assert not IdempotencyRecord.objects.exists()
    assert not User.objects.filter(username="new.officer").exists()


# --- Errors


def test_a_malformed_json_body_is_refused_with_400(admin_north, api_for):
    # given
    client = api_for(admin_north)
    memberships_before = Membership.objects.count()
    # when
    response = client.post(
        MEMBERS, data='{"username": "new.officer",', content_type="application/json"
    )
    # then
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["detail", "errors"]
    assert body["detail"].startswith("Malformed request body: JSON parse error")
    assert list(body["errors"]) == ["non_field_errors"]
    assert Membership.objects.count() == memberships_before


def test_a_body_that_is_not_json_is_refused_with_415(admin_north, api_for):
    # given
    client = api_for(admin_north)
    memberships_before = Membership.objects.count()
    # when
    response = client.post(MEMBERS, data="username=new.officer", content_type="text/plain")
    # then
    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "text/plain" in request.'}
    assert Membership.objects.count() == memberships_before


def test_without_credentials_the_api_answers_401_with_a_bearer_challenge(admin_north):
    # given
    client = APIClient()
    memberships_before = Membership.objects.count()
    # when
    listed = client.get(MEMBERS)
    created = client.post(MEMBERS, _new_person(), format="json")
    # then
    for response in (listed, created):
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication credentials were not provided."}
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert Membership.objects.count() == memberships_before


def test_an_unknown_bearer_token_answers_401_with_a_bearer_challenge(db):
    # given
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token-tideline-issued")
    # when
    response = client.get("/api/v1/me/")
    # then
    assert response.status_code == 401
    assert response.json() == {"detail": "This token is not valid. Request a new one."}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_the_404_body_is_only_a_detail(admin_north, api_for):
    # given
    client = api_for(admin_north)
    # when
    response = client.get(f"{MEMBERS}{uuid.uuid4()}/")
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_400_body_names_each_bad_field(admin_north, api_for):
    # given
    client = api_for(admin_north)
    # when
    response = client.post(MEMBERS, {"username": "x"}, format="json")
    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "errors": {
            "first_name": ["This field is required."],
            "last_name": ["This field is required."],
            "role": ["This field is required."],
        },
    }


# --- Cursor pagination


def test_a_page_of_one_links_to_the_next_page(admin_north, officer_north, api_for):
    # given
    client = api_for(admin_north)
    first = client.get(MEMBERS, {"page_size": 1})
    # when
    second = client.get(first.json()["next"])
    # then
    assert first.status_code == 200
    assert first.json()["previous"] is None
    assert [person["username"] for person in first.json()["results"]] == ["admin.north"]
    assert second.status_code == 200
    assert [person["username"] for person in second.json()["results"]] == ["officer.north"]
    assert second.json()["next"] is None
    assert second.json()["previous"] is not None
    assert "page_size=1" in first.json()["next"]


def test_a_page_is_never_more_than_100(admin_north, north, api_for):
    # given
    MembershipFactory.create_batch(101, agency=north)
    client = api_for(admin_north)
    # when
    refused = client.get(MEMBERS, {"page_size": 1000})
    response = client.get(MEMBERS, {"page_size": 100})
    # then
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["page_size"]
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["next", "previous", "results"]
    assert len(body["results"]) == 100
    assert body["next"] is not None
    rest = client.get(body["next"]).json()
    assert len(rest["results"]) == 2
    usernames = [p["username"] for p in body["results"]] + [p["username"] for p in rest["results"]]
    assert len(set(usernames)) == 102


def test_a_page_is_25_by_default(admin_north, north, api_for):
    # given
    MembershipFactory.create_batch(25, agency=north)
    client = api_for(admin_north)
    # when
    response = client.get(MEMBERS)
    # then
    assert response.status_code == 200
    assert len(response.json()["results"]) == 25
    assert response.json()["next"] is not None
