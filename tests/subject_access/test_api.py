"""The API under /api/v1/subject-access-requests/: created once per Idempotency-Key,
400 naming each field, ETag and If-Match on a correction, 409 naming the state,
release refused naming `review`, another agency's request 404, the list's queries
pinned."""

from datetime import date

import pytest

from subject_access.models import SubjectAccessRequest
from tests.factories import PersonFactory
from tests.factories_subject_access import a_request
from tests.helpers import api_client
from tests.subject_access.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]

BASE = "/api/v1/subject-access-requests/"


def _body(person, **changes):
    return {
        "legal_basis": "dpa_2018_section_45",
        "received_on": "2026-05-01",
        "requester_name": "Sam Requester",
        "identity_check": "documents_seen",
        "subjects": [str(person.pk)],
        **changes,
    }


def test_create_is_idempotent_and_answers_the_deadline(manager, world):
    client = api_client(manager)
    headers = {"HTTP_IDEMPOTENCY_KEY": "sar-1"}
    first = client.post(BASE, _body(world.person), format="json", **headers)
    again = client.post(BASE, _body(world.person), format="json", **headers)
    assert first.status_code == 201
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert SubjectAccessRequest.objects.count() == 1
    assert first.json()["response_due_on"] == "2026-06-01"
    assert first.json()["subjects"][0]["full_name"] == "Jordan Ashdown"
    assert first["ETag"] == '"1"'


def test_bad_input_names_each_field_and_creates_nothing(manager, world, south):
    theirs = PersonFactory(recorded_by_agency=south)
    client = api_client(manager)
    future = client.post(BASE, _body(world.person, received_on="2026-05-13"), format="json")
    assert future.status_code == 400
    assert set(future.json()["errors"]) == {"received_on"}
    other = client.post(BASE, _body(theirs), format="json")
    assert other.status_code == 400
    assert set(other.json()["errors"]) == {"subjects"}
    assert SubjectAccessRequest.objects.count() == 0


def test_a_correction_needs_if_match(manager, world):
    request = a_request(manager, [world.person], received_on=date(2026, 5, 1))
    client = api_client(manager)
    url = f"{BASE}{request.pk}/"
    assert client.patch(url, {"requester_name": "S. R."}, format="json").status_code == 428
    stale = client.patch(url, {"requester_name": "S. R."}, format="json", HTTP_IF_MATCH='"9"')
    assert stale.status_code == 412
    done = client.patch(url, {"requester_name": "S. R."}, format="json", HTTP_IF_MATCH='"1"')
    assert done.status_code == 200
    assert done["ETag"] == '"2"'
    assert done.json()["requester_name"] == "S. R."


def test_moves_answer_409_naming_the_state_and_release_names_review(manager, world):
    request = a_request(manager, [world.person], received_on=date(2026, 5, 1))
    client = api_client(manager)
    url = f"{BASE}{request.pk}/"
    early = client.post(f"{url}release/")
    assert early.status_code == 409
    assert early.json()["state"] == "received"
    assert client.post(f"{url}build/").status_code == 200
    refused = client.post(f"{url}release/")
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"review"}
    items = client.get(f"{url}items/?page_size=100").json()["results"]
    marked = [item for item in items if item["needs_review"]]
    assert marked
    review = client.post(
        f"{url}review/",
        {"items": [{"id": item["id"], "decision": "release"} for item in marked]},
        format="json",
    )
    assert review.status_code == 200
    released = client.post(f"{url}release/")
    assert released.status_code == 200
    assert released.json()["state"] == "released"
    export = client.get(f"{url}export/")
    assert export.status_code == 200
    assert export["Content-Type"] == "application/zip"


def test_another_agencys_request_is_not_found(manager, manager_south, world):
    request = a_request(manager, [world.person], received_on=date(2026, 5, 1))
    client = api_client(manager_south)
    assert client.get(f"{BASE}{request.pk}/").status_code == 404
    assert client.post(f"{BASE}{request.pk}/start/").status_code == 404
    assert client.get(BASE).json()["results"] == []


def test_the_list_costs_the_same_for_many_requests(manager, world, django_assert_max_num_queries):
    for day in range(1, 11):
        a_request(manager, [world.person], received_on=date(2026, 4, day))
    client = api_client(manager)
    with django_assert_max_num_queries(12):
        listed = client.get(BASE)
    assert listed.status_code == 200
    dues = [row["response_due_on"] for row in listed.json()["results"]]
    assert dues == sorted(dues)
    assert len(dues) == 10


def test_the_people_search_answers_results_of_the_agency_only(manager, world, south):
    # given: a person of another agency with the same name
    PersonFactory(recorded_by_agency=south, first_name="Jordan", last_name="Ashdown")
    # when
    response = api_client(manager).get(f"{BASE}people/", {"q": "Jordan Ashdown"})
    # then: never a bare array, and only the agency's own record
    assert response.status_code == 200
    assert [person["id"] for person in response.json()["results"]] == [str(world.person.pk)]
