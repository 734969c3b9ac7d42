"""Disposal at the end of retention (issue 19, docs/adr/0015): refused under a legal
hold, before it is due and before the age its rule keeps it to, naming `decision`
and changing nothing; otherwise every personal record of the case, its history and
its files go, a tombstone stays, and the access log's chain still verifies (and
still catches a changed entry)."""

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from agencies.audit_chain import access_log_verify
from agencies.models import AccessLogEntry, Role
from cases.models import Case, CaseParty, ContactLog, Document, Offence, Person
from cases.services.documents import document_upload
from common.errors import InvalidState
from records.models import CaseRetention, RetentionReview, RetentionState
from records.services.retention import legal_hold_place, retention_review_record
from tests.cases.test_filetypes import PDF_BYTES
from tests.factories import PartyFactory
from tests.factories_retention import case_with, closed, member
from tests.helpers import access_log_tamper

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def records_north(north):
    return member(north, Role.RECORDS_MANAGER, "records.north")


def _due(case, on: date = date(2026, 6, 1)) -> CaseRetention:
    CaseRetention.objects.filter(case_id=case.pk).update(next_review_on=on)
    return CaseRetention.objects.get(case_id=case.pk)


def _dispose(actor, case, reason="No further policing purpose: reviewed under MoPI."):
    return retention_review_record(
        actor=actor.user, case_id=case.pk, decision="dispose", reason=reason
    )


def _counts(case) -> tuple[int, ...]:
    return (
        Case.objects.filter(pk=case.pk).count(),
        CaseParty.objects.filter(case=case).count(),
        Offence.objects.filter(case=case).count(),
        Document.objects.filter(case=case).count(),
        RetentionReview.objects.count(),
    )


@pytest.mark.django_db
def test_disposal_not_yet_due_is_refused_naming_the_decision(
    north, supervisor_north, records_north
):
    case = closed(case_with(north), supervisor_north, on=date(2026, 4, 6))
    before = _counts(case)
    with pytest.raises(ValidationError) as refused:
        _dispose(records_north, case)
    assert list(refused.value.message_dict) == ["decision"]
    assert "not due for review until 6 April 2032" in refused.value.message_dict["decision"][0]
    assert _counts(case) == before
    assert CaseRetention.objects.get(case_id=case.pk).state == RetentionState.SCHEDULED


@pytest.mark.django_db
def test_disposal_under_a_legal_hold_is_refused_naming_the_decision(
    north, supervisor_north, records_north
):
    case = closed(case_with(north), supervisor_north, on=date(2026, 4, 6))
    _due(case)
    legal_hold_place(
        actor=supervisor_north.user, case_id=case.pk, kind="inquiry", reason="Public inquiry."
    )
    before = _counts(case)
    with pytest.raises(ValidationError) as refused:
        _dispose(records_north, case)
    assert list(refused.value.message_dict) == ["decision"]
    assert "legal hold" in refused.value.message_dict["decision"][0]
    assert _counts(case) == before


@pytest.mark.django_db
def test_group_1_is_not_disposed_of_before_the_subject_would_be_100(
    north, supervisor_north, records_north
):
    case = case_with(north, offences=("iioc_possessing",), suspect_born=date(1980, 5, 4))
    closed(case, supervisor_north, on=date(2026, 4, 6))
    _due(case)
    with pytest.raises(ValidationError) as refused:
        _dispose(records_north, case)
    assert refused.value.message_dict["decision"] == [
        "Under MoPI group 1: certain public protection matters the case is kept until "
        "4 May 2080, when the suspect would be 100."
    ]
    assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_group_1_is_disposed_of_once_the_subject_would_be_100(
    north, supervisor_north, records_north
):
    case = case_with(north, offences=("iioc_possessing",), suspect_born=date(1925, 1, 1))
    closed(case, supervisor_north, on=date(2026, 4, 6))
    _due(case)
    _dispose(records_north, case)
    assert not Case.objects.filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_only_the_records_manager_disposes(north, supervisor_north, records_north):
    case = closed(case_with(north), supervisor_north, on=date(2026, 4, 6))
    _due(case)
    from common.errors import AccessDenied

    with pytest.raises(AccessDenied):
        _dispose(supervisor_north, case)
    assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_disposal_deletes_personal_data_and_files_and_the_audit_chain_still_verifies(
    north, officer_north, supervisor_north, records_north
):
    # given: a case with parties, an offence, a contact and a document on disk
    case = case_with(north, offences=("prohibited_images",), suspect_born=date(1990, 1, 1))
    victim = CaseParty.objects.get(case=case, role="victim")
    ContactLog.objects.create(
        case=case,
        party=victim,
        channel="phone",
        direction="outbound",
        summary="Told them about the arrest.",
        contacted_at=NOW,
        made_by=officer_north.user,
    )
    document = document_upload(
        actor=officer_north.user,
        case=case,
        uploaded_file=SimpleUploadedFile("statement.pdf", PDF_BYTES),
    )
    stored = document.stored_name
    assert default_storage.exists(stored)
    # and: the suspect also appears in another case, which is kept
    suspect = CaseParty.objects.get(case=case, role="suspect").person
    other = case_with(north)
    PartyFactory(case=other, person=suspect, role="suspect")
    victim_person = victim.person
    closed(case, supervisor_north, on=date(2026, 4, 6))
    call_command("seal_audit", stdout=StringIO())
    entries_before = AccessLogEntry.objects.filter(object_id=str(case.pk)).count()
    assert entries_before > 0
    # The disposal is only due in 10 years (group 2).
    _due(case)
    # when
    _dispose(records_north, case, reason="Reviewed: no risk remains.")
    # then: the case and what hangs off it are gone, with their history and the file
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not CaseParty.objects.filter(case_id=case.pk).exists()
    assert not Offence.objects.filter(case_id=case.pk).exists()
    assert not ContactLog.objects.filter(case_id=case.pk).exists()
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not default_storage.exists(stored)
    assert not Person.objects.filter(pk=victim_person.pk).exists()
    assert not Person.history.filter(id=victim_person.pk).exists()
    assert not Case.history.filter(id=case.pk).exists()
    assert not CaseParty.history.filter(case_id=case.pk).exists()
    # and: a person who is in another case stays, with that case
    assert Person.objects.filter(pk=suspect.pk).exists()
    assert CaseParty.objects.filter(case=other, person=suspect).exists()
    # and: the tombstone stays
    tombstone = CaseRetention.objects.get(case_id=case.pk)
    assert tombstone.state == RetentionState.DISPOSED
    assert (tombstone.reference, tombstone.closed_on, tombstone.rule.code) == (
        case.reference,
        date(2026, 4, 6),
        "mopi-group-2",
    )
    assert (tombstone.disposed_by, tombstone.disposal_reason) == (
        records_north.user,
        "Reviewed: no risk remains.",
    )
    assert tombstone.disposal_counts["files"] == 1
    assert RetentionReview.objects.get(retention=tombstone).decision == "dispose"
    # and: the access log keeps every entry naming the case, plus the disposal
    assert AccessLogEntry.objects.filter(object_id=str(case.pk)).count() == entries_before + 1
    assert AccessLogEntry.objects.filter(
        action="records.case.disposed", object_id=str(case.pk)
    ).exists()
    # and: verify_audit passes
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()
    checked, problem = access_log_verify()
    assert problem is None and checked > entries_before


@pytest.mark.django_db(transaction=True)
def test_a_changed_sealed_entry_is_still_caught_after_a_disposal(
    north, supervisor_north, records_north
):
    case = closed(case_with(north), supervisor_north, on=date(2026, 4, 6))
    _due(case)
    _dispose(records_north, case)
    call_command("seal_audit", stdout=StringIO())
    entry = AccessLogEntry.objects.filter(object_id=str(case.pk)).order_by("sequence").first()
    # when: someone with database rights changes a sealed entry about the disposed case
    access_log_tamper(
        "UPDATE agencies_accesslogentry SET object_id=%s WHERE sequence=%s",
        ["somebody-else", entry.sequence],
    )
    # then
    _, problem = access_log_verify()
    assert problem is not None and problem.sequence == entry.sequence
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
def test_a_disposed_case_is_not_disposed_of_twice(north, supervisor_north, records_north):
    case = closed(case_with(north), supervisor_north, on=date(2026, 4, 6))
    _due(case)
    _dispose(records_north, case)
    with pytest.raises(InvalidState) as refused:
        _dispose(records_north, case)
    assert refused.value.state == "disposed"


@pytest.mark.django_db
def test_group_1_is_kept_while_any_suspect_s_date_of_birth_is_unknown(
    north, supervisor_north, records_north
):
    # given: one suspect who would be 100, and a second whose date of birth is unknown
    case = case_with(north, offences=("iioc_possessing",), suspect_born=date(1925, 1, 1))
    PartyFactory(case=case, role="suspect", person__date_of_birth=None)
    closed(case, supervisor_north, on=date(2026, 4, 6))
    _due(case)
    before = _counts(case)
    # when
    with pytest.raises(ValidationError) as refused:
        _dispose(records_north, case)
    # then: the unknown suspect may be the youngest; nothing is deleted
    assert set(refused.value.message_dict) == {"decision"}
    assert _counts(case) == before


@pytest.mark.django_db
def test_disposal_takes_the_identifiers_of_the_case_s_intake_reports(
    north, supervisor_north, records_north
):
    from cases.models import Identifier
    from tests.intake.factories import IntakeItemFactory, IntakeReportFactory

    # given: an intake report attached to the case, with an identifier of its own
    case = case_with(north)  # group 3: no age to wait for
    item = IntakeItemFactory(agency=north, case=case)
    report = IntakeReportFactory(agency=north, item=item)
    kept_report = IntakeReportFactory(agency=north)
    for about in (report, kept_report):
        Identifier.objects.create(
            kind="email",
            value=f"{about.pk}@example.com",
            given="x@example.com",
            agency=north,
            report_id=about.pk,
        )
    closed(case, supervisor_north, on=date(2026, 4, 6))
    _due(case)
    # when
    _dispose(records_north, case)
    # then: the report's identifier went with it; another report's stayed
    assert list(Identifier.objects.values_list("report_id", flat=True)) == [kept_report.pk]
