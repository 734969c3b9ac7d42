"""Generated referral packages, for the demo and the benchmark: JSON Lines in the
published package format (`intake.package_format`), deterministic for a seed.

A package never carries content, and neither does a generated one: counts and
hashes only. Every name and account is obviously fictional: example.com,
example.org and example.net addresses, Ofcom's drama numbers (07700 900000 to
07700 900999), the documentation IP ranges (192.0.2.0/24, 198.51.100.0/24,
203.0.113.0/24 and 2001:db8::/32), made-up platforms.

What a package holds, by line (each position drawn once, from the seed):
- ordinary reports, each with identifiers of its own (an email, a username on a
  platform, an IPv6 address with its moment and port, sometimes a device id or a
  profile URL), so that each folds into an item of its own;
- `share_rate` of them in groups of four or more that share one identifier (a
  shared email, username, Ofcom phone number or documentation IPv4 address): each
  group folds into one item, a bundle;
- `malformed_rate` of them malformed, varied in turn: a line that is not JSON, an
  unknown source, an unknown incident type, an IP address without its moment, a
  moment in the future, base64 data in a field;
- `duplicates` lines repeating an earlier good line (the same source and report
  id: counted as a duplicate);
- `hits` reports carrying one of `other_force_identifiers` (identifiers held on a
  case of another force: each such report is deconflicted);
- `critical` reports whose provider said a child is at imminent risk or self-harming
  (each with identifiers of its own, so each is a critical item).
"""

import base64
import hashlib
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

# The demo forces' areas: Northtown and Southtown postcodes, as the demo's cases use.
NORTHSHIRE_POSTCODES = ("NT1 1AA", "NT2 0BB", "NT3 4CD", "NT4 7EF", "NT5 2GH", "NT6 9JK")
SOUTHSHIRE_POSTCODES = ("ST1 0CC", "ST2 5DE", "ST3 8FG")

PROVIDERS = ("Example Social", "Demo Messenger", "Fictional Video", "Sample Games Chat")
SOURCES = ("ncmec_cybertip", "ncmec_cybertip", "ncmec_cybertip", "nca_ceop", "iwf")
INCIDENT_TYPES = (
    "csam_shared",
    "csam_shared",
    "csam_shared",
    "online_enticement",
    "sextortion",
    "unsolicited_obscene_material",
    "other",
)
MALFORMED_KINDS = (
    "bad_json",
    "unknown_source",
    "ip_without_moment",
    "future_moment",
    "content_in_field",
    "unknown_incident_type",
)
GROUP_SIZE = 4


@dataclass(frozen=True)
class OtherForceIdentifier:
    """An identifier already held on another force's case, for some reports to carry."""

    kind: str
    value: str
    platform: str = ""


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _positions(rng: random.Random, count: int, wanted: dict[str, int]) -> dict[int, str]:
    """Distinct line positions for each special kind of line, drawn from the seed."""
    total = sum(wanted.values())
    if total > count:
        raise ValueError(f"{total} special lines do not fit in {count}.")
    # Duplicates repeat an earlier line: never the first ones.
    chosen = rng.sample(range(count), total)
    chosen_duplicates = [p for p in chosen if p >= 10][: wanted.get("duplicate", 0)]
    positions: dict[int, str] = dict.fromkeys(chosen_duplicates, "duplicate")
    rest = iter(p for p in chosen if p not in positions)
    for kind, number in wanted.items():
        if kind == "duplicate":
            continue
        for _ in range(number):
            position = next(rest, None)
            if position is None:  # pragma: no cover: only when count is tiny
                break
            positions[position] = kind
    return positions


def package_lines(
    *,
    count: int,
    seed: int,
    agency_area_postcodes: Sequence[str] = NORTHSHIRE_POSTCODES,
    outside_postcodes: Sequence[str] = SOUTHSHIRE_POSTCODES,
    share_rate: float = 0.05,
    malformed_rate: float = 0.01,
    duplicates: int = 0,
    critical: int = 0,
    hits: int = 0,
    other_force_identifiers: Sequence[OtherForceIdentifier] = (),
    now: datetime | None = None,
    package_reference: str | None = None,
    namespace: str = "",
) -> Iterator[str]:
    """`count` lines of a package (each without its newline), the same for the same
    arguments. `now` is the moment the package is built (received moments fall in the
    three days before it); `namespace` keeps the report ids and identifiers of one
    package apart from another's built with the same seed."""
    rng = random.Random(seed)  # noqa: S311 (reproducible data, not secrets)
    now = (now or datetime(2026, 12, 1, 9, 0, tzinfo=UTC)).astimezone(UTC)
    tag = f"{namespace}{seed}".lower()
    reference = package_reference or f"NCA-DEMO-{tag.upper()}"
    shared = round(count * share_rate)
    groups = shared // GROUP_SIZE
    if groups == 0:
        shared = 0
    if hits and not other_force_identifiers:
        raise ValueError("Hits need the other force's identifiers.")
    positions = _positions(
        rng,
        count,
        {
            "duplicate": duplicates,
            "malformed": round(count * malformed_rate),
            "shared": shared,
            "critical": critical,
            "hit": hits,
        },
    )
    report_base = 200_000_000 + (int(hashlib.sha256(tag.encode()).hexdigest(), 16) % 700_000_000)
    shared_seen = malformed_seen = critical_seen = hit_seen = 0
    last_good: str | None = None
    for index in range(count):
        kind = positions.get(index, "ordinary")
        if kind == "duplicate" and last_good is not None:
            yield last_good
            continue
        record = _report(
            rng,
            index=index,
            tag=tag,
            report_id=str(report_base + index),
            reference=reference,
            now=now,
            postcodes=agency_area_postcodes,
            outside=outside_postcodes,
        )
        if kind == "shared":
            record["identifiers"].append(_group_identifier(shared_seen % groups, tag, now))
            shared_seen += 1
        elif kind == "hit":
            other = other_force_identifiers[hit_seen % len(other_force_identifiers)]
            record["identifiers"].append(
                {"kind": other.kind, "value": other.value, "platform": other.platform}
                if other.platform
                else {"kind": other.kind, "value": other.value}
            )
            hit_seen += 1
        elif kind == "critical":
            indicator = "child_at_imminent_risk" if critical_seen % 2 == 0 else "self_harm"
            record[indicator] = True
            record["incident_type"] = "sextortion" if indicator == "self_harm" else "contact_abuse"
            age = 12 + critical_seen % 3
            record["children"] = [{"estimated_age": age, "location": "Northtown"}]
            critical_seen += 1
        elif kind == "malformed":
            yield _malformed(MALFORMED_KINDS[malformed_seen % len(MALFORMED_KINDS)], record, now)
            malformed_seen += 1
            continue
        line = json.dumps(record, separators=(",", ":"))
        if kind == "ordinary":
            last_good = line
        yield line


def _report(
    rng: random.Random,
    *,
    index: int,
    tag: str,
    report_id: str,
    reference: str,
    now: datetime,
    postcodes: Sequence[str],
    outside: Sequence[str],
) -> dict[str, Any]:
    received = now - timedelta(minutes=rng.randint(60, 72 * 60))
    incident = received - timedelta(minutes=rng.randint(60, 30 * 24 * 60))
    provider = PROVIDERS[rng.randrange(len(PROVIDERS))]
    identifiers: list[dict[str, Any]] = [
        {"kind": "email", "value": f"user.{tag}.{index}@example.com"},
        {"kind": "username", "value": f"Fictional_{tag}_{index}", "platform": provider},
        {
            "kind": "ip_address",
            "value": f"2001:db8:{rng.randrange(1, 0xFFFF):x}::{index + 1:x}",
            "seen_at": _iso(incident),
            "port": rng.choice((443, 8080, 50312, 61001)),
        },
    ]
    if rng.random() < 0.3:
        identifiers.append({"kind": "device_id", "value": f"DEV-{tag.upper()}-{index:06d}"})
    if rng.random() < 0.2:
        identifiers.append(
            {"kind": "profile_url", "value": f"https://social.example.net/u/{tag}-{index}"}
        )
    children: list[dict[str, Any]] = []
    for _ in range(rng.choice((0, 1, 1, 1, 2))):
        age = rng.choice((None, *range(4, 18)))
        children.append({"estimated_age": age, "location": rng.choice(("", "Northtown"))})
    total = rng.choice((None, *range(0, 40)))
    in_area = rng.random() >= 0.05
    postcode = rng.choice(postcodes if in_area else outside)
    return {
        "source": SOURCES[rng.randrange(len(SOURCES))],
        "source_report_id": report_id,
        "package_reference": reference,
        "received_at": _iso(received),
        "incident_at": _iso(incident),
        "service_provider": provider,
        "incident_type": INCIDENT_TYPES[rng.randrange(len(INCIDENT_TYPES))],
        "identifiers": identifiers,
        "children": children,
        "files_total": total,
        "files_viewed_by_provider": None if total is None else rng.randint(0, total),
        "files_hash_matched": None if total is None else rng.randint(0, total),
        **{
            name: rng.choice((None, None, False, False, False, rare))
            for name, rare in (
                ("child_at_imminent_risk", False),
                ("sextortion", True),
                ("self_harm", False),
                ("meeting_arranged", True),
                ("contact_offending", True),
                ("suspect_has_access_to_children", True),
            )
        },
        "country": "GB",
        "postcode": postcode if rng.random() < 0.8 else "",
        "area": "Northtown" if in_area else "Southtown",
    }


def _group_identifier(group: int, tag: str, now: datetime) -> dict[str, Any]:
    """The identifier group `group` shares: the same in every report of the group (an
    IP address with the same moment and port: an address matches only so)."""
    which = group % 4
    if which == 0:
        return {"kind": "email", "value": f"shared.{tag}.{group}@example.org"}
    if which == 1:
        return {"kind": "username", "value": f"Shared_{tag}_{group}", "platform": "Example Social"}
    if which == 2:
        return {"kind": "phone", "value": f"07700 900{group % 1000:03d}"}
    ranges = ("192.0.2", "198.51.100", "203.0.113")
    return {
        "kind": "ip_address",
        "value": f"{ranges[group % 3]}.{1 + group % 254}",
        "seen_at": _iso(now - timedelta(days=4, minutes=group)),
        "port": 443,
    }


def _malformed(kind: str, record: dict[str, Any], now: datetime) -> str:
    """A bad line of the kind named: the import rejects it, naming its line."""
    if kind == "bad_json":
        return json.dumps(record, separators=(",", ":"))[:70]
    if kind == "unknown_source":
        record["source"] = "carrier_pigeon"
    elif kind == "unknown_incident_type":
        record["incident_type"] = "not_a_type"
    elif kind == "ip_without_moment":
        record["identifiers"] = [
            {"kind": "ip_address", "value": "203.0.113.250", "port": 443},
        ]
    elif kind == "future_moment":
        # Eighty years on: still in the future whenever the package is imported.
        record["received_at"] = _iso(now.replace(year=now.year + 80))
    elif kind == "content_in_field":
        # File data where a name belongs: fictional bytes, base64-encoded.
        blob = bytes(range(120)) * 2
        record["service_provider"] = base64.b64encode(blob).decode()
    return json.dumps(record, separators=(",", ":"))
