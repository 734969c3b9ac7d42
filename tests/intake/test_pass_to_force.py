"""Passing an intake item to another force hands the referral over (issue #17:
nothing is lost): the item's reports and identifiers become the receiving force's,
in a package of theirs standing for the handover, bundled into an item of their
queue; the passing force keeps its decided item and cannot see the new one."""

import pytest

from agencies.models import AccessLogEntry, Role
from cases.models import Identifier, IdentifierKind
from common.errors import InvalidState, NotFound, ValidationError
from common.models import Notification
from intake.models import (
    IntakeItem,
    IntakePackage,
    IntakeReport,
    ItemState,
    PackageFormat,
    PackageState,
)
from intake.selectors.items import intake_queue, item_get_for_actor
from intake.services.decisions import item_pass_to_force
from tests.factories import AgencyFactory, MembershipFactory
from tests.intake.factories import IntakeReportFactory, identifier_make, item_with_reports

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return AgencyFactory(slug="pass-home-police", name="Northshire Police")


@pytest.fixture
def officer(home):
    return MembershipFactory(agency=home, role=Role.GENERALIST_OFFICER).user


@pytest.fixture
def receiver():
    return AgencyFactory(slug="pass-receiving-police", name="Southshire Police")


@pytest.fixture
def their_officer(receiver):
    return MembershipFactory(agency=receiver, role=Role.GENERALIST_OFFICER).user


def _item(home, reports=2):
    return item_with_reports(
        agency=home,
        reports=reports,
        identifiers=(
            (IdentifierKind.EMAIL, "Jo.Bloggs@Example.com"),
            (IdentifierKind.USERNAME, "JoB_99"),
        ),
    )


def _identifiers(agency, reports):
    by_report = {report.pk: report.source_report_id for report in reports}
    return sorted(
        (by_report[row.report_id], row.kind, row.value, row.platform)
        for row in Identifier.objects.filter(agency=agency, report_id__in=list(by_report))
    )


def _nothing_handed_over(receiver):
    return (
        not IntakePackage.objects.filter(agency=receiver).exists()
        and not IntakeReport.objects.filter(agency=receiver).exists()
        and not IntakeItem.objects.filter(agency=receiver).exists()
        and not Identifier.objects.filter(agency=receiver).exists()
    )


def test_passing_hands_the_reports_and_identifiers_to_the_receiving_queue(
    home, officer, receiver, their_officer, django_assert_max_num_queries
):
    # given an item of two reports, each with an email and a username
    item = _item(home)
    originals = list(item.reports.order_by("received_at", "id"))
    # when it is passed to the receiving force
    with django_assert_max_num_queries(80):
        item_pass_to_force(actor=officer, item=item, agency=receiver, reason="Their area")
    # then their queue holds one item with the same reports and identifiers
    queue = list(intake_queue(actor=their_officer))
    assert len(queue) == 1
    received = queue[0]
    assert received.state == ItemState.AWAITING_DECISION
    copies = list(IntakeReport.objects.filter(item=received))
    assert sorted(r.source_report_id for r in copies) == sorted(
        r.source_report_id for r in originals
    )
    assert received.report_count == 2
    assert _identifiers(receiver, copies) == _identifiers(home, originals)
    # the copies are the same reports, in a package standing for the handover
    first = next(c for c in copies if c.source_report_id == originals[0].source_report_id)
    for field in ("source", "received_at", "incident_type", "service_provider", "children"):
        assert getattr(first, field) == getattr(originals[0], field)
    package = IntakePackage.objects.get(agency=receiver)
    assert package.file_name == "Passed on by Northshire Police"
    assert (package.stored_name, package.size_bytes, package.format) == (
        "",
        0,
        PackageFormat.JSON_LINES,
    )
    assert package.raw_disposed_at is not None
    assert package.state == PackageState.IMPORTED
    assert (package.processed, package.accepted, package.duplicates, package.rejected) == (
        2,
        2,
        0,
        0,
    )
    assert package.uploaded_by == officer
    assert sorted(c.line_number for c in copies) == [1, 2]
    assert {c.package_id for c in copies} == {package.pk}
    # and the passing force's item stays decided, its reports its own
    item.refresh_from_db()
    assert (item.state, item.decision, item.passed_to) == (
        ItemState.DECIDED,
        "pass_to_force",
        receiver,
    )
    assert item.reports.count() == 2
    # the receiving item has its own preservation clock
    assert received.preservation_due_at is not None


def test_the_passing_force_cannot_see_the_new_item(home, officer, receiver):
    item = _item(home)
    item_pass_to_force(actor=officer, item=item, agency=receiver, reason="Their area")
    received = IntakeItem.objects.get(agency=receiver)
    with pytest.raises(NotFound):
        item_get_for_actor(actor=officer, item_id=received.pk)
    assert received not in intake_queue(actor=officer)


def test_the_handover_is_logged_on_both_sides_and_the_supervisor_linked(home, officer, receiver):
    supervisor = MembershipFactory(agency=receiver, role=Role.POLICE_SUPERVISOR).user
    item = _item(home)
    item_pass_to_force(actor=officer, item=item, agency=receiver, reason="Their area")
    received = IntakeItem.objects.get(agency=receiver)
    given = AccessLogEntry.objects.get(action="intake.item.handed_over")
    assert (given.object_id, given.object_agency_slug) == (str(item.pk), home.slug)
    taken = AccessLogEntry.objects.get(action="intake.item.received")
    assert (taken.object_id, taken.object_agency_slug) == (str(received.pk), receiver.slug)
    told = Notification.objects.get(user=supervisor)
    assert told.link == f"/intake/items/{received.pk}/"
    for secret in [r.source_report_id for r in item.reports.all()] + ["jo.bloggs", "JoB_99"]:
        assert secret not in told.message


def test_a_report_the_receiver_holds_is_a_duplicate_and_nothing_is_lost(
    home, officer, receiver, their_officer
):
    # given the receiving force holds one of the item's two reports already
    item = _item(home)
    originals = list(item.reports.order_by("received_at", "id"))
    theirs = item_with_reports(agency=receiver, reports=0, identifiers=())
    held = IntakeReportFactory(
        agency=receiver,
        item=theirs,
        source=originals[0].source,
        source_report_id=originals[0].source_report_id,
    )
    identifier_make(
        kind=IdentifierKind.EMAIL,
        given="Jo.Bloggs@Example.com",
        agency=receiver,
        report_id=held.pk,
    )
    # when the item is passed to them
    item_pass_to_force(actor=officer, item=item, agency=receiver, reason="Their area")
    # then the held report is counted as a duplicate, the other one is handed over
    package = IntakePackage.objects.get(agency=receiver, file_name__startswith="Passed on")
    assert (package.processed, package.accepted, package.duplicates) == (2, 1, 1)
    source_ids = set(
        IntakeReport.objects.filter(agency=receiver).values_list("source_report_id", flat=True)
    )
    assert source_ids == {r.source_report_id for r in originals}
    assert IntakeReport.objects.filter(agency=receiver).count() == 2
    # and (sharing the email) they are one item of their queue
    queue = list(intake_queue(actor=their_officer))
    assert len(queue) == 1
    assert set(
        IntakeReport.objects.filter(item=queue[0]).values_list("source_report_id", flat=True)
    ) == {r.source_report_id for r in originals}


def test_every_report_held_already_links_to_the_receivers_item(home, officer, receiver):
    supervisor = MembershipFactory(agency=receiver, role=Role.POLICE_SUPERVISOR).user
    item = _item(home, reports=1)
    original = item.reports.get()
    theirs = item_with_reports(agency=receiver, reports=0, identifiers=())
    IntakeReportFactory(
        agency=receiver,
        item=theirs,
        source=original.source,
        source_report_id=original.source_report_id,
    )
    item_pass_to_force(actor=officer, item=item, agency=receiver, reason="Their area")
    package = IntakePackage.objects.get(agency=receiver, file_name__startswith="Passed on")
    assert (package.accepted, package.duplicates) == (0, 1)
    assert Notification.objects.get(user=supervisor).link == f"/intake/items/{theirs.pk}/"


def test_refusals_hand_nothing_over(home, officer, receiver):
    item = _item(home)
    hub = AgencyFactory(mash=True)
    with pytest.raises(ValidationError):
        item_pass_to_force(actor=officer, item=item, agency=hub, reason="Out of area")
    assert _nothing_handed_over(hub)
    held = _item(home)
    held.state = ItemState.HELD_FOR_DECONFLICTION
    held.save(update_fields=["state"])
    with pytest.raises(InvalidState):
        item_pass_to_force(actor=officer, item=held, agency=receiver, reason="Out of area")
    assert _nothing_handed_over(receiver)
    held.refresh_from_db()
    assert held.state == ItemState.HELD_FOR_DECONFLICTION
    assert not AccessLogEntry.objects.filter(
        action__in=["intake.item.handed_over", "intake.item.received"]
    ).exists()
