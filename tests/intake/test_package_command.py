"""`manage.py intake_import`: upload and import at once, printing the counts."""

import pytest
from django.core.management import CommandError, call_command

from intake.models import IntakePackage, IntakeReport
from tests.intake.package_lines import csv_package, csv_row, jsonl, report


@pytest.mark.django_db
def test_intake_import_prints_the_counts_and_the_rejected_lines(officer_north, tmp_path, capsys):
    path = tmp_path / "cybertips.jsonl"
    path.write_bytes(jsonl(report(1), report(2, source="x"), report(1)))

    call_command("intake_import", str(path), agency="northshire-police", user="officer.north")

    out = capsys.readouterr().out
    package = IntakePackage.objects.get()
    assert (
        f"Package {package.pk} (cybertips.jsonl): Imported. Processed 3, accepted 1, "
        "rejected 1, duplicates 1." in out
    )
    assert 'line 2 (source): Unknown source "x"' in out
    assert IntakeReport.objects.count() == 1


@pytest.mark.django_db
def test_intake_import_reads_csv(officer_north, tmp_path, capsys):
    path = tmp_path / "cybertips.csv"
    path.write_bytes(csv_package([csv_row(1), csv_row(2)]))
    call_command("intake_import", str(path), agency="northshire-police", user="officer.north")
    assert "accepted 2" in capsys.readouterr().out


@pytest.mark.django_db
def test_intake_import_refuses_a_user_of_another_agency_or_role(
    officer_north, admin_north, tmp_path
):
    path = tmp_path / "cybertips.jsonl"
    path.write_bytes(jsonl(report(1)))
    with pytest.raises(CommandError, match="not southshire-police"):
        call_command("intake_import", str(path), agency="southshire-police", user="officer.north")
    with pytest.raises(CommandError, match="may not import"):
        call_command("intake_import", str(path), agency="northshire-police", user="admin.north")
    with pytest.raises(CommandError, match="A package must be JSON Lines"):
        other = tmp_path / "notes.txt"
        other.write_text("hello")
        call_command("intake_import", str(other), agency="northshire-police", user="officer.north")
    assert IntakePackage.objects.count() == 0
