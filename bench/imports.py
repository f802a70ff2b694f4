"""Spreadsheet import at a few thousand rows: reading the XLSX, the dry run, and the all-or-nothing write."""
from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DB_PATH = DATA / "imports.db"
XLSX_PATH = DATA / "imports.xlsx"
PARTNERS = 200
HEADER = ["partner", "title", "objectives", "results_for_children", "cooperation_form", "resources", "amount", "currency",
          "office", "owner", "state", "proposed_start", "proposed_end", "actual_start", "review_interval_months",
          "agreement_type", "agreement_reference", "agreement_signed_on", "exit_conditions"]


def _app():
    from caseflow import create_app

    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{DB_PATH}", "SECRET_KEY": "bench",
                       "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "CASEFLOW_ENV": "testing",
                       "UPLOAD_FOLDER": str(DATA / "uploads")})


def build(rows: int) -> None:
    """A migrated database with an admin, an officer and the partners; a workbook of `rows` partnerships."""
    import datetime as dt

    from flask_migrate import upgrade
    from openpyxl import Workbook

    DATA.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)
    with _app().app_context():
        upgrade()
    con = sqlite3.connect(DB_PATH)
    now = "2026-11-01 00:00:00.000000"
    con.executemany("INSERT INTO users (email, name, role, office, password_hash, is_active_user, created_at) "
                    "VALUES (?, ?, ?, 'Geneva', 'x', 1, ?)",
                    [("admin@bench.test", "Admin", "admin", now), ("officer@bench.test", "Officer", "officer", now)])
    con.executemany("INSERT INTO organisations (name, name_key, type, level, sanctions_flag, reputational_flag, created_at) "
                    "VALUES (?1, lower(?1), 'national_ngo', 'country', 0, 0, ?2)", [(f"Partner {i}", now) for i in range(PARTNERS)])
    con.commit()
    con.close()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Partnerships")
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append([f"Partner {i % PARTNERS}", f"Partnership {i}", "Objectives.", "Results for children.",
                      "Formal partnership", "Cash", 9000 + i, "USD", "Geneva", "officer@bench.test", "Active",
                      dt.date(2025, 1, 1), dt.date(2027, 12, 31), dt.date(2025, 2, 1), 6, "PCA", f"PCA/2025/{i:05d}",
                      dt.date(2024, 12, 15), "Not continued if targets are missed twice."])
    workbook.save(XLSX_PATH)


def main(argv: list[str]) -> None:
    """Build, then time each stage of importing the workbook; print the figures."""
    rows = int(argv[0]) if argv else 2000
    build(rows)
    from sqlalchemy import func, select

    from caseflow.extensions import db
    from caseflow.imports.service import dry_run, import_file, load_file
    from caseflow.models import Case, User

    with _app().app_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        started = time.perf_counter()
        loaded = load_file(XLSX_PATH)
        read = time.perf_counter() - started
        started = time.perf_counter()
        checked = dry_run(loaded)
        checking = time.perf_counter() - started
        started = time.perf_counter()
        report = import_file(loaded, admin)
        writing = time.perf_counter() - started
        assert checked.problems == [] and report.written, report.summary()
        stored = db.session.scalar(select(func.count()).select_from(Case))
    print(f"rows {rows}: read XLSX {read:.2f} s ({rows / read:,.0f} rows/s); dry run {checking:.2f} s "
          f"({rows / checking:,.0f} rows/s); import (check again + write, one transaction) {writing:.2f} s "
          f"({rows / writing:,.0f} rows/s); {stored} cases stored")


if __name__ == "__main__":
    main(sys.argv[1:])
