"""Lines of referral packages for the package tests: a good report, and the same
report with one thing changed."""

import csv
import io
import json
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone


def report(n: int = 1, **changes) -> dict:
    """A good CyberTip report, numbered `n`; `changes` replace or add fields (None
    removes one)."""
    seen = (timezone.now() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    record = {
        "source": "ncmec_cybertip",
        "source_report_id": f"1800000{n:02d}",
        "package_reference": "NCA-PKG-2026-0042",
        "received_at": (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "incident_at": (timezone.now() - timedelta(days=4)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "service_provider": "Example Social",
        "incident_type": "sextortion",
        "identifiers": [
            {"kind": "email", "value": f"Jo.Bloggs{n}@Example.com"},
            {"kind": "username", "value": f"JoB{n}", "platform": "Example Social"},
            {"kind": "ip_address", "value": f"203.0.113.{n}", "seen_at": seen, "port": 443},
        ],
        "children": [{"estimated_age": 13, "location": "Northshire"}],
        "files_total": 3,
        "files_viewed_by_provider": 3,
        "files_hash_matched": 1,
        "child_at_imminent_risk": False,
        "sextortion": True,
        "country": "GB",
        "postcode": "NS1 2AB",
    }
    for name, value in changes.items():
        if value is None:
            record.pop(name, None)
        else:
            record[name] = value
    return record


def jsonl(*records) -> bytes:
    """A JSON Lines package; a str among `records` is written as it is (a bad line)."""
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    return ("\n".join(lines) + "\n").encode()


def csv_package(rows: list[dict], columns: list[str] | None = None) -> bytes:
    columns = columns or list(dict.fromkeys(name for row in rows for name in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def csv_row(n: int = 1, **changes) -> dict:
    record = report(n)
    row = {name: record[name] for name in record if name not in ("identifiers", "children")}
    for index, identifier in enumerate(record["identifiers"], start=1):
        for part, value in identifier.items():
            row[f"identifier_{index}_{part}"] = value
    row["child_1_estimated_age"] = 13
    row["child_1_location"] = "Northshire"
    for name in ("child_at_imminent_risk", "sextortion"):
        row[name] = "true" if row[name] else "false"
    row.update(changes)
    return row


def upload(content: bytes, name: str = "package.jsonl", content_type="application/x-ndjson"):
    return SimpleUploadedFile(name, content, content_type=content_type)
