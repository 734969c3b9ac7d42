"""The identifier normaliser, kind by kind: every value is stored in one canonical
form, so that equality on (kind, value) is the whole match."""

from datetime import UTC, datetime

import pytest

from cases.models.identifier import (
    BUNDLING_IDENTIFIER_KINDS,
    PERSON_IDENTIFIER_KINDS,
    IdentifierInvalid,
    IdentifierKind,
    identifier_normalise,
)

SEEN = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)


def _value(kind, raw, **extra):
    return identifier_normalise(kind, raw, **extra).value


# --- Emails


@pytest.mark.parametrize(
    "raw",
    [
        "Jo.Bloggs@Example.COM",
        "  jo.bloggs@example.com ",
        "JO.BLOGGS@EXAMPLE.COM",
        "mailto:Jo.Bloggs@example.com",
    ],
)
def test_an_email_is_lower_cased(raw):
    assert _value(IdentifierKind.EMAIL, raw) == "jo.bloggs@example.com"


@pytest.mark.parametrize(
    "raw",
    [
        "jo.bloggs",
        "@example.com",
        "jo@example",
        "jo bloggs@example.com",
        "a@b@example.com",
        "jo@.example.com",
        "jo@example..com",
        "<jo@example.com>",
        "jo@example.com.",
    ],
)
def test_a_string_that_is_not_an_email_is_refused(raw):
    with pytest.raises(IdentifierInvalid, match="email address"):
        identifier_normalise(IdentifierKind.EMAIL, raw)


def test_an_empty_identifier_is_refused():
    with pytest.raises(IdentifierInvalid, match="Enter the identifier"):
        identifier_normalise(IdentifierKind.EMAIL, "   ")


def test_an_identifier_over_300_characters_is_refused():
    with pytest.raises(IdentifierInvalid, match="300 characters"):
        identifier_normalise(IdentifierKind.DEVICE_ID, "A" * 301)


def test_an_unknown_kind_is_refused():
    with pytest.raises(IdentifierInvalid, match="not a kind of identifier"):
        identifier_normalise("shoe_size", "42")


# --- Usernames


def test_a_username_is_case_folded_with_its_platform():
    # when
    found = identifier_normalise(IdentifierKind.USERNAME, "  JoBloggs99 ", platform=" SnapChat ")
    # then
    assert (found.value, found.platform) == ("jobloggs99", "snapchat")


def test_a_username_is_case_folded_beyond_ascii():
    assert _value(IdentifierKind.USERNAME, "Straße", platform="Instagram") == "strasse"
    # NFKC: a full-width name is the same name.
    assert _value(IdentifierKind.USERNAME, "\uff2a\uff4f\uff22", platform="Instagram") == "job"


def test_a_username_written_with_its_at_sign_is_the_same_username():
    assert _value(IdentifierKind.USERNAME, "@JoBloggs", platform="X") == "jobloggs"


def test_a_platform_is_normalised_for_comparison():
    found = identifier_normalise(IdentifierKind.USERNAME, "jo", platform="  Face   Book ")
    assert found.platform == "face book"


@pytest.mark.parametrize("platform", ["", "   "])
def test_a_username_without_its_platform_is_refused(platform):
    with pytest.raises(IdentifierInvalid, match="platform"):
        identifier_normalise(IdentifierKind.USERNAME, "jobloggs", platform=platform)


def test_a_username_that_is_only_an_at_sign_is_refused():
    with pytest.raises(IdentifierInvalid):
        identifier_normalise(IdentifierKind.USERNAME, "@", platform="X")


def test_a_platform_over_100_characters_is_refused():
    with pytest.raises(IdentifierInvalid, match="100 characters"):
        identifier_normalise(IdentifierKind.USERNAME, "jo", platform="p" * 101)


# --- Phones


@pytest.mark.parametrize(
    "raw",
    [
        "07700 900123",
        "07700900123",
        "(07700) 900-123",
        "+44 7700 900123",
        "+44 (0)7700 900123",
        "0044 7700 900123",
        "+447700900123",
    ],
)
def test_a_uk_phone_in_any_written_form_is_e164(raw):
    assert _value(IdentifierKind.PHONE, raw) == "+447700900123"


def test_a_uk_landline_is_e164():
    assert _value(IdentifierKind.PHONE, "020 7946 0018") == "+442079460018"


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+1 (202) 555-0143", "+12025550143"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+353 85 123 4567", "+353851234567"),
    ],
)
def test_an_international_phone_keeps_its_country(raw, e164):
    assert _value(IdentifierKind.PHONE, raw) == e164


@pytest.mark.parametrize(
    "raw", ["123", "0770090012345678", "+44 12", "not a number", "+999 1234 5678"]
)
def test_an_impossible_phone_is_refused(raw):
    with pytest.raises(IdentifierInvalid, match="phone number"):
        identifier_normalise(IdentifierKind.PHONE, raw)


# --- IP addresses


def test_an_ipv4_address_is_kept_with_its_moment_and_port():
    # when
    found = identifier_normalise(IdentifierKind.IP_ADDRESS, " 203.0.113.7 ", seen_at=SEEN, port=443)
    # then
    assert (found.value, found.seen_at, found.port) == ("203.0.113.7", SEEN, 443)


@pytest.mark.parametrize(
    "raw",
    [
        "2001:DB8:0:0:0:0:0:1",
        "2001:0db8:0000:0000:0000:0000:0000:0001",
        "2001:db8::1",
        "2001:db8:0::0:1",
    ],
)
def test_an_ipv6_address_is_compressed_and_lower_case(raw):
    assert _value(IdentifierKind.IP_ADDRESS, raw, seen_at=SEEN) == "2001:db8::1"


@pytest.mark.parametrize("raw", ["::ffff:203.0.113.7", "::FFFF:CB00:7107"])
def test_an_ipv4_mapped_ipv6_address_is_its_ipv4_address(raw):
    assert _value(IdentifierKind.IP_ADDRESS, raw, seen_at=SEEN) == "203.0.113.7"


def test_an_ip_address_without_its_moment_is_refused():
    with pytest.raises(IdentifierInvalid, match="moment"):
        identifier_normalise(IdentifierKind.IP_ADDRESS, "203.0.113.7", port=443)


def test_an_ip_address_seen_at_a_moment_without_a_time_zone_is_refused():
    with pytest.raises(IdentifierInvalid, match="time zone"):
        identifier_normalise(
            IdentifierKind.IP_ADDRESS, "203.0.113.7", seen_at=datetime(2026, 3, 2, 14, 5)
        )


def test_an_ip_address_without_a_port_is_kept_without_one():
    assert identifier_normalise(IdentifierKind.IP_ADDRESS, "203.0.113.7", seen_at=SEEN).port is None


@pytest.mark.parametrize("port", [0, 1, 65535])
def test_a_port_in_range_is_kept(port):
    found = identifier_normalise(IdentifierKind.IP_ADDRESS, "203.0.113.7", seen_at=SEEN, port=port)
    assert found.port == port


@pytest.mark.parametrize("port", [-1, 65536, 100000])
def test_a_port_out_of_range_is_refused(port):
    with pytest.raises(IdentifierInvalid, match="port"):
        identifier_normalise(IdentifierKind.IP_ADDRESS, "203.0.113.7", seen_at=SEEN, port=port)


@pytest.mark.parametrize(
    "raw",
    ["203.0.113", "203.0.113.300", "203.0.113.7:443", "fe80::1%eth0", "example.com", "1.2.3.04"],
)
def test_a_string_that_is_not_an_ip_address_is_refused(raw):
    with pytest.raises(IdentifierInvalid, match="IPv4 or IPv6"):
        identifier_normalise(IdentifierKind.IP_ADDRESS, raw, seen_at=SEEN)


def test_a_moment_or_port_given_with_another_kind_is_not_kept():
    found = identifier_normalise(IdentifierKind.EMAIL, "jo@example.com", seen_at=SEEN, port=1)
    assert (found.seen_at, found.port, found.platform) == (None, None, "")


# --- Profile URLs


@pytest.mark.parametrize(
    "raw",
    [
        "https://www.Example.com/JoBloggs",
        "HTTPS://WWW.EXAMPLE.COM/JoBloggs/",
        "http://www.example.com/JoBloggs",
        "https://www.example.com/JoBloggs#posts",
    ],
)
def test_a_profile_url_has_its_scheme_and_host_lower_cased(raw):
    assert _value(IdentifierKind.PROFILE_URL, raw) == "https://www.example.com/JoBloggs"


def test_a_profile_url_keeps_its_query():
    assert (
        _value(IdentifierKind.PROFILE_URL, "https://example.com/profile.php?id=1234")
        == "https://example.com/profile.php?id=1234"
    )


@pytest.mark.parametrize("raw", ["www.example.com/jo", "ftp://example.com/jo", "https://", "jo"])
def test_a_profile_url_without_a_web_address_is_refused(raw):
    with pytest.raises(IdentifierInvalid, match="https://"):
        identifier_normalise(IdentifierKind.PROFILE_URL, raw)


# --- Device ids and report numbers


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        (IdentifierKind.DEVICE_ID, " 35 209900 176148 1 ", "352099001761481"),
        (IdentifierKind.DEVICE_ID, "a1b2-c3d4", "A1B2-C3D4"),
        (IdentifierKind.SOURCE_REPORT, " 1234 5678 ", "12345678"),
        (IdentifierKind.PACKAGE_REFERENCE, "nca-2026-0042", "NCA-2026-0042"),
    ],
)
def test_a_device_id_or_report_number_is_trimmed_unspaced_and_upper_cased(kind, raw, value):
    assert _value(kind, raw) == value


# --- File hashes


@pytest.mark.parametrize(
    "raw",
    [
        "d41d8cd98f00b204e9800998ecf8427e",  # MD5
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",  # SHA-1
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  # SHA-256
        "ab" * 64,  # SHA-512
    ],
)
def test_a_file_hash_of_each_accepted_length_is_kept(raw):
    assert _value(IdentifierKind.FILE_HASH, raw) == raw


def test_a_file_hash_is_lower_cased_and_unspaced():
    raw = " E3B0C442 98FC1C14 9AFBF4C8 996FB924 27AE41E4 649B934C A495991B 7852B855 "
    assert (
        _value(IdentifierKind.FILE_HASH, raw)
        == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


@pytest.mark.parametrize(
    "raw",
    [
        "a" * 30,  # no hash is 30 hex digits
        "a" * 63,
        "g" * 64,  # not hex
        "0x" + "a" * 62,
        "e3b0c442-98fc-1c14-9afb-f4c8996fb924",
    ],
)
def test_a_value_that_is_not_a_file_hash_is_refused(raw):
    with pytest.raises(IdentifierInvalid, match="file hash in hex") as refused:
        identifier_normalise(IdentifierKind.FILE_HASH, raw)
    assert refused.value.field == "value"


def test_a_file_hash_bundles_but_is_not_a_persons_identifier():
    assert IdentifierKind.FILE_HASH not in PERSON_IDENTIFIER_KINDS
    assert PERSON_IDENTIFIER_KINDS | {IdentifierKind.FILE_HASH} == BUNDLING_IDENTIFIER_KINDS
