"""The sweep of stored files that no row names: the known case (an outer
transaction rolled back after the file was written), the grace period that spares
an upload in flight, files of other rows and other owners left alone, and a
second run that finds nothing."""

import logging
import os
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cases.models import Document
from cases.services.documents import document_upload
from cases.services.stored_files import _models_naming_stored_files, stored_files_orphans_sweep
from cases.tasks import stored_files_orphans_sweep as sweep_task
from tests.cases.document_files import pdf_of
from tests.cases.test_documents import stored_files
from tests.factories import CaseFactory

LATER = timedelta(hours=2)


class RolledBack(Exception):
    pass


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north)


def upload(officer, case, name: str = "statement.pdf") -> Document:
    return document_upload(
        actor=officer.user,
        case=case,
        uploaded_file=SimpleUploadedFile(name, pdf_of()),
        title="Statement",
    )


def an_orphan(officer, case) -> str:
    """The known case: the row's transaction succeeds, then an outer one rolls back."""
    with pytest.raises(RolledBack), transaction.atomic():
        document = upload(officer, case)
        raise RolledBack
    assert not Document.objects.filter(pk=document.pk).exists()
    return document.stored_name


def test_a_file_left_by_a_rolled_back_transaction_is_deleted(officer_north, case):
    # given
    orphan = an_orphan(officer_north, case)
    assert stored_files() == [orphan]
    # when
    counts = stored_files_orphans_sweep(now=timezone.now() + LATER)
    # then
    assert counts == {"deleted": 1, "kept": 0, "recent": 0, "foreign": 0}
    assert stored_files() == []


def test_a_file_with_its_row_is_kept(officer_north, case):
    # given
    document = upload(officer_north, case)
    orphan = an_orphan(officer_north, case)
    # when
    counts = stored_files_orphans_sweep(now=timezone.now() + LATER)
    # then
    assert counts == {"deleted": 1, "kept": 1, "recent": 0, "foreign": 0}
    assert stored_files() == [document.stored_name]
    assert orphan != document.stored_name
    assert Document.objects.get() == document


def test_a_file_younger_than_the_grace_period_is_spared(officer_north, case):
    # given: an upload may still be writing its row
    orphan = an_orphan(officer_north, case)
    # when
    counts = stored_files_orphans_sweep(now=timezone.now() + timedelta(minutes=59))
    # then
    assert counts == {"deleted": 0, "kept": 0, "recent": 1, "foreign": 0}
    assert stored_files() == [orphan]


def test_a_file_not_named_by_tideline_is_left_alone():
    # given
    default_storage.save("documents/README", SimpleUploadedFile("x", b"Not ours.\n"))
    # when
    counts = stored_files_orphans_sweep(now=timezone.now() + LATER)
    # then
    assert counts == {"deleted": 0, "kept": 0, "recent": 0, "foreign": 1}
    assert stored_files() == ["documents/README"]


def test_a_second_run_deletes_nothing(officer_north, case):
    # given
    upload(officer_north, case)
    an_orphan(officer_north, case)
    stored_files_orphans_sweep(now=timezone.now() + LATER)
    # when
    again = stored_files_orphans_sweep(now=timezone.now() + LATER)
    # then
    assert again == {"deleted": 0, "kept": 1, "recent": 0, "foreign": 0}
    assert len(stored_files()) == 1


@pytest.mark.django_db
def test_nothing_stored_is_nothing_to_sweep():
    assert stored_files_orphans_sweep() == {"deleted": 0, "kept": 0, "recent": 0, "foreign": 0}


def test_the_hourly_task_sweeps_and_logs_what_it_deleted(officer_north, case, caplog):
    # given: an orphan whose file is old enough
    orphan = an_orphan(officer_north, case)
    old = (timezone.now() - LATER).timestamp()
    os.utime(default_storage.path(orphan), (old, old))
    # when
    with caplog.at_level(logging.INFO, logger="cases.services.stored_files"):
        counts = sweep_task.delay().get()
    # then
    assert counts["deleted"] == 1
    assert stored_files() == []
    assert f"Deleted stored file {orphan}: no row names it" in caplog.text


def test_every_model_that_names_stored_files_keeps_its_files():
    # Attachments stored through document_file_store by other apps (a referral's
    # documents) are found by their `stored_name` field, so the sweep never takes them.
    assert {model._meta.label for model in _models_naming_stored_files()} >= {
        "cases.Document",
        "referrals.ReferralDocument",
    }
