"""The demo's intake: seed_demo imports 200 generated reports for Northshire Police as
officer.north. The queue has a critical item first; an item is held with a hit on
Southshire's case, naming Southshire's Online CSA Team; the bad lines are rejected
with their line and reason; the duplicates are counted. Seeding again changes
nothing. The committed page package (docs/demo/intake-demo-package.jsonl) is the one
the generator builds."""

import ipaddress
import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from agencies import demo
from agencies.models import Team
from cases.models import Case, Identifier
from intake.demo import (
    FILE_REPORTS,
    PACKAGE_KEY,
    SOUTH_CASE_KEY,
    demo_file_lines,
    seed_intake_demo,
)
from intake.demo_package import package_lines
from intake.models import (
    DeconflictionHit,
    IntakeItem,
    IntakePackage,
    IntakeRejection,
    IntakeReport,
    ItemState,
)
from safeguarding.demo import seed_scales

pytestmark = pytest.mark.slow

DEMO_FILE = Path(django_settings.BASE_DIR) / "docs" / "demo" / "intake-demo-package.jsonl"


def _snapshot() -> dict:
    return {
        "packages": sorted(
            IntakePackage.objects.values_list(
                "file_name", "state", "processed", "accepted", "rejected", "duplicates"
            )
        ),
        "rejections": sorted(IntakeRejection.objects.values_list("line_number", "field", "reason")),
        "reports": IntakeReport.objects.count(),
        "items": sorted(IntakeItem.objects.values_list("state", "band", "report_count")),
        "hits": DeconflictionHit.objects.count(),
        "identifiers": Identifier.objects.count(),
        "south_cases": Case.objects.filter(source_reference=SOUTH_CASE_KEY).count(),
    }


def test_the_demo_imports_a_package_with_a_critical_item_first_a_hit_and_rejects(
    db, settings, monkeypatch
):
    settings.DEBUG = True
    # The command's agencies and users, the scales triage reads, then this seeder.
    monkeypatch.setattr(
        demo,
        "demo_seeders",
        lambda: [("risk scales", seed_scales), ("intake", seed_intake_demo)],
    )
    # given
    call_command("seed_demo")
    first = _snapshot()
    # when
    call_command("seed_demo")
    # then: nothing changed
    assert _snapshot() == first
    assert seed_intake_demo() == "already there"
    package = IntakePackage.objects.get(
        agency__slug="northshire-police", idempotency_key=PACKAGE_KEY
    )
    assert package.uploaded_by.username == "officer.north"
    assert (package.processed, package.accepted, package.rejected, package.duplicates) == (
        200,
        190,
        6,
        4,
    )
    # the bad lines, each with its line and reason, one of each kind
    rejections = list(package.rejections.order_by("line_number"))
    assert {r.field for r in rejections} == {
        "",
        "source",
        "incident_type",
        "identifiers.0.seen_at",
        "received_at",
        "service_provider",
    }
    assert all(r.line_number > 0 and r.reason for r in rejections)
    assert next(r for r in rejections if r.field == "").reason.startswith(
        "The line is not valid JSON"
    )
    assert next(r for r in rejections if r.field == "received_at").reason == (
        "This moment is in the future."
    )
    # the queue: two critical items, on top
    queue = list(
        IntakeItem.objects.filter(agency__slug="northshire-police")
        .exclude(state=ItemState.DECIDED)
        .order_by("band", "action_due_at", "id")
    )
    assert [item.band for item in queue[:3]] == [0, 0, 1]
    # a bundle: reports that share an account, folded into one item
    assert max(item.report_count for item in queue) >= 4
    # the hit: held, naming Southshire's Online CSA Team and nothing of its case
    south_case = Case.objects.get(source_reference=SOUTH_CASE_KEY)
    [hit] = DeconflictionHit.objects.filter(holding_case=south_case)
    assert hit.item.state == ItemState.HELD_FOR_DECONFLICTION
    assert hit.item.agency.slug == "northshire-police"
    assert hit.item.report_count == 2
    assert hit.holding_contact_team == Team.objects.get(
        agency__slug="southshire-police", slug="online-csa"
    )


def test_the_page_package_is_the_one_the_generator_builds():
    # given / when
    lines = list(demo_file_lines())
    # then: deterministic, committed as built, 60 reports
    assert lines == list(demo_file_lines())
    assert len(lines) == FILE_REPORTS
    assert DEMO_FILE.read_text(encoding="utf-8") == "".join(f"{line}\n" for line in lines)


def test_the_generator_is_deterministic_and_fictional():
    # given
    arguments = {"count": 800, "seed": 3, "duplicates": 2, "critical": 2, "share_rate": 0.1}
    # when
    lines = list(package_lines(**arguments))
    # then
    assert lines == list(package_lines(**arguments))
    assert lines != list(package_lines(**{**arguments, "seed": 4}))
    documentation = [
        ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
    ]
    kinds = set()
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        for found in record.get("identifiers", []):
            kind, value = found["kind"], found["value"]
            kinds.add(kind)
            if kind == "email":
                assert value.rsplit("@", 1)[1] in {"example.com", "example.org"}
            elif kind == "profile_url":
                assert value.startswith("https://social.example.net/")
            elif kind == "phone":
                assert value.startswith("07700 900")
            elif kind == "ip_address":
                address = ipaddress.ip_address(value)
                assert address in ipaddress.ip_network("2001:db8::/32") or any(
                    address in network for network in documentation
                )
    assert kinds == {"email", "username", "phone", "ip_address", "profile_url", "device_id"}
