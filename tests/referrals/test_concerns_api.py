"""The urgent concern, message thread and disclosure document endpoints: what each
side may do, what is refused (404 off the referral's two sides, 409 naming the
state, 400 naming the field, 413 and 415 for a document, with nothing stored), a
retried create, the query counts of the lists, and the access log."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import AccessLogEntry
from cases.services.documents import MAX_DOCUMENT_BYTES, document_upload
from common.models import Notification
from referrals.models import Concern, ReferralDocument, ReferralMessage
from referrals.services import referral_send
from tests.factories import CaseFactory
from tests.referrals import *  # noqa: F403 (the fixtures)
from tests.referrals import at, draft, frozen
from tests.referrals.concern_world import *  # noqa: F403 (the fixtures)
from tests.referrals.concern_world import logged, read_by, told

NOW = at(2026, 3, 27, 23, 0)
TEXT_BYTES = b"Notes of the call, typed up by the caseworker.\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"


def concerns_url(referral) -> str:
    return f"/api/v1/referrals/{referral.pk}/concerns/"


def a_concern(**overrides) -> dict:
    return {
        "kind": "new_disclosure",
        "heard": "She said the man has a second account and has messaged her again.",
        "heard_at": "2026-03-27T22:30:00Z",
        "heard_from": "The victim, by phone",
        **overrides,
    }


def stored_files() -> list[str]:
    root = Path(default_storage.location)
    if not root.exists():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def _friday_night():
    with frozen(NOW):
        yield


# --- Raising and reading


def test_the_receiver_raises_a_concern_and_both_sides_read_it(
    api_for, harbour_referral, caseworker_harbour, officer_north
):
    # when
    response = api_for(caseworker_harbour).post(
        concerns_url(harbour_referral), a_concern(), format="json"
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    concern = Concern.objects.get()
    assert response["Location"] == f"/api/v1/referrals/{harbour_referral.pk}/concerns/{concern.pk}/"
    assert response["ETag"] == '"1"'
    assert {key: body[key] for key in ("kind", "state", "urgent", "compartment", "heard_from")} == {
        "kind": "new_disclosure",
        "state": "raised",
        "urgent": True,
        "compartment": "victim",
        "heard_from": "The victim, by phone",
    }
    assert body["acknowledge_due_at"] == "2026-03-28T01:00:00Z"
    assert body["raised_by_agency"] == {
        "slug": "harbour-victim-support",
        "name": "Harbour Victim Support",
    }
    # the sending side reads the list and the one
    listed = api_for(officer_north).get(concerns_url(harbour_referral))
    assert [item["id"] for item in listed.json()["results"]] == [str(concern.pk)]
    one = api_for(officer_north).get(f"{concerns_url(harbour_referral)}{concern.pk}/")
    assert one.status_code == 200
    # each read of it is logged: the list that showed it, and the concern itself
    assert len(read_by("officer.north", f"concern:{concern.pk}")) == 2


def test_a_concern_with_a_document_and_its_download_is_logged(
    api_for, harbour_referral, caseworker_harbour, officer_north
):
    # when
    response = api_for(caseworker_harbour).post(
        concerns_url(harbour_referral),
        {**a_concern(), "document": SimpleUploadedFile("call notes.txt", TEXT_BYTES)},
        format="multipart",
    )
    # then
    assert response.status_code == 201, response.content
    document = response.json()["document"]
    assert (document["title"], document["size"]) == ("call notes.txt", len(TEXT_BYTES))
    download = api_for(officer_north).get(document["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == TEXT_BYTES
    assert download["Content-Disposition"].startswith("attachment;")
    assert read_by("officer.north", f"referral_document:{document['id']}")


def test_an_image_is_refused_with_415_and_nothing_is_stored(
    api_for, harbour_referral, caseworker_harbour
):
    response = api_for(caseworker_harbour).post(
        concerns_url(harbour_referral),
        {**a_concern(), "document": SimpleUploadedFile("notes.pdf", PNG_BYTES)},
        format="multipart",
    )
    assert response.status_code == 415
    assert response.json()["detail"].startswith("This looks like an image (PNG).")
    assert (Concern.objects.count(), ReferralDocument.objects.count()) == (0, 0)
    assert stored_files() == []
    assert not Notification.objects.filter(kind__startswith="referrals.urgent_").exists()


def test_a_document_over_10_mb_is_refused_with_413(api_for, harbour_referral, caseworker_harbour):
    data = TEXT_BYTES + b"a" * (MAX_DOCUMENT_BYTES + 1 - len(TEXT_BYTES))
    response = api_for(caseworker_harbour).post(
        concerns_url(harbour_referral),
        {**a_concern(), "document": SimpleUploadedFile("big.txt", data)},
        format="multipart",
    )
    assert response.status_code == 413
    assert (Concern.objects.count(), stored_files()) == (0, [])


def test_a_retried_concern_with_the_same_key_is_raised_once(
    api_for, harbour_referral, caseworker_harbour
):
    client = api_for(caseworker_harbour)
    first = client.post(
        concerns_url(harbour_referral), a_concern(), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = client.post(
        concerns_url(harbour_referral), a_concern(), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Concern.objects.count() == 1
    assert len(told("referrals.urgent_")) == 3


# --- Refusals


def test_a_concern_on_someone_elses_referral_is_404_and_nothing_changes(
    api_for, harbour_referral, officer_south, caseworker_lighthouse
):
    for outsider in (officer_south, caseworker_lighthouse):
        response = api_for(outsider).post(
            concerns_url(harbour_referral), a_concern(), format="json"
        )
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
        assert api_for(outsider).get(concerns_url(harbour_referral)).status_code == 404
    assert Concern.objects.count() == 0
    assert logged("referrals.referral.viewed")[-1] == ("caseworker.lighthouse", "denied")


def test_empty_fields_are_named_and_a_draft_or_the_wrong_side_is_409(
    api_for, harbour_referral, caseworker_harbour, officer_north, concern_case, harbour, victim
):
    empty = api_for(caseworker_harbour).post(concerns_url(harbour_referral), {}, format="json")
    assert empty.status_code == 400
    assert set(empty.json()["errors"]) == {"kind", "heard", "heard_at", "heard_from"}
    blank = api_for(caseworker_harbour).post(
        concerns_url(harbour_referral), a_concern(heard="   "), format="json"
    )
    assert blank.status_code == 400
    assert list(blank.json()["errors"]) == ["heard"]
    own_side = api_for(officer_north).post(
        concerns_url(harbour_referral), a_concern(), format="json"
    )
    assert own_side.status_code == 409
    assert own_side.json()["state"] == "accepted"
    a_draft = draft(officer_north, concern_case, harbour, [victim])
    on_draft = api_for(officer_north).post(concerns_url(a_draft), a_concern(), format="json")
    assert on_draft.status_code == 409
    assert on_draft.json()["state"] == "draft"
    assert Concern.objects.count() == 0


def test_acknowledging_twice_is_409_naming_the_state(
    api_for, harbour_referral, caseworker_harbour, officer_north, supervisor_north
):
    concern_id = (
        api_for(caseworker_harbour)
        .post(concerns_url(harbour_referral), a_concern(), format="json")
        .json()["id"]
    )
    url = f"{concerns_url(harbour_referral)}{concern_id}/acknowledge/"
    no_words = api_for(officer_north).post(url, {"action_taken": ""}, format="json")
    assert no_words.status_code == 400
    assert list(no_words.json()["errors"]) == ["action_taken"]
    first = api_for(officer_north).post(url, {"action_taken": "Phoned her mother."}, format="json")
    assert first.status_code == 200
    assert (first.json()["state"], first.json()["urgent"]) == ("acknowledged", False)
    again = api_for(supervisor_north).post(url, {"action_taken": "Again."}, format="json")
    assert again.status_code == 409
    assert again.json()["state"] == "acknowledged"
    assert Concern.objects.get().action_taken == "Phoned her mother."
    # the partner may not acknowledge at all (its role may not)
    assert (
        api_for(caseworker_harbour).post(url, {"action_taken": "x"}, format="json").status_code
        == 404
    )


def test_a_flag_and_a_contact_from_an_acknowledged_concern(
    api_for, harbour_referral, caseworker_harbour, officer_north, victim
):
    concern_id = (
        api_for(caseworker_harbour)
        .post(
            concerns_url(harbour_referral),
            a_concern(kind="suicide_self_harm", subject=str(victim.pk)),
            format="json",
        )
        .json()["id"]
    )
    base = f"{concerns_url(harbour_referral)}{concern_id}/"
    client = api_for(officer_north)
    early = client.post(
        f"{base}flag/",
        {
            "kind": "suicide_self_harm",
            "reason": "Said she wanted to die.",
            "review_on": "2026-04-03",
        },
        format="json",
    )
    assert early.status_code == 409
    client.post(f"{base}acknowledge/", {"action_taken": "Visited tonight."}, format="json")
    flagged = client.post(
        f"{base}flag/",
        {
            "kind": "suicide_self_harm",
            "reason": "Said she wanted to die.",
            "review_on": "2026-04-03",
        },
        format="json",
    )
    assert flagged.status_code == 200, flagged.content
    contacted = client.post(
        f"{base}contact/",
        {"channel": "visit", "summary": "Safety plan agreed with her mother."},
        format="json",
    )
    assert contacted.status_code == 200, contacted.content
    assert (contacted.json()["flag_raised"], contacted.json()["contact_logged"]) == (True, True)


def test_the_concern_list_takes_the_same_queries_for_one_or_many(
    api_for, harbour_referral, caseworker_harbour, officer_north
):
    client = api_for(caseworker_harbour)
    client.post(concerns_url(harbour_referral), a_concern(), format="json")
    reader = api_for(officer_north)
    with CaptureQueriesContext(connection) as one:
        reader.get(concerns_url(harbour_referral))
    for _ in range(4):
        client.post(concerns_url(harbour_referral), a_concern(), format="json")
    with CaptureQueriesContext(connection) as five:
        response = reader.get(concerns_url(harbour_referral))
    assert len(response.json()["results"]) == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_the_thread_takes_the_same_queries_for_one_message_or_many(
    api_for, harbour_referral, caseworker_harbour, officer_north
):
    url = f"/api/v1/referrals/{harbour_referral.pk}/messages/"
    writer, reader = api_for(caseworker_harbour), api_for(officer_north)
    writer.post(url, {"body": "One."}, format="json")
    with CaptureQueriesContext(connection) as one:
        reader.get(url)
    for number in range(4):
        writer.post(url, {"body": f"More {number}."}, format="json")
    with CaptureQueriesContext(connection) as five:
        response = reader.get(url)
    assert len(response.json()["results"]) == 5
    assert len(five.captured_queries) == len(one.captured_queries)


# --- The message thread


def test_the_two_sides_write_to_each_other_and_each_is_told_without_the_words(
    api_for, harbour_referral, caseworker_harbour, officer_north, django_capture_on_commit_callbacks
):
    url = f"/api/v1/referrals/{harbour_referral.pk}/messages/"
    with django_capture_on_commit_callbacks(execute=True):
        posted = api_for(caseworker_harbour).post(
            url, {"body": "Robin would rather be called after school."}, format="json"
        )
        api_for(officer_north).post(url, {"body": "Thank you, noted."}, format="json")
    assert posted.status_code == 201
    assert posted.json()["side"] == "receiver"
    listed = api_for(officer_north).get(url).json()["results"]
    assert [(m["side"], m["body"]) for m in listed] == [
        ("receiver", "Robin would rather be called after school."),
        ("sender", "Thank you, noted."),
    ]
    assert told("referrals.message_") == [
        ("caseworker.harbour", "referrals.message_posted"),
        ("officer.north", "referrals.message_posted"),
    ]
    notification = Notification.objects.get(
        user__username="officer.north", kind="referrals.message_posted"
    )
    assert notification.message == (
        "Harbour Victim Support has written to you about a referral your agency sent."
    )
    assert "Robin" not in notification.message
    assert [
        m.history.get().history_user for m in ReferralMessage.objects.order_by("posted_at")
    ] == [
        caseworker_harbour.user,
        officer_north.user,
    ]
    assert logged("referrals.message.posted") == [
        ("caseworker.harbour", "allowed"),
        ("officer.north", "allowed"),
    ]
    assert AccessLogEntry.objects.filter(
        username="officer.north", endpoint=url, method="GET", outcome="allowed"
    ).exists()


def test_the_thread_is_closed_to_third_agencies_and_to_drafts(
    api_for,
    harbour_referral,
    officer_south,
    caseworker_lighthouse,
    officer_north,
    concern_case,
    harbour,
    victim,
):
    url = f"/api/v1/referrals/{harbour_referral.pk}/messages/"
    for outsider in (officer_south, caseworker_lighthouse):
        assert api_for(outsider).get(url).status_code == 404
        assert api_for(outsider).post(url, {"body": "Hello"}, format="json").status_code == 404
    a_draft = draft(officer_north, concern_case, harbour, [victim])
    on_draft = api_for(officer_north).post(
        f"/api/v1/referrals/{a_draft.pk}/messages/", {"body": "Hello"}, format="json"
    )
    assert on_draft.status_code == 409
    assert on_draft.json()["state"] == "draft"
    empty = api_for(officer_north).post(url, {"body": ""}, format="json")
    assert empty.status_code == 400
    assert list(empty.json()["errors"]) == ["body"]
    assert ReferralMessage.objects.count() == 0


# --- Documents shared with a disclosure


def test_documents_shared_with_a_disclosure_are_fixed_when_it_is_sent(
    api_for, officer_north, caseworker_harbour, officer_south, concern_case, harbour, victim
):
    # given: a draft, and a document of the case
    referral = draft(officer_north, concern_case, harbour, [victim])
    case_document = document_upload(
        actor=officer_north.user,
        case=concern_case,
        uploaded_file=SimpleUploadedFile("statement.txt", TEXT_BYTES),
        title="Statement",
    )
    url = f"/api/v1/referrals/{referral.pk}/documents/"
    # the receiver cannot see a draft, nor its documents
    assert api_for(caseworker_harbour).get(url).status_code == 404
    # when: shared, and sent
    shared = api_for(officer_north).post(
        url, {"case_document": str(case_document.pk)}, format="json"
    )
    assert shared.status_code == 201, shared.content
    referral = referral_send(actor=officer_north.user, referral=referral)
    # then: the snapshot names it, and nothing more can be shared or removed
    assert [d["title"] for d in referral.disclosure["documents"]] == ["Statement"]
    again = api_for(officer_north).post(
        url, {"case_document": str(case_document.pk)}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["state"] == "sent"
    removed = api_for(officer_north).delete(f"{url}{shared.json()['id']}/")
    assert removed.status_code == 409
    # even when the case's own file is gone, the receiver downloads what was sent
    default_storage.delete(case_document.stored_name)
    listed = api_for(caseworker_harbour).get(url).json()["results"]
    assert [d["title"] for d in listed] == ["Statement"]
    download = api_for(caseworker_harbour).get(listed[0]["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == TEXT_BYTES
    assert read_by("caseworker.harbour", f"referral_document:{listed[0]['id']}")
    # a third agency gets nothing
    assert api_for(officer_south).get(listed[0]["download_url"]).status_code == 404


def test_a_document_of_another_case_is_refused_naming_the_field(
    api_for, officer_north, concern_case, harbour, victim, north
):
    referral = draft(officer_north, concern_case, harbour, [victim])
    elsewhere = document_upload(
        actor=officer_north.user,
        case=CaseFactory(owning_agency=north),
        uploaded_file=SimpleUploadedFile("other.txt", TEXT_BYTES),
    )
    response = api_for(officer_north).post(
        f"/api/v1/referrals/{referral.pk}/documents/",
        {"case_document": str(elsewhere.pk)},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["case_document"]
    assert ReferralDocument.objects.count() == 0
