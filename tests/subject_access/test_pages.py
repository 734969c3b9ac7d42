"""The records manager's pages: the list (soonest due first, queries pinned), the
form (a future date refused naming it), the request page, the review and release,
and the download; casework roles find no such page."""

from datetime import date

import pytest

from subject_access.models import RequestState, SubjectAccessRequest
from tests.factories_subject_access import a_request
from tests.helpers import signed_in_client
from tests.subject_access.conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


def test_the_list_shows_the_soonest_due_first_in_constant_queries(
    manager, world, django_assert_max_num_queries
):
    late = a_request(manager, [world.person], received_on=date(2026, 5, 1))
    soon = a_request(manager, [world.person], received_on=date(2026, 4, 1))
    for day in range(2, 12):
        a_request(manager, [world.person], received_on=date(2026, 4, day))
    client = signed_in_client(manager)
    with django_assert_max_num_queries(16):
        page = client.get("/subject-access-requests/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index(soon.reference) < html.index(late.reference)
    assert "Jordan" not in html  # the list names no subject


def test_the_form_refuses_a_future_date_naming_it(manager, world):
    client = signed_in_client(manager)
    found = client.get("/subject-access-requests/new/", {"q": "Jordan Ashdown"})
    assert "Jordan Ashdown" in found.content.decode()
    refused = client.post(
        "/subject-access-requests/new/",
        {
            "subjects": [str(world.person.pk)],
            "legal_basis": "uk_gdpr_article_15",
            "received_on": "13/05/2026",
            "requester_name": "Sam Requester",
            "requester_relationship": "self",
            "identity_check": "documents_seen",
        },
    )
    assert refused.status_code == 400
    assert 'href="#id_received_on"' in refused.content.decode()
    assert SubjectAccessRequest.objects.count() == 0
    made = client.post(
        "/subject-access-requests/new/",
        {
            "subjects": [str(world.person.pk)],
            "legal_basis": "uk_gdpr_article_15",
            "received_on": "01/05/2026",
            "requester_name": "Sam Requester",
            "requester_relationship": "self",
            "identity_check": "documents_seen",
        },
    )
    assert made.status_code == 302
    request = SubjectAccessRequest.objects.get()
    assert made["Location"] == f"/subject-access-requests/{request.pk}/"


def test_build_review_release_and_download_through_the_pages(manager, world):
    request = a_request(manager, [world.person], received_on=date(2026, 5, 1))
    client = signed_in_client(manager)
    base = f"/subject-access-requests/{request.pk}/"
    assert "1 June 2026" in client.get(base).content.decode()
    client.post(f"{base}build/", {"version": 1})
    request.refresh_from_db()
    assert request.state == RequestState.IN_REVIEW
    # release before the review: refused, nothing changed
    client.post(f"{base}release/", {"version": request.version})
    request.refresh_from_db()
    assert request.state == RequestState.IN_REVIEW
    form = client.get(f"{base}review/")
    assert "Morgan Blakeley" in form.content.decode()
    answers = {"version": request.version}
    for item in request.items.filter(needs_review=True):
        answers[f"item_{item.position}_decision"] = "release"
    assert client.post(f"{base}review/", answers).status_code == 302
    request.refresh_from_db()
    client.post(f"{base}release/", {"version": request.version})
    request.refresh_from_db()
    assert request.state == RequestState.RELEASED
    download = client.get(f"{base}export.zip")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"


def test_a_caseworker_finds_no_such_page(officer_north, manager, world):
    request = a_request(manager, [world.person], received_on=date(2026, 5, 1))
    client = signed_in_client(officer_north)
    assert client.get("/subject-access-requests/").status_code == 404
    assert client.get(f"/subject-access-requests/{request.pk}/").status_code == 404
