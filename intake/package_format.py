"""The published referral package format: one report a line (JSON Lines), or the same
flat columns in CSV. Modelled on the NCMEC CyberTipline report. Documented in
docs/intake-package-format.md and served as a JSON Schema at /api/v1/intake/schema/.

A package never carries content: any string that holds file data, a data: URI, or a
base64 or hex run longer than a hash (SHA-512 in hex is 128 characters) refuses its
report, and so does any string that decodes (base64 or hex) to the start of an image,
video or archive. Strings are judged by what they hold, wherever they are, never by
the field's name; unknown fields are refused, so nothing can hide in one.

Nothing here is stored: `report_parse` turns one line into a `ParsedReport` (with its
identifiers normalised) or raises `ReportRefused` naming the field and the reason.
"""

import base64
import binascii
import contextlib
import csv
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from cases.filetypes.signatures import media_start, never_a_document
from cases.models.identifier import IdentifierInvalid, IdentifierKind, identifier_normalise
from intake.models.report import IncidentType, ReportSource

# --- Limits

# A line longer than this is refused unread (memory stays bounded whatever the file).
MAX_LINE_BYTES = 64 * 1024
MAX_IDENTIFIERS = 50
MAX_CHILDREN = 20
MAX_FILE_HASHES = 50
# The longest run of base64 or hex characters a string may hold: a SHA-512 in hex.
MAX_ENCODED_RUN = 128
# A moment up to this far ahead of the server's clock is the sender's clock drift.
CLOCK_SKEW = timedelta(minutes=5)

# The identifier kinds a report may carry (a source report id and a package reference
# come from their own fields).
REPORT_IDENTIFIER_KINDS = (
    IdentifierKind.EMAIL,
    IdentifierKind.USERNAME,
    IdentifierKind.PHONE,
    IdentifierKind.IP_ADDRESS,
    IdentifierKind.PROFILE_URL,
    IdentifierKind.DEVICE_ID,
)

INDICATORS = (
    "child_at_imminent_risk",
    "sextortion",
    "self_harm",
    "meeting_arranged",
    "contact_offending",
    "suspect_has_access_to_children",
)
FILE_COUNTS = ("files_total", "files_viewed_by_provider", "files_hash_matched")

# The flat columns, once: the JSON Lines fields are these names (with `identifiers`
# and `children` as lists), and CSV has these columns (with each identifier and each
# child as numbered columns, below).
SCALAR_COLUMNS = (
    "source",
    "source_report_id",
    "package_reference",
    "received_at",
    "incident_at",
    "service_provider",
    "incident_type",
    *FILE_COUNTS,
    *INDICATORS,
    "country",
    "postcode",
    "area",
)
IDENTIFIER_PARTS = ("kind", "value", "platform", "seen_at", "port")
CHILD_PARTS = ("estimated_age", "location")
# CSV: identifier_1_kind ... identifier_10_port, child_1_estimated_age ... child_5_location,
# file_hash_1 ... file_hash_10.
CSV_IDENTIFIER_SLOTS = 10
CSV_CHILD_SLOTS = 5
CSV_FILE_HASH_SLOTS = 10
CSV_COLUMNS = (
    *SCALAR_COLUMNS,
    *(
        f"identifier_{n}_{part}"
        for n in range(1, CSV_IDENTIFIER_SLOTS + 1)
        for part in IDENTIFIER_PARTS
    ),
    *(f"child_{n}_{part}" for n in range(1, CSV_CHILD_SLOTS + 1) for part in CHILD_PARTS),
    *(f"file_hash_{n}" for n in range(1, CSV_FILE_HASH_SLOTS + 1)),
)
_CSV_NUMBERED = re.compile(r"(identifier|child)_([1-9][0-9]*)_([a-z_]+)")
_CSV_FILE_HASH = re.compile(r"file_hash_([1-9][0-9]*)")

# --- The JSON Schema

_MOMENT = {
    "type": "string",
    "format": "date-time",
    "maxLength": 40,
    "description": "ISO 8601 / RFC 3339 with a UTC offset, e.g. 2026-12-01T09:30:00Z.",
}


def _text(max_length: int, description: str) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length, "description": description}


def _optional(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "type": [schema["type"], "null"]}


PACKAGE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://tideline.invalid/api/v1/intake/schema/",
    "title": "Tideline intake report (one line of a referral package)",
    "description": (
        "One report a line (JSON Lines, UTF-8). Metadata only: a package never carries "
        "content. A string holding file data, a data: URI, base64 or hex longer than "
        f"{MAX_ENCODED_RUN} characters, or bytes that decode to an image, video or "
        "archive refuses its report. Unknown fields are refused."
    ),
    "type": "object",
    "additionalProperties": False,
    "required": ["source", "source_report_id", "received_at", "incident_type"],
    "properties": {
        "source": {
            "type": "string",
            "enum": list(ReportSource.values),
            "description": "Where the report came from.",
        },
        "source_report_id": {
            **_text(100, "The source's own number for the report (a CyberTip number)."),
            "minLength": 1,
        },
        "package_reference": _text(100, "The reference of the package (an NCA package id)."),
        "received_at": {**_MOMENT, "description": "When the source received the report."},
        "incident_at": _optional({**_MOMENT, "description": "When the incident happened."}),
        "service_provider": _text(200, "The service provider that reported it."),
        "incident_type": {
            "type": "string",
            "enum": list(IncidentType.values),
            "description": "The incident type, from one list.",
        },
        "identifiers": {
            "type": "array",
            "maxItems": MAX_IDENTIFIERS,
            "description": "The reported accounts and identifiers.",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["kind", "value"],
                "properties": {
                    "kind": {"type": "string", "enum": [k.value for k in REPORT_IDENTIFIER_KINDS]},
                    "value": {**_text(300, "As the provider gave it."), "minLength": 1},
                    "platform": _text(100, "For a username: the platform it is on (required)."),
                    "seen_at": _optional(
                        {**_MOMENT, "description": "For an IP address: when (required)."}
                    ),
                    "port": {"type": ["integer", "null"], "minimum": 0, "maximum": 65535},
                },
                "allOf": [
                    {
                        "if": {"properties": {"kind": {"const": "ip_address"}}},
                        "then": {
                            "required": ["seen_at"],
                            "properties": {"seen_at": {"type": "string"}},
                        },
                    },
                    {
                        "if": {"properties": {"kind": {"const": "username"}}},
                        "then": {"required": ["platform"]},
                    },
                ],
            },
        },
        "file_hashes": {
            "type": "array",
            "maxItems": MAX_FILE_HASHES,
            "description": (
                "Cryptographic hashes of the reported files, as text, never the files: "
                "MD5, SHA-1, SHA-256 or SHA-512 in hex (32, 40, 64 or 128 hex digits; "
                "case and spaces do not matter). Reports of one agency sharing a hash "
                "are one intake item."
            ),
            "items": {**_text(200, "One file's hash in hex."), "minLength": 1},
        },
        "children": {
            "type": "array",
            "maxItems": MAX_CHILDREN,
            "description": "The apparent child or children.",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "estimated_age": {"type": ["integer", "null"], "minimum": 0, "maximum": 17},
                    "location": _text(100, "Where the child appears to be, if known."),
                },
            },
        },
        **{
            name: {
                "type": ["integer", "null"],
                "minimum": 0,
                "maximum": 2_000_000_000,
                "description": "A count of files, never a file.",
            }
            for name in FILE_COUNTS
        },
        **{
            name: {
                "type": ["boolean", "null"],
                "description": "The provider's indicator; null or absent: not said (unknown).",
            }
            for name in INDICATORS
        },
        "country": {
            "type": "string",
            "pattern": "^([A-Z]{2})?$",
            "description": "ISO 3166-1 alpha-2, as resolved by the provider.",
        },
        "postcode": _text(10, "Where the provider gave one."),
        "area": _text(100, "Where the provider gave one."),
    },
}

_VALIDATOR = Draft202012Validator(PACKAGE_SCHEMA)


# --- What a line becomes


class ReportRefused(Exception):
    """A report the import refuses: the field (a dotted path, empty for the whole
    line) and the reason, in words the sender can act on."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason[:500]


@dataclass(frozen=True)
class ParsedIdentifier:
    kind: str
    value: str
    given: str
    platform: str = ""
    seen_at: datetime | None = None
    port: int | None = None


@dataclass
class ParsedReport:
    source: str
    source_report_id: str
    package_reference: str
    received_at: datetime
    incident_at: datetime | None
    service_provider: str
    incident_type: str
    identifiers: list[ParsedIdentifier]
    children: list[dict[str, Any]]
    youngest_age: int | None
    # The files' hashes (normalised, each once), held as FILE_HASH identifiers.
    file_hashes: list[ParsedIdentifier] = field(default_factory=list)
    counts: dict[str, int | None] = field(default_factory=dict)
    indicators: dict[str, bool | None] = field(default_factory=dict)
    country: str = ""
    postcode: str = ""
    area: str = ""


# --- Content in a field

_DATA_URI = re.compile(r"data:[a-z0-9.+/-]{0,80}[;,]", re.IGNORECASE)
# Runs of the base64 alphabets (standard and URL-safe; hex is inside them).
_ENCODED_RUN = re.compile(r"[A-Za-z0-9+/_-]{12,}={0,2}")
_HEX = re.compile(r"[0-9A-Fa-f]+")


def _decoded_media(run: str) -> str | None:
    """What the run decodes to, when it starts as an image, video or archive does."""
    candidates: list[bytes] = []
    if _HEX.fullmatch(run) and len(run) >= 8:
        candidates.append(bytes.fromhex(run[: len(run) // 2 * 2]))
    body = run.rstrip("=").replace("-", "+").replace("_", "/")
    body = body[: len(body) // 4 * 4]
    if body:
        with contextlib.suppress(binascii.Error, ValueError):
            candidates.append(base64.b64decode(body, validate=True))
    for data in candidates:
        found = media_start(data) or (never_a_document(data) if len(data) >= 8 else None)
        if found:
            return found
    return None


# What may split an encoded run into pieces that each look short: spaces, and the
# separators of hex written in pairs or groups ("ff:d8:ff", "ff d8 ff").
_SPLITTERS = re.compile(r"[\s.:,;|]+")


def content_in(text: str) -> str | None:
    """Why `text` looks like file content, or None. Judged by what it holds: as it
    was sent, and again in compatibility form (full-width letters as ASCII) with its
    spaces and separators taken out, so that an encoded file cut into short pieces is
    judged whole."""
    joined = _SPLITTERS.sub("", unicodedata.normalize("NFKC", text))
    return _content_in(text) or (_content_in(joined) if joined != text else None)


def _content_in(text: str) -> str | None:
    if _DATA_URI.search(text):
        return "It holds a data: URI. A package never carries content: send metadata only."
    if "\x00" in text:
        return "It holds binary data. A package never carries content: send metadata only."
    for match in _ENCODED_RUN.finditer(text):
        run = match.group(0)
        if len(run.rstrip("=")) > MAX_ENCODED_RUN:
            return (
                f"It holds an encoded run of {len(run)} characters, longer than a hash "
                f"({MAX_ENCODED_RUN}). A package never carries content: send metadata only."
            )
        looks_like = _decoded_media(run)
        if looks_like:
            return (
                f"It holds encoded data that decodes to {looks_like}. A package never "
                "carries content: send metadata only."
            )
    return None


def _strings_in(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings_in(key, path)  # a key can carry content too
            yield from _strings_in(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings_in(item, f"{path}.{index}" if path else str(index))


def content_check(record: Any) -> None:
    for path, text in _strings_in(record, ""):
        reason = content_in(text)
        if reason:
            raise ReportRefused(path, reason)


# --- Schema errors, in words


def _schema_path(error: SchemaError) -> str:
    return ".".join(str(part) for part in error.absolute_path)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _schema_refusal(error: SchemaError) -> ReportRefused:
    path = _schema_path(error)
    validator = error.validator
    if validator == "additionalProperties":
        unknown = sorted(
            set(error.instance) - set(error.schema.get("properties", {}))
            if isinstance(error.instance, dict)
            else []
        )
        name = unknown[0] if unknown else ""
        return ReportRefused(
            _join(path, name), f'"{name}" is not a field of the format: unknown fields are refused.'
        )
    if validator == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        name = missing.group(1) if missing else ""
        if name == "seen_at":
            return ReportRefused(
                _join(path, name),
                "An IP address needs the moment it was seen (seen_at): without it, it "
                "identifies nobody.",
            )
        if name == "platform":
            return ReportRefused(_join(path, name), "Give the platform the username is on.")
        return ReportRefused(_join(path, name), f"Enter {name}: it is required.")
    if validator == "enum":
        if path == "source":
            return ReportRefused(
                path,
                f'Unknown source "{error.instance}": use one of {", ".join(ReportSource.values)}.',
            )
        if path == "incident_type":
            return ReportRefused(
                path,
                f'Unknown incident type "{error.instance}": use one of '
                f"{', '.join(IncidentType.values)}.",
            )
        return ReportRefused(path, f'"{error.instance}" is not one of the allowed values.')
    if validator == "type":
        if path.endswith("seen_at") and error.instance is None:
            return ReportRefused(
                path,
                "An IP address needs the moment it was seen (seen_at): without it, it "
                "identifies nobody.",
            )
        return ReportRefused(path, f"Must be {error.validator_value}, not {error.instance!r:.40}.")
    if validator in ("maxLength", "maxItems"):
        return ReportRefused(path, f"Too long: at most {error.validator_value}.")
    if validator in ("minimum", "maximum"):
        return ReportRefused(path, f"Out of range ({error.message}).")
    if validator == "minLength":
        return ReportRefused(path, "Must not be empty.")
    if validator == "pattern" and path == "country":
        return ReportRefused(path, "Give the country as two capital letters (ISO 3166), e.g. GB.")
    if validator == "const":
        return ReportRefused(path, "An IP address needs the moment it was seen (seen_at).")
    return ReportRefused(path, error.message[:300])


def _first_schema_error(record: Any) -> SchemaError | None:
    # A field of the report before a part of one of its identifiers.
    errors = sorted(
        _VALIDATOR.iter_errors(record),
        key=lambda e: (len(e.absolute_path), [str(p) for p in e.absolute_path]),
    )
    if not errors:
        return None
    # The deepest error says most: an IP's missing moment, not "allOf failed".
    leaves: list[SchemaError] = []
    for error in errors:
        leaves.extend(_leaves(error))
    return leaves[0]


def _leaves(error: SchemaError) -> list[SchemaError]:
    if error.context:
        found: list[SchemaError] = []
        for inner in error.context:
            found.extend(_leaves(inner))
        return found
    return [error]


# --- Rules the schema cannot say


def _moment(value: str, path: str, now: datetime) -> datetime:
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = f"{text[:-1]}+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ReportRefused(
            path, "Enter a moment in ISO 8601 with its offset, e.g. 2026-12-01T09:30:00Z."
        ) from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ReportRefused(
            path, "Give the moment's UTC offset (e.g. 2026-12-01T09:30:00Z): it is ambiguous."
        )
    if moment > now + CLOCK_SKEW:
        raise ReportRefused(path, "This moment is in the future.")
    return moment


def report_parse(record: Any, *, now: datetime) -> ParsedReport:
    """One decoded line as a report, or ReportRefused naming the field and why."""
    content_check(record)
    if not isinstance(record, dict):
        raise ReportRefused("", "Each line must be one JSON object (one report).")
    schema_error = _first_schema_error(record)
    if schema_error is not None:
        raise _schema_refusal(schema_error)

    received_at = _moment(record["received_at"], "received_at", now)
    incident_at = (
        _moment(record["incident_at"], "incident_at", now) if record.get("incident_at") else None
    )
    identifiers: list[ParsedIdentifier] = []
    seen: set[tuple[Any, ...]] = set()
    for index, given in enumerate(record.get("identifiers") or []):
        path = f"identifiers.{index}"
        seen_at = (
            _moment(given["seen_at"], f"{path}.seen_at", now) if given.get("seen_at") else None
        )
        try:
            normalised = identifier_normalise(
                given["kind"],
                given["value"],
                platform=given.get("platform") or "",
                seen_at=seen_at,
                port=given.get("port"),
            )
        except IdentifierInvalid as exc:
            part = getattr(exc, "field", "value")
            raise ReportRefused(f"{path}.{part}", str(exc)) from exc
        key = (normalised.kind, normalised.value, normalised.platform, seen_at, normalised.port)
        if key in seen:
            continue
        seen.add(key)
        identifiers.append(
            ParsedIdentifier(
                kind=normalised.kind,
                value=normalised.value,
                given=given["value"].strip()[:300],
                platform=normalised.platform,
                seen_at=normalised.seen_at,
                port=normalised.port,
            )
        )
    file_hashes: list[ParsedIdentifier] = []
    for index, given in enumerate(record.get("file_hashes") or []):
        try:
            normalised = identifier_normalise(IdentifierKind.FILE_HASH, given)
        except IdentifierInvalid as exc:
            raise ReportRefused(f"file_hashes.{index}", str(exc)) from exc
        if any(found.value == normalised.value for found in file_hashes):
            continue
        file_hashes.append(
            ParsedIdentifier(
                kind=normalised.kind, value=normalised.value, given=given.strip()[:300]
            )
        )
    children = [
        {"estimated_age": child.get("estimated_age"), "location": child.get("location") or ""}
        for child in record.get("children") or []
    ]
    ages = [child["estimated_age"] for child in children if child["estimated_age"] is not None]
    source_report_id = record["source_report_id"].strip()
    if not source_report_id:
        raise ReportRefused("source_report_id", "Must not be empty.")
    # Both numbers are indexed as identifiers: one that cannot be normalised (too long
    # once in compatibility form) refuses its report here, never its batch later.
    numbers = {
        "source_report_id": (IdentifierKind.SOURCE_REPORT, source_report_id),
        "package_reference": (
            IdentifierKind.PACKAGE_REFERENCE,
            (record.get("package_reference") or "").strip(),
        ),
    }
    for name, (kind, number) in numbers.items():
        if number:
            try:
                identifier_normalise(kind, number)
            except IdentifierInvalid as exc:
                raise ReportRefused(name, str(exc)) from exc
    return ParsedReport(
        source=record["source"],
        source_report_id=source_report_id,
        package_reference=(record.get("package_reference") or "").strip(),
        received_at=received_at,
        incident_at=incident_at,
        service_provider=(record.get("service_provider") or "").strip(),
        incident_type=record["incident_type"],
        identifiers=identifiers,
        children=children,
        youngest_age=min(ages) if ages else None,
        file_hashes=file_hashes,
        counts={name: record.get(name) for name in FILE_COUNTS},
        indicators={name: record.get(name) for name in INDICATORS},
        country=record.get("country") or "",
        postcode=(record.get("postcode") or "").strip().upper(),
        area=(record.get("area") or "").strip(),
    )


def json_line_parse(raw: bytes, *, now: datetime) -> ParsedReport:
    """One line of a JSON Lines package."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReportRefused("", "The line is not UTF-8 text.") from exc
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportRefused(
            "", f"The line is not valid JSON ({exc.msg}, column {exc.colno})."
        ) from None
    return report_parse(record, now=now)


# --- CSV: the same columns, flat

_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def _csv_integer(value: str, path: str) -> int:
    if not re.fullmatch(r"[0-9]{1,10}", value):
        raise ReportRefused(path, "Must be a whole number.")
    return int(value)


def _csv_boolean(value: str, path: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ReportRefused(path, "Must be true or false (or empty: not known).")


def csv_row_record(row: dict[str | None, Any]) -> dict[str, Any]:
    """A CSV row as the JSON record it stands for (empty cells left out), so that one
    schema and one set of rules judge both. An unknown column stays in the record,
    and the schema refuses it by name."""
    record: dict[str, Any] = {}
    identifiers: dict[int, dict[str, Any]] = {}
    children: dict[int, dict[str, Any]] = {}
    file_hashes: dict[int, str] = {}
    for column, cell in row.items():
        if column is None:
            # More cells than the header has columns.
            raise ReportRefused("", "The row has more cells than the header has columns.")
        value = (cell or "").strip() if isinstance(cell, str) else ""
        if cell is None:
            raise ReportRefused("", "The row has fewer cells than the header has columns.")
        if not value:
            continue
        numbered = _CSV_NUMBERED.fullmatch(column)
        file_hash = _CSV_FILE_HASH.fullmatch(column)
        if file_hash and column in CSV_COLUMNS:
            file_hashes[int(file_hash.group(1))] = value
        elif numbered and column in CSV_COLUMNS:
            slot = int(numbered.group(2))
            part = numbered.group(3)
            target = (identifiers if numbered.group(1) == "identifier" else children).setdefault(
                slot, {}
            )
            path = f"{numbered.group(1)}_{slot}_{part}"
            if part in ("port", "estimated_age"):
                target[part] = _csv_integer(value, path)
            else:
                target[part] = value
        elif column in FILE_COUNTS:
            record[column] = _csv_integer(value, column)
        elif column in INDICATORS:
            record[column] = _csv_boolean(value, column)
        else:
            record[column] = value
    if identifiers:
        record["identifiers"] = [identifiers[slot] for slot in sorted(identifiers)]
    if children:
        record["children"] = [children[slot] for slot in sorted(children)]
    if file_hashes:
        record["file_hashes"] = [file_hashes[slot] for slot in sorted(file_hashes)]
    return record


def csv_rows(text_stream: IO[str]) -> Iterator[tuple[int, dict[str, Any] | ReportRefused]]:
    """Each data row of a CSV package with the line it starts on (the header is line
    1): the record it stands for, or why it cannot be read."""
    reader = csv.DictReader(text_stream, strict=True)
    try:
        if reader.fieldnames is None:  # reads the header: an empty file has no rows
            return
    except csv.Error as exc:
        yield 1, ReportRefused("", f"The header is not valid CSV ({exc}).")
        return
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, ReportRefused("", f"The row is not valid CSV ({exc}).")
            continue
        try:
            yield start, csv_row_record(row)
        except ReportRefused as refused:
            yield start, refused


def package_schema() -> dict[str, Any]:
    return PACKAGE_SCHEMA
