"""The demo's fixed names: part of the product's contract (tests, documentation
and the demo all use them). These secrets exist only in the demo.

Later capabilities add their demo records through `demo_seeder_register`, called
from their AppConfig.ready(): agencies knows nothing of the apps above it."""

from collections.abc import Callable

from agencies.models import AgencyKind, CharityService, Role

_SEEDERS: list[tuple[int, str, Callable[[], str]]] = []


def demo_seeder_register(*, order: int, name: str, seeder: Callable[[], str]) -> None:
    """`seeder()` must be idempotent and returns a one-line summary of what it made."""
    if all(existing != name for _, existing, _ in _SEEDERS):
        _SEEDERS.append((order, name, seeder))


def demo_seeders() -> list[tuple[str, Callable[[], str]]]:
    return [(name, seeder) for _, name, seeder in sorted(_SEEDERS, key=lambda s: (s[0], s[1]))]


DEMO_PASSWORD = "tideline-demo-2026"
# RFC 6238's test key: base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"

AGENCIES = [
    # slug, name, kind, charity service, teams (slug, name)
    (
        "northshire-police",
        "Northshire Police",
        AgencyKind.POLICE,
        "",
        [("online-csa", "Online CSA Team"), ("response-north", "North Response Team")],
    ),
    (
        "southshire-police",
        "Southshire Police",
        AgencyKind.POLICE,
        "",
        [("online-csa", "Online CSA Team"), ("response-south", "South Response Team")],
    ),
    (
        "northshire-childrens-services",
        "Northshire Children's Services",
        AgencyKind.CHILDRENS_SERVICES,
        "",
        [("assessment", "Assessment Team"), ("child-protection", "Child Protection Team")],
    ),
    (
        "northshire-mash",
        "Northshire MASH",
        AgencyKind.SAFEGUARDING_HUB,
        "",
        [("front-door", "Front Door Team")],
    ),
    (
        "harbour-victim-support",
        "Harbour Victim Support",
        AgencyKind.CHARITY,
        CharityService.VICTIM_SUPPORT,
        [("children-young-people", "Children and Young People's Service")],
    ),
    (
        "lighthouse-family-support",
        "Lighthouse Family Support",
        AgencyKind.CHARITY,
        CharityService.FAMILY_SUPPORT,
        [("family-support", "Family Support Service")],
    ),
]

# Case references start with these: NP-2026-000001.
CASE_PREFIXES = {
    "northshire-police": "NP",
    "southshire-police": "SP",
    "northshire-childrens-services": "NCS",
    "northshire-mash": "NM",
}

USERS = [
    # username, first name, last name, agency slug, role, team slug
    (
        "officer.north",
        "Olivia",
        "Northam",
        "northshire-police",
        Role.GENERALIST_OFFICER,
        "response-north",
    ),
    (
        "investigator.north",
        "Isaac",
        "Norwood",
        "northshire-police",
        Role.SPECIALIST_INVESTIGATOR,
        "online-csa",
    ),
    (
        "supervisor.north",
        "Sunita",
        "Northcott",
        "northshire-police",
        Role.POLICE_SUPERVISOR,
        "online-csa",
    ),
    ("admin.north", "Adam", "Northfield", "northshire-police", Role.AGENCY_ADMIN, None),
    ("auditor.north", "Aisha", "Northgate", "northshire-police", Role.AUDITOR, None),
    ("records.north", "Rhys", "Northwood", "northshire-police", Role.RECORDS_MANAGER, None),
    (
        "officer.south",
        "Oscar",
        "Southall",
        "southshire-police",
        Role.GENERALIST_OFFICER,
        "response-south",
    ),
    (
        "investigator.south",
        "Imogen",
        "Southwell",
        "southshire-police",
        Role.SPECIALIST_INVESTIGATOR,
        "online-csa",
    ),
    # Decides on the demo's transfer from Northshire (cases.demo_transfer).
    (
        "supervisor.south",
        "Simone",
        "Southgate",
        "southshire-police",
        Role.POLICE_SUPERVISOR,
        "online-csa",
    ),
    ("coordinator.mash", "Chloe", "Masham", "northshire-mash", Role.MASH_COORDINATOR, "front-door"),
    (
        "social.worker",
        "Samir",
        "Walker",
        "northshire-childrens-services",
        Role.SOCIAL_WORKER,
        "assessment",
    ),
    (
        "caseworker.harbour",
        "Hannah",
        "Harbour",
        "harbour-victim-support",
        Role.PARTNER_CASEWORKER,
        "children-young-people",
    ),
    (
        "caseworker.lighthouse",
        "Liam",
        "Lighthouse",
        "lighthouse-family-support",
        Role.PARTNER_CASEWORKER,
        "family-support",
    ),
]
