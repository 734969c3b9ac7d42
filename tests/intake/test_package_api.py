"""The packages API: 202 with the status URL, progress, the rejected lines, the
schema; 413 and 415; Idempotency-Key; another force's package is not found."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from jsonschema import Draft202012Validator

from intake.models import IntakePackage, PackageState
from intake.services.packages import package_import, package_upload
from tests.helpers import api_client
from tests.intake.package_lines import jsonl, report


def _post(client, content: bytes, name="package.jsonl", content_type="application/x-ndjson", **h):
    return client.post(
        "/api/v1/intake/packages/",
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        format="multipart",
        **h,
    )


@pytest.mark.django_db
def test_an_upload_answers_202_with_its_status_url_and_the_status_shows_progress(
    officer_north, django_capture_on_commit_callbacks
):
    # given a package with a good report and a bad one
    client = api_client(officer_north)

    # when it is posted
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, jsonl(report(1), report(2, source="carrier_pigeon")))

    # then 202, naming where to follow it
    assert response.status_code == 202, response.content
    package = IntakePackage.objects.get()
    status_url = f"/api/v1/intake/packages/{package.pk}/"
    assert response["Location"] == status_url
    assert response.json()["status_url"] == status_url
    assert response.json()["state"] == "queued"

    # and the status says what the import did
    status = client.get(status_url)
    assert status.status_code == 200
    body = status.json()
    assert {k: body[k] for k in ("state", "processed", "accepted", "rejected", "duplicates")} == {
        "state": "imported",
        "processed": 2,
        "accepted": 1,
        "rejected": 1,
        "duplicates": 0,
    }
    assert body["lines_done"] == 2
    assert body["raw_kept"] is True and body["raw_disposed_at"] is None
    assert body["started_at"] and body["finished_at"]

    # and the rejected line is listed with its field and reason
    rejections = client.get(body["rejections_url"])
    assert rejections.status_code == 200
    assert rejections.json()["results"] == [
        {
            "line_number": 2,
            "field": "source",
            "reason": 'Unknown source "carrier_pigeon": use one of ncmec_cybertip, nca_ceop, '
            "iwf, service_provider, public.",
        }
    ]


@pytest.mark.django_db
def test_a_raw_body_with_its_content_type_is_accepted(officer_north):
    client = api_client(officer_north)
    response = client.generic(
        "POST", "/api/v1/intake/packages/", jsonl(report(1)), content_type="application/x-ndjson"
    )
    assert response.status_code == 202, response.content
    assert IntakePackage.objects.get().file_name == "package.jsonl"


@pytest.mark.django_db
def test_a_raw_body_of_another_type_is_refused_415(officer_north):
    client = api_client(officer_north)
    response = client.generic(
        "POST", "/api/v1/intake/packages/", b"\x89PNG\r\n\x1a\n", content_type="image/png"
    )
    assert response.status_code == 415
    assert IntakePackage.objects.count() == 0


@pytest.mark.django_db
def test_an_image_sent_as_json_lines_is_refused_415(officer_north):
    response = _post(api_client(officer_north), b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40)
    assert response.status_code == 415
    assert "an image (JPEG)" in response.json()["detail"]
    assert IntakePackage.objects.count() == 0


@pytest.mark.django_db
def test_a_file_of_another_type_is_refused_415(officer_north):
    response = _post(
        api_client(officer_north), b"hello", name="notes.txt", content_type="text/plain"
    )
    assert response.status_code == 415
    assert IntakePackage.objects.count() == 0


@pytest.mark.django_db
def test_a_package_over_the_limit_is_refused_413(officer_north, settings):
    settings.INTAKE_PACKAGE_MAX_BYTES = 200
    response = _post(api_client(officer_north), jsonl(report(1), report(2)))
    assert response.status_code == 413
    assert response.json()["detail"] == "The package must be 200 bytes or smaller."
    assert IntakePackage.objects.count() == 0


@pytest.mark.django_db
def test_a_large_declared_body_is_refused_413_before_it_is_read(officer_north, settings):
    settings.INTAKE_PACKAGE_MAX_BYTES = 10
    response = _post(api_client(officer_north), jsonl(*(report(n) for n in range(1, 120))))
    assert response.status_code == 413
    assert response.json()["detail"] == "The package must be 10 bytes or smaller."
    assert IntakePackage.objects.count() == 0


@pytest.mark.django_db
def test_the_same_idempotency_key_replays_and_creates_once(officer_north):
    client = api_client(officer_north)
    content = jsonl(report(1))
    first = _post(client, content, HTTP_IDEMPOTENCY_KEY="k-1")
    again = _post(client, content, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert again["Location"] == first["Location"]
    assert IntakePackage.objects.count() == 1


@pytest.mark.django_db
def test_another_forces_package_is_not_found(officer_north, officer_south, caseworker_harbour):
    # given a northshire package
    package = package_upload(
        actor=officer_north.user,
        file_name="p.jsonl",
        stream=io.BytesIO(jsonl(report(1, source="x"))),
        content_type="application/x-ndjson",
        size=100,
        queue_import=False,
    )
    package_import(package_id=package.pk)

    # then southshire sees neither it, its rejections, nor it in its list
    south = api_client(officer_south)
    assert south.get(f"/api/v1/intake/packages/{package.pk}/").status_code == 404
    assert south.get(f"/api/v1/intake/packages/{package.pk}/rejections/").status_code == 404
    assert south.get("/api/v1/intake/packages/").json()["results"] == []
    # and a charity may not use it at all
    harbour = api_client(caseworker_harbour)
    assert harbour.get(f"/api/v1/intake/packages/{package.pk}/").status_code == 404
    assert harbour.get("/api/v1/intake/packages/").status_code == 403


@pytest.mark.django_db
def test_the_package_list_is_paged_with_a_pinned_query_count(
    officer_north, django_assert_max_num_queries
):
    for n in range(3):
        package_upload(
            actor=officer_north.user,
            file_name=f"p{n}.jsonl",
            stream=io.BytesIO(jsonl(report(n + 1))),
            content_type="application/x-ndjson",
            size=100,
            queue_import=False,
        )
    client = api_client(officer_north)
    client.get("/api/v1/intake/packages/")  # warm the membership cache
    with django_assert_max_num_queries(6):
        page = client.get("/api/v1/intake/packages/?page_size=2")
    assert page.status_code == 200
    assert [p["file_name"] for p in page.json()["results"]] == ["p2.jsonl", "p1.jsonl"]
    more = client.get(page.json()["next"])
    assert [p["file_name"] for p in more.json()["results"]] == ["p0.jsonl"]
    assert {p["state"] for p in more.json()["results"]} == {PackageState.QUEUED}


@pytest.mark.django_db
def test_the_schema_is_a_json_schema_that_checks_a_report(officer_north):
    response = api_client(officer_north).get("/api/v1/intake/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/schema+json")
    schema = json.loads(response.content)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert Draft202012Validator(schema).is_valid(report(1))
    assert not Draft202012Validator(schema).is_valid(report(1, attachment="x"))
    assert not Draft202012Validator(schema).is_valid(
        report(1, identifiers=[{"kind": "ip_address", "value": "203.0.113.5"}])
    )


@pytest.mark.django_db
@pytest.mark.parametrize("asked", ["?format=json", "?format=AAA", ""])
def test_the_schema_has_one_representation_whatever_is_asked(officer_north, asked):
    # Schemathesis found `?format=AAA` answered 404 when two renderers were offered.
    response = api_client(officer_north).get(
        f"/api/v1/intake/schema/{asked}", HTTP_ACCEPT="text/html"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/schema+json")


@pytest.mark.django_db
def test_a_stopped_import_is_resumed_and_any_other_state_is_409(
    officer_north, django_capture_on_commit_callbacks
):
    # given a package whose import stopped after it was stored
    package = package_upload(
        actor=officer_north.user,
        file_name="p.jsonl",
        stream=io.BytesIO(jsonl(report(1), report(2))),
        content_type="application/x-ndjson",
        size=100,
        queue_import=False,
    )
    IntakePackage.objects.filter(pk=package.pk).update(state=PackageState.FAILED, failure="x")
    client = api_client(officer_north)

    # when it is resumed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/intake/packages/{package.pk}/resume/")

    # then it is queued and imported
    assert response.status_code == 202
    assert response["Location"] == f"/api/v1/intake/packages/{package.pk}/"
    package.refresh_from_db()
    assert (package.state, package.accepted) == (PackageState.IMPORTED, 2)

    # and an imported package cannot be resumed: 409 naming its state, nothing changed
    again = client.post(f"/api/v1/intake/packages/{package.pk}/resume/")
    assert again.status_code == 409
    assert again.json()["state"] == "imported"
    package.refresh_from_db()
    assert package.state == PackageState.IMPORTED


@pytest.mark.django_db
def test_a_raw_body_past_the_apis_body_limit_is_judged_by_the_package_limit(
    officer_north, settings
):
    # given: a package larger than the API's limit for a body, within the package's
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 256
    content = jsonl(report(1), report(2), report(3))
    assert len(content) > 256
    # when
    response = api_client(officer_north).generic(
        "POST", "/api/v1/intake/packages/", content, content_type="application/x-ndjson"
    )
    # then: the body was streamed to the view, which took it
    assert response.status_code == 202, response.content
    assert IntakePackage.objects.get().size_bytes == len(content)
