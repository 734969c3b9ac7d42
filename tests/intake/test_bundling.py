"""Bundling: reports of one agency sharing a person's identifier fold into one
undecided item; a bridging report merges two; IPs match only within the window."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import IdentifierKind
from intake.models import DeconflictionHit, IntakeDecision, IntakeItem, IntakeReport, ItemState
from intake.services.bundling import reports_bundle
from tests.intake.factories import IntakeReportFactory, identifier_make

pytestmark = pytest.mark.django_db


def _report(agency, *identifiers, **fields):
    """A saved report of `agency` with identifiers given as (kind, value[, extras])."""
    report = IntakeReportFactory(agency=agency, **fields)
    for kind, given, *extra in identifiers:
        identifier_make(
            kind=kind,
            given=given,
            agency=agency,
            report_id=report.pk,
            **(extra[0] if extra else {}),
        )
    return report


def _item_of(report):
    report.refresh_from_db()
    return report.item


def test_a_shared_email_folds_two_reports_into_one_item(north):
    a = _report(north, (IdentifierKind.EMAIL, "Jo.Bloggs@Example.com"))
    b = _report(north, (IdentifierKind.EMAIL, "jo.bloggs@example.COM"))
    reports_bundle(reports=[a, b])
    item = _item_of(a)
    assert _item_of(b) == item
    assert item.report_count == 2
    assert IntakeItem.objects.count() == 1


def test_a_later_batch_folds_into_the_undecided_item(north):
    early = timezone.now() - timedelta(days=2)
    a = _report(north, (IdentifierKind.PHONE, "07700 900123"), received_at=early, youngest_age=14)
    reports_bundle(reports=[a])
    b = _report(north, (IdentifierKind.PHONE, "+447700900123"), youngest_age=9)
    reports_bundle(reports=[b])
    item = _item_of(a)
    assert _item_of(b) == item
    item.refresh_from_db()
    assert (item.report_count, item.youngest_age, item.received_at) == (2, 9, early)


def test_a_viral_flood_sharing_one_account_is_one_item(north):
    reports = [
        _report(
            north,
            (IdentifierKind.USERNAME, "ViralSharer", {"platform": "Example Social"}),
            files_total=1,
            files_hash_matched=1,
        )
        for _ in range(300)
    ]
    reports_bundle(reports=reports[:150])
    reports_bundle(reports=reports[150:])
    assert IntakeItem.objects.count() == 1
    item = IntakeItem.objects.get()
    assert item.report_count == 300
    assert IntakeReport.objects.filter(item=item).count() == 300
    factors = {f["factor"]: f for f in item.triage_factors}
    assert factors["hash_matches"]["value"] == 300
    assert factors["reports"]["value"] == 300


VIRAL_SHA256 = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"


def test_a_viral_image_reported_from_300_accounts_is_one_item(north):
    # given 300 reports from 300 different accounts, each carrying the image's hash
    reports = [
        _report(
            north,
            (IdentifierKind.USERNAME, f"sharer{n}", {"platform": "Example Social"}),
            (IdentifierKind.EMAIL, f"sharer{n}@example.com"),
            (IdentifierKind.FILE_HASH, VIRAL_SHA256 if n % 2 else VIRAL_SHA256.lower()),
            files_total=1,
            files_hash_matched=1,
        )
        for n in range(300)
    ]
    # when they arrive in two batches
    reports_bundle(reports=reports[:150])
    reports_bundle(reports=reports[150:])
    # then they are one item listing all 300
    item = IntakeItem.objects.get()
    assert item.report_count == 300
    assert set(IntakeReport.objects.filter(item=item).values_list("pk", flat=True)) == {
        report.pk for report in reports
    }
    factors = {f["factor"]: f for f in item.triage_factors}
    assert factors["reports"]["value"] == 300
    # an image seen before names nobody: it is no repeat identifier
    assert factors["repeat_identifiers"]["value"] is not True


def test_a_hash_another_force_holds_folds_nothing_and_is_no_deconfliction_hit(north, south):
    from tests.factories import CaseFactory

    # given Southshire holds the image's hash on a case and on a report of its own
    case = CaseFactory(owning_agency=south)
    identifier_make(kind=IdentifierKind.FILE_HASH, given=VIRAL_SHA256, agency=south, case=case)
    theirs = _report(south, (IdentifierKind.FILE_HASH, VIRAL_SHA256))
    reports_bundle(reports=[theirs])
    # when Northshire's report of the same image is bundled
    ours = _report(north, (IdentifierKind.FILE_HASH, VIRAL_SHA256))
    reports_bundle(reports=[ours])
    # then it is Northshire's own item, not held: a hash never deconflicts
    item = _item_of(ours)
    assert item != _item_of(theirs)
    assert item.agency == north
    assert item.state == ItemState.AWAITING_DECISION
    assert not DeconflictionHit.objects.exists()


def test_a_hash_on_the_agencys_own_case_is_no_repeat_identifier(north):
    from tests.factories import CaseFactory

    case = CaseFactory(owning_agency=north)
    identifier_make(kind=IdentifierKind.FILE_HASH, given=VIRAL_SHA256, agency=north, case=case)
    a = _report(north, (IdentifierKind.FILE_HASH, VIRAL_SHA256))
    reports_bundle(reports=[a])
    factors = {f["factor"]: f for f in _item_of(a).triage_factors}
    assert factors["repeat_identifiers"]["value"] is None


def test_usernames_match_only_on_the_same_platform(north):
    a = _report(north, (IdentifierKind.USERNAME, "sam", {"platform": "Example Social"}))
    b = _report(north, (IdentifierKind.USERNAME, "SAM", {"platform": "Other Chat"}))
    reports_bundle(reports=[a, b])
    assert _item_of(a) != _item_of(b)


def test_unrelated_reports_stay_apart(north):
    a = _report(north, (IdentifierKind.EMAIL, "one@example.com"))
    b = _report(north, (IdentifierKind.EMAIL, "two@example.com"))
    c = _report(north)
    d = _report(north, (IdentifierKind.SOURCE_REPORT, "123"))
    e = _report(north, (IdentifierKind.SOURCE_REPORT, "123"))
    reports_bundle(reports=[a, b, c, d, e])
    assert len({_item_of(r).pk for r in (a, b, c, d, e)}) == 5


def test_a_bridging_report_merges_two_items_keeping_history(north):
    a = _report(
        north, (IdentifierKind.EMAIL, "a@example.com"), received_at=timezone.now() - timedelta(1)
    )
    b = _report(north, (IdentifierKind.DEVICE_ID, "dev-1"))
    reports_bundle(reports=[a])
    reports_bundle(reports=[b])
    first, second = _item_of(a), _item_of(b)
    assert first != second
    bridge = _report(
        north, (IdentifierKind.EMAIL, "A@example.com"), (IdentifierKind.DEVICE_ID, "DEV-1")
    )
    reports_bundle(reports=[bridge])
    survivor = _item_of(bridge)
    assert survivor == first  # the item received first survives
    assert _item_of(a) == _item_of(b) == survivor
    survivor.refresh_from_db()
    assert survivor.report_count == 3
    assert not IntakeItem.objects.filter(pk=second.pk).exists()
    gone = IntakeItem.history.filter(id=second.pk, history_type="-").get()
    assert gone.history_change_reason == f"Merged into {first.pk}"


def test_reports_in_one_batch_chain_together(north):
    a = _report(north, (IdentifierKind.EMAIL, "a@example.com"))
    b = _report(
        north, (IdentifierKind.EMAIL, "a@example.com"), (IdentifierKind.PHONE, "07700900001")
    )
    c = _report(north, (IdentifierKind.PHONE, "07700 900001"))
    reports_bundle(reports=[a, b, c])
    assert _item_of(a) == _item_of(b) == _item_of(c)


def test_a_report_matching_only_a_decided_item_starts_a_new_one(north, officer_north):
    a = _report(north, (IdentifierKind.EMAIL, "a@example.com"))
    reports_bundle(reports=[a])
    decided = _item_of(a)
    decided.state = ItemState.DECIDED
    decided.decision = IntakeDecision.NO_FURTHER_ACTION
    decided.decided_at = timezone.now()
    decided.save()
    b = _report(north, (IdentifierKind.EMAIL, "a@example.com"))
    reports_bundle(reports=[b])
    new = _item_of(b)
    assert new != decided
    factors = {f["factor"]: f for f in new.triage_factors}
    assert factors["repeat_identifiers"]["value"] is True


def test_ip_addresses_match_within_the_hour_on_the_same_port(north):
    moment = timezone.now() - timedelta(days=1)
    ip = IdentifierKind.IP_ADDRESS
    a = _report(north, (ip, "203.0.113.7", {"seen_at": moment, "port": 443}))
    near = _report(
        north, (ip, "203.0.113.7", {"seen_at": moment + timedelta(minutes=50), "port": 443})
    )
    far = _report(north, (ip, "203.0.113.7", {"seen_at": moment + timedelta(hours=3)}))
    other_port = _report(north, (ip, "203.0.113.7", {"seen_at": moment, "port": 8080}))
    reports_bundle(reports=[a, near, far, other_port])
    assert _item_of(a) == _item_of(near)
    assert _item_of(far) != _item_of(a)
    assert _item_of(other_port) not in {_item_of(a), _item_of(far)}


def test_an_ip_outside_the_window_in_a_later_batch_stays_apart(north):
    moment = timezone.now() - timedelta(days=1)
    ip = IdentifierKind.IP_ADDRESS
    a = _report(north, (ip, "2001:db8::1", {"seen_at": moment}))
    reports_bundle(reports=[a])
    b = _report(north, (ip, "2001:0db8:0::1", {"seen_at": moment + timedelta(minutes=61)}))
    reports_bundle(reports=[b])
    assert _item_of(a) != _item_of(b)
    c = _report(north, (ip, "2001:db8::1", {"seen_at": moment - timedelta(minutes=30)}))
    reports_bundle(reports=[c])
    assert _item_of(c) == _item_of(a)


def test_another_agencys_reports_never_fold_in(north, south):
    a = _report(north, (IdentifierKind.EMAIL, "shared@example.com"))
    reports_bundle(reports=[a])
    b = _report(south, (IdentifierKind.EMAIL, "shared@example.com"))
    c = _report(north, (IdentifierKind.EMAIL, "shared@example.com"))
    reports_bundle(reports=[b, c])
    assert _item_of(b) != _item_of(a)
    assert _item_of(b).agency == south
    assert _item_of(c) == _item_of(a)


def test_an_identifier_on_the_agencys_case_is_a_repeat(north):
    from tests.factories import CaseFactory

    case = CaseFactory(owning_agency=north)
    identifier_make(kind=IdentifierKind.EMAIL, given="known@example.com", agency=north, case=case)
    a = _report(north, (IdentifierKind.EMAIL, "known@example.com"))
    reports_bundle(reports=[a])
    factors = {f["factor"]: f for f in _item_of(a).triage_factors}
    assert factors["repeat_identifiers"]["value"] is True
    assert factors["repeat_identifiers"]["points"] == 20


def test_the_preservation_clock_starts_at_the_earliest_report(north):
    a = _report(north, (IdentifierKind.EMAIL, "a@example.com"))
    reports_bundle(reports=[a])
    item = _item_of(a)
    assert item.preservation_due_at > item.received_at


def _batch(agency, size, offset):
    reports = []
    for n in range(size):
        reports.append(
            _report(
                agency,
                (IdentifierKind.EMAIL, f"person{offset + n}@example.com"),
                (IdentifierKind.USERNAME, "viral", {"platform": "Example Social"}),
                (
                    IdentifierKind.IP_ADDRESS,
                    "198.51.100.1",
                    {"seen_at": timezone.now() - timedelta(days=n % 3)},
                ),
            )
        )
    return reports


@pytest.mark.parametrize("size", [5, 40])
def test_bundling_queries_do_not_grow_with_the_batch(north, size, django_assert_max_num_queries):
    reports_bundle(reports=_batch(north, 3, 1000))  # an existing item to fold into
    reports = _batch(north, size, 0)
    # identifiers, earlier identifiers, their reports' items, the items, the report
    # update, facts, targets, scale, agencies, history, deconfliction (a no-op here).
    with django_assert_max_num_queries(16):
        reports_bundle(reports=reports)
    assert IntakeItem.objects.count() == 1


def _unrelated(agency, size, offset):
    return [
        _report(
            agency,
            (IdentifierKind.EMAIL, f"someone{offset + n}@example.com"),
            (IdentifierKind.DEVICE_ID, f"device-{offset + n}"),
        )
        for n in range(size)
    ]


# Up to 30: SQLite takes at most 999 parameters a statement, so Django splits a bigger
# insert of items (about 30 columns); PostgreSQL inserts any number in one.
@pytest.mark.parametrize("size", [5, 30])
def test_bundling_queries_are_constant_for_new_items(north, size, django_assert_num_queries):
    """The batch's identifiers, the earlier ones, the agencies, the agency's targets
    and scale, the closure days, the items and their history (two inserts), the
    reports' items, and the deconfliction of all the new items (one query)."""
    reports_bundle(reports=_unrelated(north, 3, 1000))
    reports = _unrelated(north, size, 0)
    with django_assert_num_queries(10):
        reports_bundle(reports=reports)
    assert IntakeItem.objects.count() == 3 + size
