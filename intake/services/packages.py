"""Referral packages: the upload (checked, stored, queued), the import (streamed, in
batches that each commit with the progress, so a stopped import resumes without
duplicates) and the retention of the raw file (disposed of once every report in it
has been decided).

The format itself, and what refuses a report, is intake.package_format's.
"""

import codecs
import functools
import hashlib
import io
import logging
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, cast

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from agencies.access import require
from agencies.audit import access_log_record
from agencies.models import Compartment
from cases.filetypes.signatures import media_start, never_a_document
from cases.models import Identifier, IdentifierKind, identifier_normalise
from cases.services.documents import STORAGE_FOLDER, document_name_clean
from common.errors import FileTooLarge, InvalidState, UnsupportedFileType, ValidationError
from intake.models import (
    IntakePackage,
    IntakeRejection,
    IntakeReport,
    ItemState,
    PackageFormat,
    PackageState,
)
from intake.package_format import (
    MAX_LINE_BYTES,
    ParsedReport,
    ReportRefused,
    csv_rows,
    json_line_parse,
    report_parse,
)
from intake.services.bundling import reports_bundle

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
# Lines a batch reads before it commits the reports, their identifiers, the
# rejections and the progress, in one transaction.
BATCH_LINES = 500
HEAD_BYTES = 64 * 1024
_CHUNK = 1024 * 1024

# The content types a package may be sent as (and the file endings a browser's upload
# is judged by when it says only application/octet-stream).
JSON_LINES_TYPES = frozenset(
    {"application/x-ndjson", "application/jsonl", "application/json-lines"}
)
CSV_TYPES = frozenset({"text/csv"})
PACKAGE_CONTENT_TYPES = JSON_LINES_TYPES | CSV_TYPES
_ENDINGS = {".jsonl": "application/jsonl", ".ndjson": "application/x-ndjson", ".csv": "text/csv"}
PACKAGE_IMPORT_TASK = "intake.tasks.package_import"


def package_max_bytes() -> int:
    return int(getattr(settings, "INTAKE_PACKAGE_MAX_BYTES", DEFAULT_MAX_BYTES))


def size_text(size: int) -> str:
    """A size limit in words: 200 MB, 64 KB, 100 bytes."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    if size >= 1024:
        return f"{size / 1024:g} KB"
    return f"{size} bytes"


def package_content_type_guess(*, declared: str, file_name: str) -> str:
    """The content type to judge an upload by: the one declared when it is a package
    type, else the one its name's ending says (a browser sends a .jsonl file as
    application/octet-stream), else the declared one (which is then refused)."""
    media_type = (declared or "").split(";")[0].strip().lower()
    if media_type in PACKAGE_CONTENT_TYPES:
        return media_type
    lowered = (file_name or "").lower()
    for ending, content_type in _ENDINGS.items():
        if lowered.endswith(ending) and media_type in ("", "application/octet-stream"):
            return content_type
    if media_type in ("application/vnd.ms-excel",) and lowered.endswith(".csv"):
        return "text/csv"
    return media_type


def _format_for(content_type: str) -> str:
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type in JSON_LINES_TYPES:
        return PackageFormat.JSON_LINES
    if media_type in CSV_TYPES:
        return PackageFormat.CSV
    raise UnsupportedFileType(
        f'A package must be JSON Lines (application/x-ndjson) or CSV (text/csv), not "'
        f'{media_type or "no type"}".'
    )


def _head_judge(head: bytes) -> None:
    """415 unless the start of the content is UTF-8 text: never an image, video or
    archive, whatever type it was sent as."""
    looks_like = never_a_document(head) or media_start(head)
    if looks_like:
        raise UnsupportedFileType(
            f"This looks like {looks_like}. A package is UTF-8 text (JSON Lines or CSV) "
            "and never carries content."
        )
    if b"\x00" in head:
        raise UnsupportedFileType("A package is UTF-8 text (JSON Lines or CSV): this is binary.")
    try:
        codecs.getincrementaldecoder("utf-8")(errors="strict").decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise UnsupportedFileType(
            "A package is UTF-8 text (JSON Lines or CSV): this is not UTF-8."
        ) from exc


class _CountedFile(File):  # type: ignore[type-arg]
    """The upload as storage reads it, hashed and counted on the way, and cut off
    (FileTooLarge) as soon as it passes the limit, whatever size it claimed."""

    def __init__(self, stream: IO[bytes], head: bytes, limit: int) -> None:
        super().__init__(stream)
        self._stream, self._head, self._limit = stream, head, limit
        self.digest = hashlib.sha256()
        self.counted = 0
        self._restartable = _seekable(stream)

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0  # storage rewinds before it reads: `chunks` starts from the head

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        self.digest, self.counted = hashlib.sha256(), 0
        if self._restartable:
            self._stream.seek(0)
            pieces: Iterator[bytes] = iter(lambda: self._stream.read(_CHUNK), b"")
        else:
            pieces = _then(self._head, self._stream)
        for piece in pieces:
            self.counted += len(piece)
            if self.counted > self._limit:
                raise FileTooLarge(f"The package must be {size_text(self._limit)} or smaller.")
            self.digest.update(piece)
            yield piece


def _then(head: bytes, stream: IO[bytes]) -> Iterator[bytes]:
    if head:
        yield head
    while piece := stream.read(_CHUNK):
        yield piece


def _seekable(stream: IO[bytes]) -> bool:
    try:
        return bool(stream.seekable()) and stream.seek(0) == 0
    except (AttributeError, OSError, io.UnsupportedOperation):
        return False


def _audit(
    actor: AbstractBaseUser | None, action: str, package: IntakePackage, **extra: Any
) -> None:
    access_log_record(
        actor=actor,
        action=action,
        object_type="intake_package",
        object_id=package.pk,
        object_agency_slug=package.agency.slug,
        **extra,
    )


def package_upload(
    *,
    actor: User,
    file_name: str,
    stream: IO[bytes],
    content_type: str,
    size: int,
    idempotency_key: str = "",
    queue_import: bool = True,
) -> IntakePackage:
    """Receive a package for the actor's agency: refused with 415 (not JSON Lines or
    CSV, by its type or by its content), 413 (over INTAKE_PACKAGE_MAX_BYTES) or 400
    (empty), before anything is kept. Stored as case documents are, and its import
    queued once the package is committed. The same Idempotency-Key answers the same
    package."""
    membership = require(actor, "intake.package.import")
    agency = membership.agency
    idempotency_key = (idempotency_key or "").strip()
    if len(idempotency_key) > 200:
        raise ValidationError({"idempotency_key": ["Keep the Idempotency-Key to 200 characters."]})
    if idempotency_key:
        existing = IntakePackage.objects.filter(
            agency=agency, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing
    limit = package_max_bytes()
    if size > limit:
        raise FileTooLarge(f"The package must be {size_text(limit)} or smaller.")
    package_format = _format_for(content_type)
    head = stream.read(HEAD_BYTES)
    if not head:
        raise ValidationError({"file": ["The selected file is empty."]})
    _head_judge(head)

    counted = _CountedFile(stream, head, limit)
    # Named as case documents are (the orphans sweep keeps it while this row names it).
    stored_name = f"{STORAGE_FOLDER}/{uuid.uuid4().hex}"
    try:
        stored_name = default_storage.save(stored_name, counted)
    except BaseException:
        # Cut off part way (over the limit): nothing of it is kept.
        default_storage.delete(stored_name)
        raise
    try:
        with transaction.atomic():
            package = IntakePackage(
                agency=agency,
                uploaded_by=actor,
                uploaded_at=timezone.now(),
                file_name=document_name_clean(file_name)[:200] or "package",
                format=package_format,
                size_bytes=counted.counted,
                sha256=counted.digest.hexdigest(),
                stored_name=stored_name,
                idempotency_key=idempotency_key,
            )
            package.save(force_insert=True)
            _audit(actor, "intake.package.uploaded", package)
            if queue_import:
                package_id = package.pk
                transaction.on_commit(lambda: package_import_queue(package_id))
    except IntegrityError:
        default_storage.delete(stored_name)
        # The same key, sent twice at once: the first one's package.
        if idempotency_key:
            found = IntakePackage.objects.filter(
                agency=agency, idempotency_key=idempotency_key
            ).first()
            if found is not None:
                return found
        raise
    except BaseException:
        default_storage.delete(stored_name)
        raise
    logger.info("Intake package %s uploaded (%s bytes)", package.pk, package.size_bytes)
    return package


def package_import_queue(package_id: uuid.UUID | str) -> None:
    """Hand the import to Celery (at once, in the demo and tests, which have no
    broker). Named, not imported: the task sits above this layer."""
    if current_app.conf.task_always_eager:
        try:
            package_import(package_id=package_id)
        except Exception:  # the package says it stopped; it resumes when asked again
            logger.exception("Intake package %s: the import stopped", package_id)
        return
    current_app.send_task(PACKAGE_IMPORT_TASK, args=[str(package_id)])


def package_import_resume(*, actor: User, package: IntakePackage) -> IntakePackage:
    """Ask again for the import of a package that stopped (state failed): it resumes
    after its last committed batch. InvalidState (409) in any other state."""
    require(actor, "intake.package.import", package)
    with transaction.atomic():
        locked = (
            IntakePackage.objects.select_for_update().select_related("agency").get(pk=package.pk)
        )
        if locked.state != PackageState.FAILED:
            raise InvalidState(
                f"Only a stopped import can be resumed: this package is {locked.state}.",
                state=locked.state,
            )
        locked.state = PackageState.QUEUED
        locked.save(update_fields=["state"])
        _audit(
            actor, "intake.package.resumed", locked, justification=f"after line {locked.lines_done}"
        )
        package_id = locked.pk
        transaction.on_commit(lambda: package_import_queue(package_id))
    return locked


# --- The import


@dataclass
class _Line:
    number: int
    outcome: ParsedReport | ReportRefused | None  # None: a blank line


def _json_lines(file: IO[bytes], now: datetime) -> Iterator[_Line]:
    number = 0
    while True:
        raw = file.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            # Too long to be a report: skipped unread to its end, memory bounded.
            while True:
                rest = file.readline(_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield _Line(
                number,
                ReportRefused("", f"The line is longer than {MAX_LINE_BYTES // 1024} KB."),
            )
            continue
        stripped = raw.strip()
        if not stripped:
            yield _Line(number, None)
            continue
        try:
            yield _Line(number, json_line_parse(stripped, now=now))
        except ReportRefused as refused:
            yield _Line(number, refused)


def _csv_lines(file: IO[bytes], now: datetime) -> Iterator[_Line]:
    text = io.TextIOWrapper(cast(Any, file), encoding="utf-8-sig", errors="strict", newline="")
    rows = csv_rows(text)
    while True:
        try:
            number, row = next(rows)
        except StopIteration:
            return
        except UnicodeDecodeError:
            yield _Line(0, ReportRefused("", "The file is not UTF-8 text from here on."))
            return
        if isinstance(row, ReportRefused):
            yield _Line(number, row)
            continue
        try:
            yield _Line(number, report_parse(row, now=now))
        except ReportRefused as refused:
            yield _Line(number, refused)


def _lines(package: IntakePackage, file: IO[bytes], now: datetime) -> Iterator[_Line]:
    """Each line (JSON Lines) or row (CSV) as what it became; `lines_done` counts
    these, so a resumed import skips exactly the ones it committed."""
    if package.format == PackageFormat.CSV:
        return _csv_lines(file, now)
    return _json_lines(file, now)


def _report_key(parsed: ParsedReport) -> tuple[str, str]:
    return parsed.source, parsed.source_report_id


def _identifier_rows(
    report: IntakeReport, parsed: ParsedReport, agency_id: Any
) -> list[Identifier]:
    rows = [
        Identifier(
            kind=found.kind,
            value=found.value,
            given=found.given,
            platform=found.platform,
            seen_at=found.seen_at,
            port=found.port,
            agency_id=agency_id,
            compartment=Compartment.CASE,
            report_id=report.pk,
        )
        # A file's hash is held as any identifier is: the bundling folds on it.
        for found in [*parsed.identifiers, *parsed.file_hashes]
    ]
    for kind, given in (
        (IdentifierKind.SOURCE_REPORT, parsed.source_report_id),
        (IdentifierKind.PACKAGE_REFERENCE, parsed.package_reference),
    ):
        if given:
            rows.append(
                Identifier(
                    kind=kind,
                    value=identifier_normalise(kind, given).value,
                    given=given[:300],
                    agency_id=agency_id,
                    compartment=Compartment.CASE,
                    report_id=report.pk,
                )
            )
    return rows


def _report_row(package: IntakePackage, number: int, parsed: ParsedReport) -> IntakeReport:
    return IntakeReport(
        id=uuid.uuid4(),
        agency_id=package.agency_id,
        package_id=package.pk,
        line_number=number,
        source=parsed.source,
        source_report_id=parsed.source_report_id,
        package_reference=parsed.package_reference,
        received_at=parsed.received_at,
        incident_at=parsed.incident_at,
        service_provider=parsed.service_provider,
        incident_type=parsed.incident_type,
        children=parsed.children,
        youngest_age=parsed.youngest_age,
        files_total=parsed.counts.get("files_total"),
        files_viewed_by_provider=parsed.counts.get("files_viewed_by_provider"),
        files_hash_matched=parsed.counts.get("files_hash_matched"),
        country=parsed.country,
        postcode=parsed.postcode,
        area=parsed.area,
        **parsed.indicators,
    )


class _Overtaken(Exception):
    """Another worker committed this batch first: this run stops, nothing written."""


def _batch_save(package_id: Any, start: int, lines: list[_Line], end: int) -> IntakePackage:
    """One batch, in one transaction with the progress: the new reports, their
    identifiers, the rejections, the counters and `lines_done`, then the bundling."""
    with transaction.atomic():
        package = (
            IntakePackage.objects.select_for_update().select_related("agency").get(pk=package_id)
        )
        if package.lines_done != start:
            raise _Overtaken()
        parsed = [(line.number, line.outcome) for line in lines if line.outcome is not None]
        candidates = [(n, o) for n, o in parsed if isinstance(o, ParsedReport)]
        existing: set[tuple[str, str]] = set()
        if candidates:
            existing = set(
                # The unique index (agency, source, source_report_id) answers it.
                IntakeReport.objects.filter(
                    agency_id=package.agency_id,
                    source__in={o.source for _, o in candidates},
                    source_report_id__in={o.source_report_id for _, o in candidates},
                ).values_list("source", "source_report_id")
            )
        reports: list[IntakeReport] = []
        identifiers: list[Identifier] = []
        rejections: list[IntakeRejection] = []
        duplicates = 0
        for number, outcome in parsed:
            if isinstance(outcome, ReportRefused):
                rejections.append(
                    IntakeRejection(
                        package_id=package.pk,
                        line_number=number,
                        field=outcome.field[:100],
                        reason=outcome.reason,
                    )
                )
                continue
            assert isinstance(outcome, ParsedReport)
            key = _report_key(outcome)
            if key in existing:
                duplicates += 1
                continue
            existing.add(key)  # a second copy later in the same package is a duplicate
            report = _report_row(package, number, outcome)
            reports.append(report)
            identifiers.extend(_identifier_rows(report, outcome, package.agency_id))
        IntakeReport.objects.bulk_create(reports)
        Identifier.objects.bulk_create(identifiers, batch_size=1000)
        IntakeRejection.objects.bulk_create(rejections, ignore_conflicts=True)
        if reports:
            reports_bundle(reports=reports)
        package.lines_done = end
        package.processed += len(parsed)
        package.accepted += len(reports)
        package.rejected += len(rejections)
        package.duplicates += duplicates
        package.save(
            update_fields=["lines_done", "processed", "accepted", "rejected", "duplicates"]
        )
    return package


def _batch_save_retrying(
    package_id: Any, start: int, lines: list[_Line], end: int
) -> IntakePackage:
    # Another package committing the same report between our look and our insert
    # breaks the unique constraint: the batch is taken again, and finds it.
    for attempt in range(3):
        try:
            return _batch_save(package_id, start, lines, end)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _package_set(package_id: Any, **values: Any) -> IntakePackage:
    with transaction.atomic():
        package = (
            IntakePackage.objects.select_for_update().select_related("agency").get(pk=package_id)
        )
        for name, value in values.items():
            setattr(package, name, value)
        package.save(update_fields=list(values))
    return package


def package_import(
    *, package_id: uuid.UUID | str, budget_seconds: float | None = None
) -> IntakePackage:
    """Import a stored package: streamed, BATCH_LINES at a time, each batch in its own
    transaction with the progress, so that a stopped import resumes after
    `lines_done` without a duplicate report or rejection. Idempotent: an imported
    package is left as it is. A file that cannot be read leaves it failed (it
    resumes when asked again). With `budget_seconds`, it returns still importing
    after the batch that passes the budget (the task queues the rest)."""
    package = IntakePackage.objects.select_related("agency", "uploaded_by").get(pk=package_id)
    if package.state == PackageState.IMPORTED:
        return package
    package = _package_set(
        package.pk,
        state=PackageState.IMPORTING,
        started_at=package.started_at or timezone.now(),
        failure="",
    )
    try:
        file = default_storage.open(package.stored_name, "rb") if package.stored_name else None
    except OSError:
        file = None
    if file is None:
        logger.error("Intake package %s: its stored file cannot be read", package.pk)
        return _package_set(
            package.pk, state=PackageState.FAILED, failure="The stored file cannot be read."
        )
    now = timezone.now()
    began = time.monotonic()
    start = package.lines_done
    try:
        with file:
            batch: list[_Line] = []
            last = start
            for line in _lines(package, file, now):
                if line.number <= start and line.number != 0:
                    continue
                number = line.number or last + 1
                line.number = number
                last = number
                batch.append(line)
                if len(batch) >= BATCH_LINES:
                    package = _batch_save_retrying(package.pk, start, batch, last)
                    start, batch = last, []
                    if budget_seconds is not None and time.monotonic() - began > budget_seconds:
                        return package
            if batch:
                package = _batch_save_retrying(package.pk, start, batch, last)
    except _Overtaken:
        logger.info("Intake package %s: another worker is importing it", package.pk)
        return IntakePackage.objects.select_related("agency").get(pk=package.pk)
    except Exception as exc:
        logger.exception("Intake package %s: the import stopped at line %s", package.pk, start)
        _package_set(
            package.pk,
            state=PackageState.FAILED,
            failure=f"Stopped after line {start}: {type(exc).__name__}. It resumes from there.",
        )
        raise
    with transaction.atomic():
        package = _package_set(
            package.pk, state=PackageState.IMPORTED, finished_at=timezone.now(), failure=""
        )
        _audit(
            package.uploaded_by,
            "intake.package.imported",
            package,
            justification=(
                f"processed {package.processed}, accepted {package.accepted}, "
                f"rejected {package.rejected}, duplicates {package.duplicates}"
            ),
        )
    logger.info(
        "Intake package %s imported: %s processed, %s accepted, %s rejected, %s duplicates",
        package.pk,
        package.processed,
        package.accepted,
        package.rejected,
        package.duplicates,
    )
    return package


# --- Retention


def _packages_all_decided() -> Any:
    undecided = IntakeReport.objects.filter(package_id=OuterRef("pk")).exclude(
        item__state=ItemState.DECIDED
    )
    return (
        IntakePackage.objects.filter(raw_disposed_at__isnull=True, state=PackageState.IMPORTED)
        .exclude(stored_name="")
        .exclude(Exists(undecided))
        .select_related("agency")
        .order_by("uploaded_at", "id")
    )


def packages_raw_dispose_sweep(*, now: datetime | None = None) -> int:
    """Dispose of the raw file of each imported package whose every report has been
    decided (retention: the raw package is kept no longer than the work needs it).
    The row is emptied and logged first; the file is deleted once that commits (a
    file left behind by a failed delete no row names: the orphans sweep removes it).
    Idempotent. Returns how many packages were disposed of."""
    now = now or timezone.now()
    disposed = 0
    for package in _packages_all_decided()[:500]:
        with transaction.atomic():
            locked = (
                IntakePackage.objects.select_for_update()
                .select_related("agency")
                .filter(pk=package.pk, raw_disposed_at__isnull=True)
                .first()
            )
            if locked is None or not locked.stored_name:
                continue
            stored_name = locked.stored_name
            locked.stored_name = ""
            locked.raw_disposed_at = now
            locked.save(update_fields=["stored_name", "raw_disposed_at"])
            _audit(
                None,
                "intake.package.raw_disposed",
                locked,
                justification="retention: every report in the package has been decided",
            )
            transaction.on_commit(functools.partial(default_storage.delete, stored_name))
        logger.info("Intake package %s: raw file disposed of (every report decided)", locked.pk)
        disposed += 1
    return disposed
