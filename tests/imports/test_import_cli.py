"""`caseflow import FILE [--dry-run] --as ADMIN`: problems one per line, a non-zero exit, a one-line summary."""
from __future__ import annotations

from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord, Organisation
from tests.imports.conftest import CASE_HEADER, PARTNER_HEADER, case_row, partner_row


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_dry_run_prints_each_problem_and_exits_non_zero(app, users, runner, files):
    path = files.csv("partnerships.csv", CASE_HEADER, [case_row(partner="Nobody"), case_row("Two", partner="Nobody",
                                                                                          owner="ghost@example.org")])
    result = runner.invoke(args=["import", str(path), "--dry-run", "--as", "admin@example.org"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == [
        "row 2, column partner: no partner named 'Nobody' exists or is in the file's partners table",
        "row 3, column owner: no user has the e-mail ghost@example.org",
        "row 3, column partner: no partner named 'Nobody' exists or is in the file's partners table",
    ]
    assert "Error: partnerships.csv (sha256 " in result.stderr and "3 problem(s); nothing was imported" in result.stderr
    assert count(Case) == 0


def test_a_dry_run_of_a_good_file_says_what_would_be_imported_and_writes_nothing(app, users, runner, files):
    path = files.xlsx("directory.xlsx", {"Partners": (PARTNER_HEADER, [partner_row()]),
                                         "Partnerships": (CASE_HEADER, [case_row()])})
    result = runner.invoke(args=["import", str(path), "--dry-run", "--as", "admin@example.org"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("1 partnerships ready to import (dry run, nothing written) (1 Active); "
                                          "1 new partners, 0 matched")
    assert count(Case) == count(Organisation) == 0


def test_the_import_writes_every_row_and_prints_a_one_line_summary(app, users, runner, files):
    path = files.xlsx("directory.xlsx", {"Partners": (PARTNER_HEADER, [partner_row()]),
                                         "Partnerships": (CASE_HEADER, [case_row(), case_row("Second")])})
    result = runner.invoke(args=["import", str(path), "--as", "admin@example.org"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 1
    assert "2 partnerships imported (2 Active); 1 new partners, 0 matched" in result.stdout
    assert "Importing" in result.stderr  # the progress bar
    assert count(Case) == 2 and {r.trigger for r in db.session.scalars(select(HistoryRecord))} == {"import"}


def test_only_an_active_admin_may_import(app, users, runner, files):
    path = files.csv("partnerships.csv", CASE_HEADER, [case_row()])
    result = runner.invoke(args=["import", str(path), "--as", "officer@example.org"])
    assert result.exit_code == 1 and "officer@example.org is not an active admin; only admins import" in result.stderr


def test_a_file_that_is_no_spreadsheet_is_refused_in_one_line(app, users, runner, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    for path, message in ((notes, "cannot import '.txt' files: give a .csv or .xlsx file"),
                          (broken, "the file is not an Excel workbook (XLSX)")):
        result = runner.invoke(args=["import", str(path), "--as", "admin@example.org"])
        assert result.exit_code == 1 and message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_the_shipped_examples_import_into_the_demo_data(app, runner):
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"
    assert runner.invoke(args=["demo", "--quiet"]).exit_code == 0
    workbook = runner.invoke(args=["import", str(examples / "partners-and-partnerships.xlsx"), "--dry-run",
                                   "--as", "admin@caseflow.test"])
    assert workbook.exit_code == 0, workbook.output
    assert "3 partnerships ready to import" in workbook.stdout and "4 new partners, 0 matched" in workbook.stdout
    for name in ("partners.csv", "partnerships.csv"):
        result = runner.invoke(args=["import", str(examples / name), "--as", "admin@caseflow.test"])
        assert result.exit_code == 0, result.output
    assert "3 partnerships imported (1 Active, 1 Proposed, 1 Under review)" in result.stdout
    verified = runner.invoke(args=["verify"])
    assert verified.exit_code == 0, verified.output
