"""The one audit path: every access-log entry is written by `access_log_record`.

Entries are hash-chained. Appending takes a lock so that two writers can never
chain onto the same predecessor: a PostgreSQL advisory lock, or SQLite's own
single-writer lock.
"""

import hashlib
import ipaddress
import json
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from agencies.models import AccessLogEntry, AccessOutcome
from common.request_context import current_origin

GENESIS_HASH = "0" * 64
# An arbitrary constant that names "the access log chain" among advisory locks.
_CHAIN_LOCK_ID = 7_250_113


def _ip_as_stored(value: str | None) -> str | None:
    """An address in the form the field writes it. The hash is computed before the
    row is written and again after it is read back, so both must see one form: the
    field rewrites IPv6 ("2001:0DB8::1" is stored as "2001:db8::1") and PostgreSQL's
    inet column prints some addresses its own way."""
    try:
        return AccessLogEntry._meta.get_field("ip_address").to_python(value)
    except ValidationError:
        # Not an address (only possible if the row was altered): hash it as it is.
        return value


def _ip_for_log(value: str | None) -> str | None:
    # Something that is not an address is logged as no address, rather than losing
    # the entry: PostgreSQL's inet column would refuse it.
    try:
        ipaddress.ip_address(value or "")
    except ValueError:
        return None
    return _ip_as_stored(value)


def _entry_payload(entry: AccessLogEntry) -> dict:
    return {
        "sequence": entry.sequence,
        "at": entry.at.isoformat(),
        "user_id": entry.user_id,
        "username": entry.username,
        "agency_slug": entry.agency_slug,
        "action": entry.action,
        "outcome": entry.outcome,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_agency_slug": entry.object_agency_slug,
        "endpoint": entry.endpoint,
        "method": entry.method,
        "ip_address": _ip_as_stored(entry.ip_address),
        "justification": entry.justification,
    }


def entry_hash_compute(entry: AccessLogEntry) -> str:
    canonical = json.dumps(_entry_payload(entry), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((entry.previous_hash + canonical).encode()).hexdigest()


def _actor_names(actor) -> tuple[int | None, str, str]:
    if actor is None or isinstance(actor, AnonymousUser) or not actor.is_authenticated:
        return None, "", ""
    membership = getattr(actor, "membership", None)
    return actor.pk, actor.get_username(), membership.agency.slug if membership else ""


def access_log_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    outcome: str = AccessOutcome.ALLOWED,
    object_type: str = "",
    object_id: object = "",
    object_agency_slug: str = "",
    justification: str = "",
    username: str = "",
    agency_slug: str = "",
) -> AccessLogEntry:
    """Append one entry. `action` is a namespaced code such as `cases.case.viewed`.

    `username` and `agency_slug` name the subject when there is no signed-in actor
    (a failed sign-in names the username that was tried).
    """
    user_id, actor_username, actor_agency = _actor_names(actor)
    origin = current_origin()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
        last = AccessLogEntry.objects.order_by("-sequence").only("sequence", "entry_hash").first()
        entry = AccessLogEntry(
            sequence=(last.sequence + 1) if last else 1,
            at=timezone.now(),
            user_id=user_id,
            username=(actor_username or username)[:150],
            agency_slug=actor_agency or agency_slug,
            action=action,
            outcome=outcome,
            object_type=object_type,
            object_id=str(object_id or ""),
            object_agency_slug=object_agency_slug,
            endpoint=origin.endpoint,
            method=origin.method,
            ip_address=_ip_for_log(origin.ip_address),
            justification=justification[:500],
            previous_hash=last.entry_hash if last else GENESIS_HASH,
        )
        entry.entry_hash = entry_hash_compute(entry)
        entry.save(force_insert=True)
    return entry


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    problem: str


def access_log_verify() -> tuple[int, ChainBreak | None]:
    """Walk the whole chain in order. Returns how many entries were checked and the
    first break found, if any."""
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    for entry in AccessLogEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence != expected_sequence:
            return checked, ChainBreak(
                entry.sequence,
                f"entry {expected_sequence} is missing (the chain jumps to {entry.sequence})",
            )
        if entry.previous_hash != expected_previous:
            return checked, ChainBreak(
                entry.sequence, "its previous-hash does not match the entry before it"
            )
        if entry_hash_compute(entry) != entry.entry_hash:
            return checked, ChainBreak(entry.sequence, "its contents do not match its hash")
        checked += 1
        expected_previous = entry.entry_hash
        expected_sequence += 1
    return checked, None
