"""Factories for intake records and the identifier index. Shared by the intake tests;
add a factory here rather than in tests/factories.py."""

import hashlib
from datetime import timedelta

import factory
from django.utils import timezone

from cases.models import Identifier, IdentifierKind, identifier_normalise
from intake.models import IntakeItem, IntakePackage, IntakeReport, PackageFormat, ReportSource
from tests.factories import AgencyFactory, UserFactory


class IntakePackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakePackage

    agency = factory.SubFactory(AgencyFactory)
    uploaded_by = factory.SubFactory(UserFactory)
    uploaded_at = factory.LazyFunction(timezone.now)
    file_name = "package.jsonl"
    format = PackageFormat.JSON_LINES
    size_bytes = 100
    sha256 = factory.Sequence(lambda n: hashlib.sha256(str(n).encode()).hexdigest())


class IntakeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakeItem

    agency = factory.SubFactory(AgencyFactory)
    received_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    report_count = 1
    action_due_at = factory.LazyAttribute(lambda o: o.received_at + timedelta(days=7))
    preservation_due_at = factory.LazyAttribute(lambda o: o.received_at + timedelta(days=7))


class IntakeReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakeReport

    agency = factory.SubFactory(AgencyFactory)
    package = factory.SubFactory(IntakePackageFactory, agency=factory.SelfAttribute("..agency"))
    line_number = factory.Sequence(lambda n: n + 1)
    source = ReportSource.NCMEC_CYBERTIP
    source_report_id = factory.Sequence(lambda n: f"{180000000 + n}")
    package_reference = "NCA-PKG-2026-0001"
    received_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    service_provider = "Example Social"
    incident_type = "csam_shared"


def identifier_make(
    *, kind: str, given: str, agency, platform: str = "", seen_at=None, port=None, **where
) -> Identifier:
    """An identifier row as the services store it (normalised), held by `agency` on
    the record named in `where` (case=, party=, person=, report_id=)."""
    if kind == IdentifierKind.IP_ADDRESS and seen_at is None:
        seen_at = timezone.now() - timedelta(days=1)
    normalised = identifier_normalise(kind, given, platform=platform, seen_at=seen_at, port=port)
    party = where.get("party")
    if party is not None:
        where.setdefault("case", party.case)
        where.setdefault("person", party.person)
        where.setdefault("compartment", party.compartment)
    return Identifier.objects.create(
        kind=kind,
        value=normalised.value,
        given=given,
        platform=normalised.platform,
        seen_at=normalised.seen_at,
        port=normalised.port,
        agency=agency,
        **where,
    )


def item_with_reports(
    *,
    agency,
    reports: int = 1,
    identifiers=(("email", "Jo.Bloggs@Example.com"),),
    children=({"estimated_age": 13, "location": "Northshire"},),
    package_reference: str = "NCA-PKG-2026-0001",
    **item_fields,
) -> IntakeItem:
    """An item of `agency` with `reports` reports, each carrying `children` and the
    identifiers `(kind, given)` (a username is on the platform "Example Social"),
    as the import and bundling leave them."""
    ages = [child.get("estimated_age") for child in children if child.get("estimated_age")]
    item = IntakeItemFactory(
        agency=agency,
        report_count=reports,
        youngest_age=min(ages) if ages else None,
        **item_fields,
    )
    for _ in range(reports):
        report = IntakeReportFactory(
            agency=agency,
            item=item,
            children=list(children),
            youngest_age=min(ages) if ages else None,
            package_reference=package_reference,
            received_at=item.received_at,
        )
        for kind, given in identifiers:
            identifier_make(
                kind=kind,
                given=given,
                agency=agency,
                platform="Example Social" if kind == IdentifierKind.USERNAME else "",
                report_id=report.pk,
            )
    return item
