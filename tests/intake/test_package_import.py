"""The import of a referral package: each bad report refused with its line, field and
reason while the rest are kept; JSON Lines and CSV; duplicates counted and nothing
changed; a stopped import resumed without duplicates; the raw file disposed of once
every report is decided."""

import base64
import io
import json
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from jsonschema import Draft202012Validator

from agencies.models import AccessLogEntry
from cases.models import Identifier, IdentifierKind
from common.errors import AccessDenied, FileTooLarge, UnsupportedFileType, ValidationError
from intake.models import (
    IntakeItem,
    IntakePackage,
    IntakeRejection,
    IntakeReport,
    ItemState,
    PackageState,
)
from intake.package_format import package_schema
from intake.services import packages as package_services
from intake.services.packages import package_import, package_upload, packages_raw_dispose_sweep
from tests.intake.package_lines import csv_package, csv_row, jsonl, report

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 20


def _upload(member, content: bytes, content_type="application/x-ndjson", **extra):
    return package_upload(
        actor=member.user,
        file_name=extra.pop("file_name", "package.jsonl"),
        stream=io.BytesIO(content),
        content_type=content_type,
        size=len(content),
        queue_import=False,
        **extra,
    )


def _imported(member, content: bytes, content_type="application/x-ndjson") -> IntakePackage:
    package = _upload(member, content, content_type)
    return package_import(package_id=package.pk)


def _rejections(package) -> list[tuple[int, str, str]]:
    return [
        (r.line_number, r.field, r.reason)
        for r in IntakeRejection.objects.filter(package=package).order_by("line_number")
    ]


@pytest.mark.django_db
def test_a_good_package_is_imported_with_its_identifiers(officer_north):
    # given a package of two good reports
    content = jsonl(report(1), report(2))

    # when it is uploaded and imported
    package = _imported(officer_north, content)

    # then both reports are kept, with their identifiers in the one index
    assert package.state == PackageState.IMPORTED
    assert (package.processed, package.accepted, package.rejected, package.duplicates) == (
        2,
        2,
        0,
        0,
    )
    assert package.lines_done == 2
    assert package.started_at is not None and package.finished_at is not None
    first = IntakeReport.objects.get(source_report_id="180000001")
    assert first.agency_id == officer_north.agency_id
    assert first.package_id == package.pk
    assert first.line_number == 1
    assert first.youngest_age == 13
    assert first.files_hash_matched == 1
    assert first.sextortion is True
    assert first.self_harm is None  # not said: unknown, never "no"
    assert first.item is not None  # bundled
    rows = {
        (i.kind, i.value, i.platform, i.port) for i in Identifier.objects.filter(report_id=first.pk)
    }
    assert rows == {
        (IdentifierKind.EMAIL, "jo.bloggs1@example.com", "", None),
        (IdentifierKind.USERNAME, "job1", "example social", None),
        (IdentifierKind.IP_ADDRESS, "203.0.113.1", "", 443),
        (IdentifierKind.SOURCE_REPORT, "180000001", "", None),
        (IdentifierKind.PACKAGE_REFERENCE, "NCA-PKG-2026-0042", "", None),
    }
    assert set(
        Identifier.objects.filter(report_id=first.pk).values_list("agency_id", "compartment")
    ) == {(officer_north.agency_id, "case")}
    assert package.sha256 and package.size_bytes == len(content)
    assert default_storage.exists(package.stored_name)
    assert AccessLogEntry.objects.filter(
        action="intake.package.imported", object_id=str(package.pk)
    ).exists()
    assert AccessLogEntry.objects.filter(
        action="intake.package.uploaded", object_id=str(package.pk)
    ).exists()


@pytest.mark.django_db
def test_each_bad_report_is_refused_with_its_line_field_and_reason_and_the_rest_kept(
    officer_north,
):
    # given a package with a bad report of every kind between good ones
    future = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    png = base64.b64encode(PNG).decode()
    zipped = base64.b64encode(ZIP).decode()
    content = jsonl(
        report(1),
        '{"source": "ncmec_cybertip", "source_report_id": ',  # 2: malformed
        report(3, source="carrier_pigeon"),
        report(4, incident_type="shoplifting"),
        report(5, identifiers=[{"kind": "ip_address", "value": "203.0.113.9"}]),
        report(6, received_at=future),
        report(7, area=png),
        report(8, service_provider=f"data:image/png;base64,{png}"),
        report(9, postcode=None, area=zipped),
        report(10, attachment="hello"),
        report(11, identifiers=[{"kind": "email", "value": "not an email"}]),
        report(12, identifiers=[{"kind": "device_id", "value": "A" * 200}]),
        report(13),
    )

    # when it is imported
    package = _imported(officer_north, content)

    # then each bad line is refused naming the field, and the good ones are kept
    assert (package.processed, package.accepted, package.rejected, package.duplicates) == (
        13,
        2,
        11,
        0,
    )
    assert set(IntakeReport.objects.values_list("source_report_id", flat=True)) == {
        "180000001",
        "180000013",
    }
    refused = {line: (field, reason) for line, field, reason in _rejections(package)}
    assert refused[2][0] == "" and "not valid JSON" in refused[2][1]
    assert refused[3] == (
        "source",
        'Unknown source "carrier_pigeon": use one of ncmec_cybertip, nca_ceop, iwf, '
        "service_provider, public.",
    )
    assert refused[4][0] == "incident_type" and "Unknown incident type" in refused[4][1]
    assert refused[5][0] == "identifiers.0.seen_at" and "identifies nobody" in refused[5][1]
    assert refused[6] == ("received_at", "This moment is in the future.")
    assert refused[7][0] == "area" and "an image (PNG)" in refused[7][1]
    assert refused[8][0] == "service_provider" and "data: URI" in refused[8][1]
    assert refused[9][0] == "area" and "an archive (ZIP)" in refused[9][1]
    assert refused[10][0] == "attachment" and "unknown fields are refused" in refused[10][1]
    assert refused[11][0] == "identifiers.0.value" and "email" in refused[11][1]
    assert refused[12][0] == "identifiers.0.value" and "longer than a hash" in refused[12][1]
    # nothing of a refused report reaches the identifier index
    assert not Identifier.objects.filter(value="203.0.113.9").exists()


@pytest.mark.django_db
def test_a_future_ip_moment_and_a_hash_are_judged_apart(officer_north):
    future = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    sha512 = "ab" * 64  # 128 hex characters: a hash, allowed
    content = jsonl(
        report(1, identifiers=[{"kind": "ip_address", "value": "203.0.113.5", "seen_at": future}]),
        report(2, identifiers=[{"kind": "device_id", "value": sha512}]),
    )
    package = _imported(officer_north, content)
    assert (package.accepted, package.rejected) == (1, 1)
    assert _rejections(package) == [(1, "identifiers.0.seen_at", "This moment is in the future.")]


@pytest.mark.django_db
def test_a_csv_package_has_the_same_columns_flat(officer_north):
    # given a CSV package with a good row, an IP without its moment and an unknown
    # incident type
    rows = [
        csv_row(1),
        csv_row(2, identifier_3_seen_at=""),
        csv_row(3, incident_type="burglary"),
    ]
    content = csv_package(rows)

    # when it is imported
    package = _imported(officer_north, content, "text/csv")

    # then the good row is kept with its identifiers; the bad rows name their field
    assert package.format == "csv"
    assert (package.processed, package.accepted, package.rejected) == (3, 1, 2)
    kept = IntakeReport.objects.get()
    assert kept.source_report_id == "180000001"
    assert kept.sextortion is True and kept.child_at_imminent_risk is False
    assert kept.children == [{"estimated_age": 13, "location": "Northshire"}]
    assert Identifier.objects.filter(report_id=kept.pk, kind="ip_address", port=443).exists()
    refused = _rejections(package)
    assert [(line, field) for line, field, _ in refused] == [
        (3, "identifiers.2.seen_at"),
        (4, "incident_type"),
    ]


SHA256 = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
MD5 = "d41d8cd98f00b204e9800998ecf8427e"


@pytest.mark.django_db
def test_a_reports_file_hashes_are_imported_as_identifiers(officer_north):
    # given a report carrying two hashes (one written twice) and one with a bad hash
    content = jsonl(
        report(1, file_hashes=[SHA256, MD5, SHA256.lower(), "ab" * 64]),
        report(2, file_hashes=["not-a-hash"]),
    )
    # when it is imported
    package = _imported(officer_north, content)
    # then the good report holds one FILE_HASH row for each hash, normalised
    assert (package.accepted, package.rejected) == (1, 1)
    kept = IntakeReport.objects.get()
    assert set(
        Identifier.objects.filter(report_id=kept.pk, kind=IdentifierKind.FILE_HASH).values_list(
            "value", "given"
        )
    ) == {(SHA256.lower(), SHA256), (MD5, MD5), ("ab" * 64, "ab" * 64)}
    # and the bad hash refuses its report by name
    ((line, field, reason),) = _rejections(package)
    assert (line, field) == (2, "file_hashes.0")
    assert "file hash in hex" in reason


@pytest.mark.django_db
def test_reports_of_one_image_from_two_accounts_are_one_item(officer_north):
    content = jsonl(report(1, file_hashes=[SHA256]), report(2, file_hashes=[SHA256.lower()]))
    _imported(officer_north, content)
    assert IntakeItem.objects.count() == 1
    assert IntakeItem.objects.get().report_count == 2


@pytest.mark.django_db
def test_a_csv_package_has_file_hash_columns(officer_north):
    content = csv_package(
        [csv_row(1, file_hash_1=SHA256, file_hash_2=MD5), csv_row(2, file_hash_1="abc")]
    )
    package = _imported(officer_north, content, "text/csv")
    assert (package.accepted, package.rejected) == (1, 1)
    assert set(
        Identifier.objects.filter(kind=IdentifierKind.FILE_HASH).values_list("value", flat=True)
    ) == {SHA256.lower(), MD5}
    assert _rejections(package)[0][:2] == (3, "file_hashes.0")


def test_the_json_schema_validates_a_report_with_file_hashes():
    validator = Draft202012Validator(package_schema())
    assert validator.is_valid(report(1, file_hashes=[SHA256, MD5, "ab" * 64]))
    assert not validator.is_valid(report(1, file_hashes=[""]))
    assert not validator.is_valid(report(1, file_hashes=[MD5] * 51))


@pytest.mark.django_db
def test_a_csv_unknown_column_is_refused_by_name(officer_north):
    content = csv_package([csv_row(1, notes="x")])
    package = _imported(officer_north, content, "text/csv")
    assert package.rejected == 1
    assert _rejections(package)[0][:2] == (2, "notes")


@pytest.mark.django_db
def test_a_duplicate_reimport_changes_nothing_and_is_counted(officer_north):
    # given a package imported once, which repeats one of its own reports
    first = _imported(officer_north, jsonl(report(1), report(2), report(1)))
    assert (first.accepted, first.duplicates) == (2, 1)
    reports_before = set(IntakeReport.objects.values_list("id", "package_id", "line_number"))
    identifiers_before = Identifier.objects.count()
    items_before = IntakeItem.objects.count()

    # when the same reports come again (one changed in a detail) in another package
    second = _imported(officer_north, jsonl(report(1, area="Elsewhere"), report(2), report(3)))

    # then only the new one is kept; the others are counted as duplicates
    assert (second.processed, second.accepted, second.duplicates, second.rejected) == (3, 1, 2, 0)
    reports_after = set(IntakeReport.objects.values_list("id", "package_id", "line_number"))
    assert reports_before <= reports_after
    assert IntakeReport.objects.count() == 3
    assert IntakeReport.objects.get(source_report_id="180000001").area == ""
    assert Identifier.objects.count() == identifiers_before + 5
    assert IntakeItem.objects.count() == items_before + 1


@pytest.mark.django_db
def test_another_force_may_import_the_same_report(officer_north, officer_south):
    _imported(officer_north, jsonl(report(1)))
    south = _imported(officer_south, jsonl(report(1)))
    assert (south.accepted, south.duplicates) == (1, 0)


@pytest.mark.django_db
def test_a_stopped_import_resumes_without_duplicates(officer_north, monkeypatch):
    # given batches of two lines, and a bundling that fails on the second batch
    monkeypatch.setattr(package_services, "BATCH_LINES", 2)
    real_bundle = package_services.reports_bundle
    calls = {"n": 0}

    def failing_bundle(*, reports):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker lost")
        real_bundle(reports=reports)

    monkeypatch.setattr(package_services, "reports_bundle", failing_bundle)
    content = jsonl(report(1), "not json", report(3), report(4), report(1), report(6))
    package = _upload(officer_north, content)

    # when the import stops in the second batch
    with pytest.raises(RuntimeError):
        package_import(package_id=package.pk)

    # then the first batch is kept, and the package says where it stopped
    package.refresh_from_db()
    assert package.state == PackageState.FAILED
    assert "after line 2" in package.failure
    assert (package.lines_done, package.processed, package.accepted, package.rejected) == (
        2,
        2,
        1,
        1,
    )
    assert IntakeReport.objects.count() == 1

    # when it is imported again
    package = package_import(package_id=package.pk)

    # then it resumes after line 2: nothing twice, and the counters are right
    assert package.state == PackageState.IMPORTED
    assert (
        package.lines_done,
        package.processed,
        package.accepted,
        package.rejected,
        package.duplicates,
    ) == (6, 6, 4, 1, 1)
    assert sorted(IntakeReport.objects.values_list("line_number", flat=True)) == [1, 3, 4, 6]
    assert IntakeRejection.objects.filter(package=package).count() == 1
    assert Identifier.objects.filter(kind=IdentifierKind.SOURCE_REPORT).count() == 4
    # and a third run changes nothing
    again = package_import(package_id=package.pk)
    assert (again.processed, again.accepted) == (6, 4)


@pytest.mark.django_db
def test_an_unreadable_file_leaves_the_package_failed_and_resumable(officer_north):
    package = _upload(officer_north, jsonl(report(1)))
    stored = package.stored_name
    with default_storage.open(stored, "rb") as file:
        kept = file.read()
    default_storage.delete(stored)

    failed = package_import(package_id=package.pk)

    assert failed.state == PackageState.FAILED
    assert failed.failure == "The stored file cannot be read."
    assert IntakeReport.objects.count() == 0
    # the file back (restored from backup): it resumes
    default_storage.save(stored, io.BytesIO(kept))
    assert package_import(package_id=package.pk).accepted == 1


@pytest.mark.django_db
def test_too_large_is_refused_413_and_nothing_stored(officer_north, settings):
    settings.INTAKE_PACKAGE_MAX_BYTES = 100
    content = jsonl(report(1))
    with pytest.raises(FileTooLarge):
        _upload(officer_north, content)
    # a size claimed smaller than the bytes sent is caught while they are stored
    with pytest.raises(FileTooLarge):
        package_upload(
            actor=officer_north.user,
            file_name="p.jsonl",
            stream=io.BytesIO(content),
            content_type="application/x-ndjson",
            size=10,
            queue_import=False,
        )
    assert IntakePackage.objects.count() == 0
    assert default_storage.listdir("documents")[1] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "content_type", "says"),
    [
        (jsonl(report(1)), "image/png", "JSON Lines"),
        (jsonl(report(1)), "application/json", "JSON Lines"),
        (PNG, "application/x-ndjson", "an image (PNG)"),
        (ZIP, "text/csv", "an archive (ZIP)"),
        (b"\xff\xfe\x00s\x00o", "text/csv", "UTF-8"),
    ],
)
def test_a_wrong_content_type_is_refused_415_and_nothing_stored(
    officer_north, content, content_type, says
):
    with pytest.raises(UnsupportedFileType) as refused:
        _upload(officer_north, content, content_type)
    assert says in refused.value.message
    assert IntakePackage.objects.count() == 0


@pytest.mark.django_db
def test_an_empty_file_is_refused_naming_the_file(officer_north):
    with pytest.raises(ValidationError) as refused:
        _upload(officer_north, b"")
    assert refused.value.message_dict == {"file": ["The selected file is empty."]}


@pytest.mark.django_db
def test_the_same_idempotency_key_answers_the_same_package(officer_north):
    first = _upload(officer_north, jsonl(report(1)), idempotency_key="abc")
    again = _upload(officer_north, jsonl(report(1)), idempotency_key="abc")
    assert again.pk == first.pk
    assert IntakePackage.objects.count() == 1


@pytest.mark.django_db
def test_only_police_casework_imports(caseworker_harbour, admin_north):
    for member in (caseworker_harbour, admin_north):
        with pytest.raises(AccessDenied):
            _upload(member, jsonl(report(1)))
    assert IntakePackage.objects.count() == 0


@pytest.mark.django_db
def test_the_upload_queues_the_import_on_commit(officer_north, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        package = package_upload(
            actor=officer_north.user,
            file_name="p.jsonl",
            stream=io.BytesIO(jsonl(report(1))),
            content_type="application/x-ndjson",
            size=10,
        )
    package.refresh_from_db()
    assert (package.state, package.accepted) == (PackageState.IMPORTED, 1)


@pytest.mark.django_db
def test_the_raw_package_is_disposed_of_once_every_report_is_decided(
    officer_north, django_capture_on_commit_callbacks
):
    # given an imported package of two reports, one decided
    package = _imported(officer_north, jsonl(report(1), report(2)))
    stored = package.stored_name
    items = list(IntakeItem.objects.filter(reports__package=package).order_by("received_at"))
    assert len(items) == 2
    _decide(items[0], officer_north)

    # when the sweep runs, the raw file is kept
    with django_capture_on_commit_callbacks(execute=True):
        assert packages_raw_dispose_sweep() == 0
    assert default_storage.exists(stored)

    # when the other is decided too, the next sweep disposes of it, and says so
    _decide(items[1], officer_north)
    with django_capture_on_commit_callbacks(execute=True):
        assert packages_raw_dispose_sweep() == 1
    package.refresh_from_db()
    assert package.stored_name == ""
    assert package.raw_disposed_at is not None
    assert not default_storage.exists(stored)
    entry = AccessLogEntry.objects.get(action="intake.package.raw_disposed")
    assert entry.object_id == str(package.pk)
    assert entry.object_agency_slug == "northshire-police"
    # the reports stay; a second sweep finds nothing
    assert IntakeReport.objects.filter(package=package).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert packages_raw_dispose_sweep() == 0


def _decide(item, member):
    item.state = ItemState.DECIDED
    item.decision = "no_further_action"
    item.decided_at = timezone.now()
    item.decided_by = member.user
    item.decision_reason = "Test"
    item.save()


@pytest.mark.django_db
def test_a_package_still_importing_is_never_disposed_of(officer_north):
    package = _upload(officer_north, jsonl(report(1)))
    assert packages_raw_dispose_sweep() == 0
    package.refresh_from_db()
    assert package.stored_name


@pytest.mark.django_db
def test_an_overlong_line_is_refused_unread(officer_north, monkeypatch):
    monkeypatch.setattr(package_services, "MAX_LINE_BYTES", 1000)
    long_line = json.dumps(report(2, area="x" * 1200))
    package = _imported(officer_north, jsonl(report(1), long_line, report(3)))
    assert (package.accepted, package.rejected) == (2, 1)
    assert _rejections(package)[0][0] == 2


@pytest.mark.django_db
def test_the_tasks_call_the_services(officer_north):
    from intake import tasks

    package = _upload(officer_north, jsonl(report(1)))
    result = tasks.package_import.apply(args=[str(package.pk)]).get()
    assert result == {
        "state": "imported",
        "processed": 1,
        "accepted": 1,
        "rejected": 0,
        "duplicates": 0,
    }
    assert tasks.packages_raw_dispose_sweep.apply().get() == 0
