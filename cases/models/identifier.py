"""The one identifier index: the accounts, addresses and reference numbers that tie
an online report to a person, held for intake reports, case parties and persons
alike, so that a search or a new report finds every record that shares one.

Every value is stored normalised (`identifier_normalise`), so that equality on
(kind, value) is the whole match and one index serves it.
"""

import ipaddress
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import phonenumbers
from django.conf import settings
from django.db import models

from agencies.models import Agency, Compartment
from cases.models.case import Case
from cases.models.party import CaseParty
from cases.models.person import Person


class IdentifierKind(models.TextChoices):
    EMAIL = "email", "Email address"
    USERNAME = "username", "Username or screen name"
    PHONE = "phone", "Phone number"
    IP_ADDRESS = "ip_address", "IP address"
    PROFILE_URL = "profile_url", "Profile URL"
    DEVICE_ID = "device_id", "Device identifier"
    # A source's own number for one report (an NCMEC CyberTipline report id) and the
    # reference of the package it came in (an NCA package id): a case opened from a
    # report holds both, so that a search for either finds it.
    SOURCE_REPORT = "source_report", "Source report id (CyberTip number)"
    PACKAGE_REFERENCE = "package_reference", "Package reference"
    # A cryptographic hash of a reported file, as text (MD5, SHA-1, SHA-256 or
    # SHA-512 in hex): never the file. It names an image, not a person.
    FILE_HASH = "file_hash", "File hash"


# The kinds that name a person's account or device, which bundle and deconflict
# reports; a report or package number only ever names its own report.
PERSON_IDENTIFIER_KINDS = frozenset(
    {
        IdentifierKind.EMAIL,
        IdentifierKind.USERNAME,
        IdentifierKind.PHONE,
        IdentifierKind.IP_ADDRESS,
        IdentifierKind.PROFILE_URL,
        IdentifierKind.DEVICE_ID,
    }
)

# The kinds that fold reports into one intake item: a person's identifiers, and a
# file's hash (the reports of one viral image are one piece of work). A hash never
# deconflicts and never suggests a person: another force holding the same image is
# not working on the same person.
BUNDLING_IDENTIFIER_KINDS = PERSON_IDENTIFIER_KINDS | {IdentifierKind.FILE_HASH}

# A file hash in hex, by its length: MD5, SHA-1, SHA-256, SHA-512.
FILE_HASH_LENGTHS = {32: "MD5", 40: "SHA-1", 64: "SHA-256", 128: "SHA-512"}
_HEX_DIGITS = re.compile(r"[0-9a-f]+")

# Where a phone number without a country code is taken to be from.
DEFAULT_PHONE_REGION = "GB"

_SPACES = re.compile(r"\s+")
# One @ between a local part and a domain of dot-separated labels, nothing that
# cannot be in an address (spaces, angle brackets, a second @).
_EMAIL = re.compile(r"[^\s@<>()\[\],;:\"]+@(?:[^\s@<>()\[\],;:\".]+\.)+[^\s@<>()\[\],;:\".]+")
PLATFORM_MAX_LENGTH = 100


class IdentifierInvalid(ValueError):
    """A value that cannot be an identifier of its kind; the message says why, in
    words a user can act on, and `field` which of the values it is about: "value"
    (the identifier itself), "platform", "seen_at" or "port"."""

    def __init__(self, message: str, *, field: str = "value") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class NormalisedIdentifier:
    kind: str
    value: str
    platform: str = ""
    seen_at: datetime | None = None
    port: int | None = None


def _platform_key(platform: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", platform or "")).strip().casefold()


def identifier_normalise(
    kind: str,
    raw: str,
    *,
    platform: str = "",
    seen_at: datetime | None = None,
    port: int | None = None,
) -> NormalisedIdentifier:
    """The canonical form of `raw` as an identifier of `kind`, or IdentifierInvalid.

    - emails lower-cased;
    - usernames NFKC-normalised and case-folded, per platform (the platform is kept,
      case-folded, beside the value);
    - phones in E.164, read as British when they carry no country code;
    - IP addresses in canonical form (IPv6 compressed, an IPv4-mapped IPv6 address as
      its IPv4), always with the moment they were seen: without it an address
      identifies nobody;
    - profile URLs with the scheme and host lower-cased, no fragment and no trailing
      slash;
    - device ids and reference numbers trimmed, spaces removed, upper-cased;
    - file hashes in hex (MD5, SHA-1, SHA-256 or SHA-512), spaces removed,
      lower-cased.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        raise IdentifierInvalid("Enter the identifier.")
    if len(text) > 300:
        raise IdentifierInvalid("Keep the identifier to 300 characters or fewer.")
    if kind == IdentifierKind.EMAIL:
        # As a link gives it: "mailto:jo@example.com".
        if text[:7].lower() == "mailto:":
            text = text[7:].strip()
        if not _EMAIL.fullmatch(text):
            raise IdentifierInvalid("Enter an email address like name@example.com.")
        return NormalisedIdentifier(kind, text.lower())
    if kind == IdentifierKind.USERNAME:
        platform_key = _platform_key(platform)
        if not platform_key:
            raise IdentifierInvalid("Give the platform the username is on.", field="platform")
        if len(platform_key) > PLATFORM_MAX_LENGTH:
            raise IdentifierInvalid(
                f"Keep the platform to {PLATFORM_MAX_LENGTH} characters or fewer.",
                field="platform",
            )
        # "@jobloggs" is how people write the username jobloggs.
        name = text.removeprefix("@").strip()
        if not name:
            raise IdentifierInvalid("Enter the username.")
        return NormalisedIdentifier(kind, name.casefold(), platform=platform_key)
    if kind == IdentifierKind.PHONE:
        try:
            number = phonenumbers.parse(text, DEFAULT_PHONE_REGION)
        except phonenumbers.NumberParseException as exc:
            raise IdentifierInvalid("Enter a phone number, like 07700 900123.") from exc
        if not phonenumbers.is_possible_number(number):
            raise IdentifierInvalid("Enter a phone number, like 07700 900123.")
        return NormalisedIdentifier(
            kind, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        )
    if kind == IdentifierKind.IP_ADDRESS:
        try:
            address = ipaddress.ip_address(text)
        except ValueError as exc:
            raise IdentifierInvalid("Enter an IPv4 or IPv6 address.") from exc
        if isinstance(address, ipaddress.IPv6Address):
            if address.scope_id:
                # fe80::1%eth0: an address on one machine's link, not on the internet.
                raise IdentifierInvalid("Enter an IPv4 or IPv6 address.")
            if address.ipv4_mapped:
                address = address.ipv4_mapped
        if seen_at is None:
            raise IdentifierInvalid(
                "Give the moment the IP address was seen: without it, it identifies nobody.",
                field="seen_at",
            )
        if seen_at.tzinfo is None or seen_at.utcoffset() is None:
            raise IdentifierInvalid(
                "Give the moment the IP address was seen with its time zone.", field="seen_at"
            )
        if port is not None and not 0 <= port <= 65535:
            raise IdentifierInvalid("Enter a port from 0 to 65535.", field="port")
        return NormalisedIdentifier(kind, address.compressed, seen_at=seen_at, port=port)
    if kind == IdentifierKind.PROFILE_URL:
        parts = urlsplit(text)
        if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
            raise IdentifierInvalid("Enter the profile's full address, starting https://.")
        path = parts.path.rstrip("/")
        return NormalisedIdentifier(
            kind,
            urlunsplit(("https", parts.netloc.lower(), path, parts.query, "")),
        )
    if kind in {
        IdentifierKind.DEVICE_ID,
        IdentifierKind.SOURCE_REPORT,
        IdentifierKind.PACKAGE_REFERENCE,
    }:
        return NormalisedIdentifier(kind, _SPACES.sub("", text).upper())
    if kind == IdentifierKind.FILE_HASH:
        digest = _SPACES.sub("", text).lower()
        if not _HEX_DIGITS.fullmatch(digest) or len(digest) not in FILE_HASH_LENGTHS:
            raise IdentifierInvalid(
                "Enter a file hash in hex: an MD5 (32 characters), SHA-1 (40), "
                "SHA-256 (64) or SHA-512 (128), of the digits 0-9 and letters a-f."
            )
        return NormalisedIdentifier(kind, digest)
    raise IdentifierInvalid(f'"{kind}" is not a kind of identifier.', field="kind")


class Identifier(models.Model):
    """One identifier as one record holds it: an intake report, a party in a case
    (and so its person), or a case itself (the report and package numbers).

    `agency` is whose record it is: the case's owning agency, or the agency that
    received the report. Deconfliction compares agencies on this field and nothing
    more; what another agency may see of the record is the access policy's."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=32, choices=IdentifierKind.choices)
    value = models.CharField(max_length=300)
    # As it was given, for display: "Jo.Bloggs@Example.COM".
    given = models.CharField(max_length=300)
    platform = models.CharField(max_length=100, blank=True, default="")
    # An IP address is seen at a moment, on a port: kept with it, always.
    seen_at = models.DateTimeField(null=True, blank=True)
    port = models.PositiveIntegerField(null=True, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="identifiers"
    )
    party = models.ForeignKey(
        CaseParty, on_delete=models.CASCADE, null=True, blank=True, related_name="identifiers"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="identifiers"
    )
    # The party's compartment (a case's own numbers are in the case compartment), so
    # that a search scopes identifiers as it scopes parties.
    compartment = models.CharField(
        max_length=32, choices=Compartment.choices, default=Compartment.CASE, editable=False
    )
    # An intake report (intake.IntakeReport), named without a foreign key: cases
    # depends on nothing above it (as CaseGrant names its source).
    report_id = models.UUIDField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        indexes = [
            # Every match (search, bundling, deconfliction) is an equality on these.
            models.Index(fields=["value", "kind"], name="identifier_value"),
            models.Index(fields=["case", "compartment"], name="identifier_case"),
            models.Index(fields=["party"], name="identifier_party"),
            models.Index(fields=["person"], name="identifier_person"),
            models.Index(fields=["report_id"], name="identifier_report"),
        ]
        constraints = [
            models.CheckConstraint(
                name="identifier_ip_has_moment",
                condition=~models.Q(kind="ip_address") | models.Q(seen_at__isnull=False),
            ),
            models.CheckConstraint(
                name="identifier_belongs_to_a_record",
                condition=models.Q(case__isnull=False)
                | models.Q(person__isnull=False)
                | models.Q(report_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.given}"
