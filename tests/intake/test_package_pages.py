"""The package pages: upload (errors naming the file), the force's packages, and a
package's progress and rejected lines; another force's package is not there."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from intake.models import IntakePackage, PackageState
from intake.services.packages import package_import, package_upload
from tests.helpers import signed_in_client
from tests.intake.package_lines import jsonl, report


def _package(member, content: bytes, *, imported=True) -> IntakePackage:
    package = package_upload(
        actor=member.user,
        file_name="cybertips.jsonl",
        stream=io.BytesIO(content),
        content_type="application/x-ndjson",
        size=len(content),
        queue_import=False,
    )
    return package_import(package_id=package.pk) if imported else package


@pytest.mark.django_db
def test_the_upload_page_imports_and_shows_progress_and_the_rejected_lines(
    officer_north, django_capture_on_commit_callbacks
):
    browser = signed_in_client(officer_north)
    assert browser.get("/intake/packages/new/").status_code == 200

    # when a package is uploaded as a browser sends it (no JavaScript)
    content = jsonl(report(1), "{not json", report(3, incident_type="burglary"))
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            "/intake/packages/new/",
            {"file": SimpleUploadedFile("cybertips.jsonl", content, "application/octet-stream")},
        )

    # then its page shows the progress and names the bad lines
    package = IntakePackage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/intake/packages/{package.pk}/"
    page = browser.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Imported" in html
    assert "Refresh" not in page.headers
    assert "<code>incident_type</code>" in html
    assert "Unknown incident type" in html
    assert "not valid JSON" in html
    package.refresh_from_db()
    assert (package.processed, package.accepted, package.rejected) == (3, 1, 2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "says"),
    [
        (None, "Select a referral package to upload."),
        (
            SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 30),
            "A package must be JSON Lines",
        ),
        (
            SimpleUploadedFile(
                "p.jsonl", b"\x89PNG\r\n\x1a\n" + b"\0" * 30, "application/octet-stream"
            ),
            "This looks like an image (PNG)",
        ),
    ],
)
def test_a_refused_upload_says_why_on_the_file_field(officer_north, upload, says):
    browser = signed_in_client(officer_north)
    response = browser.post("/intake/packages/new/", {"file": upload} if upload else {})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'class="govuk-error-message"' in html
    assert says in html
    assert IntakePackage.objects.count() == 0


@pytest.mark.django_db
def test_a_package_too_large_is_refused_on_the_file_field(officer_north, settings):
    settings.INTAKE_PACKAGE_MAX_BYTES = 100
    browser = signed_in_client(officer_north)
    response = browser.post(
        "/intake/packages/new/", {"file": SimpleUploadedFile("p.jsonl", jsonl(report(1)))}
    )
    assert "The package must be 100 bytes or smaller." in response.content.decode()
    assert IntakePackage.objects.count() == 0


@pytest.mark.django_db
def test_a_package_still_importing_refreshes_itself(officer_north):
    package = _package(officer_north, jsonl(report(1)), imported=False)
    page = signed_in_client(officer_north).get(f"/intake/packages/{package.pk}/")
    assert page.status_code == 200
    assert page["Refresh"] == "5"
    assert "Refresh the progress now" in page.content.decode()
    assert package.state == PackageState.QUEUED


@pytest.mark.django_db
def test_the_packages_list_and_another_forces_package(officer_north, officer_south):
    package = _package(officer_north, jsonl(report(1)))
    north = signed_in_client(officer_north)
    listing = north.get("/intake/packages/")
    assert listing.status_code == 200
    assert "cybertips.jsonl" in listing.content.decode()
    south = signed_in_client(officer_south)
    assert south.get(f"/intake/packages/{package.pk}/").status_code == 404
    assert "cybertips.jsonl" not in south.get("/intake/packages/").content.decode()


@pytest.mark.django_db
def test_the_rejected_lines_are_paged_by_keyset(officer_north, monkeypatch):
    from intake.views import packages as package_pages

    monkeypatch.setattr(package_pages, "REJECTIONS_PER_PAGE", 2)
    package = _package(officer_north, jsonl("x1", "x2", "x3", report(4)))
    browser = signed_in_client(officer_north)
    first = browser.get(f"/intake/packages/{package.pk}/")
    html = first.content.decode()
    assert html.count('<td class="govuk-table__cell govuk-table__cell--numeric">') == 2
    assert 'rel="next"' in html
    assert "?page=" not in html and "offset" not in html


@pytest.mark.django_db
def test_a_stopped_package_offers_to_resume(officer_north, django_capture_on_commit_callbacks):
    package = _package(officer_north, jsonl(report(1)), imported=False)
    IntakePackage.objects.filter(pk=package.pk).update(
        state=PackageState.FAILED, failure="Stopped after line 0: OperationalError."
    )
    browser = signed_in_client(officer_north)
    page = browser.get(f"/intake/packages/{package.pk}/").content.decode()
    assert "Resume the import" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(f"/intake/packages/{package.pk}/resume/")
    assert response.status_code == 302
    package.refresh_from_db()
    assert (package.state, package.accepted) == (PackageState.IMPORTED, 1)
