"""The package format's own judgement of one report, without an import: content cut
into short pieces is judged whole, and a report or package number that cannot be
indexed refuses its report, never its batch."""

import base64
from datetime import UTC, datetime

import pytest

from intake.package_format import ReportRefused, content_in, report_parse
from tests.intake.package_lines import report

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
# The start of a JPEG file: the signature, then a JFIF header and some of its tables.
JPEG = bytes.fromhex("ffd8ffe000104a46494600010101004800480000") + bytes(range(256)) * 2


def test_base64_of_an_image_cut_into_short_pieces_by_spaces_is_content():
    encoded = base64.b64encode(JPEG).decode()
    pieces = " ".join(encoded[i : i + 10] for i in range(0, 300, 10))
    assert content_in(pieces) is not None


def test_hex_of_an_image_written_in_pairs_is_content():
    pairs = " ".join(f"{byte:02x}" for byte in JPEG[:80])
    assert content_in(pairs) is not None
    assert content_in(pairs.replace(" ", ":")) is not None


def test_full_width_base64_is_content():
    encoded = base64.b64encode(JPEG).decode()[:200]
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in encoded)
    assert content_in(full_width) is not None


@pytest.mark.parametrize(
    "text",
    [
        "Example Social Network Limited",
        "https://social.example.net/u/demo17-175",
        "jo.bloggs@example.com",
        "a" * 64,  # a SHA-256, hex
        "0f" * 64,  # a SHA-512, hex: as long as a hash may be
    ],
)
def test_ordinary_values_and_hashes_are_not_content(text):
    assert content_in(text) is None


@pytest.mark.parametrize("name", ["source_report_id", "package_reference"])
def test_a_number_too_long_to_index_refuses_its_report_by_name(name):
    # given: 17 characters that become 306 in compatibility form
    record = report(1)
    record[name] = "\ufdfa" * 17
    # when / then
    with pytest.raises(ReportRefused) as refused:
        report_parse(record, now=NOW)
    assert refused.value.field == name
