"""The demo's intake: a package of 200 generated reports imported for Northshire
Police, as officer.north would import it, so that the intake queue shows

* two critical items on top (a child at imminent risk; a child self-harming);
* a bundle: reports that share an account, folded into one item;
* duplicates (the same report twice: counted, not kept twice) and bad lines, each
  rejected with its line and reason;
* an item held for deconfliction: two of its reports carry an email address that a
  suspect on a Southshire case already holds, so both forces learn only "another
  force holds a matching identifier: contact Southshire's Online CSA Team".

The Southshire case is made first (by investigator.south, in the Online CSA Team),
through the same services as real work. Idempotent: a package with the demo's key
is left alone, and so is the Southshire case.

`docs/demo/intake-demo-package.jsonl` is a second, smaller package (60 reports, 3
bad lines, one critical) for importing through the page: `demo_file_lines` builds it.
"""

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cases.models import Case, IdentifierKind
from cases.services.cases import case_create
from cases.services.identifiers import party_identifier_add
from cases.services.people import party_add_for_person
from intake.demo_package import NORTHSHIRE_POSTCODES, OtherForceIdentifier, package_lines
from intake.models import IntakePackage
from intake.services.packages import package_import, package_upload

PACKAGE_KEY = "demo-intake-northshire-0001"
PACKAGE_FILE_NAME = "NCA-DEMO-20261201.jsonl"
SOUTH_CASE_KEY = "DEMO-INTAKE-SOUTH-0001"
# What the Southshire suspect is known by, and the demo package's reports carry.
SHARED_EMAIL = "reece.invented@example.org"
DEMO_SEED = 17
DEMO_REPORTS = 200

# The page's package (docs/demo/intake-demo-package.jsonl): fixed moments, so that
# the committed file is the same whoever builds it.
FILE_SEED = 60
FILE_REPORTS = 60
FILE_BUILT_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _user(username: str) -> User:
    return User.objects.select_related("membership__agency", "membership__team").get(
        username=username
    )


def south_case_seed() -> Case:
    """Southshire's case whose suspect holds SHARED_EMAIL (a party identifier), led by
    investigator.south in the Online CSA Team: the team the contact names."""
    existing = Case.objects.filter(
        owning_agency__slug="southshire-police", source_reference=SOUTH_CASE_KEY
    ).first()
    if existing is not None:
        return existing
    investigator = _user("investigator.south")
    received = timezone.localdate() - timedelta(days=20)
    case = case_create(
        actor=investigator,
        title="Indecent images shared through a messaging app (Southshire)",
        summary="A Southshire man sharing indecent images of children; devices seized.",
        source="nca_industry_report",
        source_reference=SOUTH_CASE_KEY,
        received_on=received,
        opened_on=received,
        lead_officer=investigator,
        team=investigator.membership.team,
    )
    suspect = party_add_for_person(
        actor=investigator,
        case=case,
        person=None,
        new_person={
            "first_name": "Reece",
            "last_name": "Invented",
            "date_of_birth": date(received.year - 41, 3, 1),
            "gender": "male",
            "address": "12 Made-up Street, Southtown ST2 5DE",
        },
        role="suspect",
    )
    party_identifier_add(
        actor=investigator, party=suspect, kind=IdentifierKind.EMAIL, given=SHARED_EMAIL
    )
    return case


def demo_package_lines(*, now: datetime) -> Iterator[str]:
    """The 200 reports seed_demo imports, received in the three days before `now`."""
    return package_lines(
        count=DEMO_REPORTS,
        seed=DEMO_SEED,
        agency_area_postcodes=NORTHSHIRE_POSTCODES,
        share_rate=0.05,
        malformed_rate=0.03,
        duplicates=4,
        critical=2,
        hits=2,
        other_force_identifiers=[OtherForceIdentifier(IdentifierKind.EMAIL, SHARED_EMAIL)],
        now=now,
        package_reference="NCA-DEMO-0001",
        namespace="demo",
    )


def demo_file_lines() -> Iterator[str]:
    """docs/demo/intake-demo-package.jsonl: 60 reports, 3 bad lines, one critical."""
    return package_lines(
        count=FILE_REPORTS,
        seed=FILE_SEED,
        agency_area_postcodes=NORTHSHIRE_POSTCODES,
        share_rate=0.1,
        malformed_rate=0.05,
        duplicates=1,
        critical=1,
        now=FILE_BUILT_AT,
        package_reference="NCA-DEMO-0002",
        namespace="page",
    )


def seed_intake_demo() -> str:
    if IntakePackage.objects.filter(
        agency__slug="northshire-police", idempotency_key=PACKAGE_KEY
    ).exists():
        return "already there"
    with transaction.atomic():
        south_case_seed()
    officer = _user("officer.north")
    data = "".join(f"{line}\n" for line in demo_package_lines(now=timezone.now())).encode()
    package = package_upload(
        actor=officer,
        file_name=PACKAGE_FILE_NAME,
        stream=io.BytesIO(data),
        content_type="application/x-ndjson",
        size=len(data),
        idempotency_key=PACKAGE_KEY,
        queue_import=False,
    )
    package = package_import(package_id=package.pk)
    return (
        f"{package.processed} reports: {package.accepted} accepted, "
        f"{package.rejected} rejected, {package.duplicates} duplicates"
    )
