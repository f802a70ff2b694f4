"""Spreadsheets for the import tests, written as CSV or XLSX from rows of values."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

PARTNER_HEADER = ["name", "type", "country", "level", "contact_name", "contact_email", "sanctions_flag",
                  "reputational_flag", "flag_note"]
CASE_HEADER = ["partner", "title", "objectives", "results_for_children", "cooperation_form", "resources", "amount",
               "currency", "office", "owner", "state", "proposed_start", "proposed_end", "actual_start",
               "review_interval_months", "agreement_type", "agreement_reference", "agreement_signed_on", "exit_conditions"]


def partner_row(name="Kisumu Youth Radio", **overrides) -> dict:
    row = {"name": name, "type": "Independent media", "country": "Kenya", "level": "Country",
           "contact_name": "Peter Otieno", "contact_email": "peter@example.org", "sanctions_flag": "no",
           "reputational_flag": "", "flag_note": ""}
    row.update(overrides)
    return row


def case_row(title="Youth radio on child marriage", partner="Kisumu Youth Radio", **overrides) -> dict:
    """An active, funded, formal partnership with everything its state needs."""
    row = {"partner": partner, "title": title, "objectives": "Weekly programmes by adolescents.",
           "results_for_children": "Adolescents know their rights.", "cooperation_form": "Formal partnership",
           "resources": "Cash", "amount": "9500", "currency": "USD", "office": "Nairobi", "owner": "officer@example.org",
           "state": "Active", "proposed_start": "2025-01-15", "proposed_end": "2027-01-14", "actual_start": "2025-02-01",
           "review_interval_months": "6", "agreement_type": "SSFA", "agreement_reference": "SSFA/2025/007",
           "agreement_signed_on": "2025-01-10", "exit_conditions": "Not continued if targets are missed twice."}
    row.update(overrides)
    return row


def write_csv(path: Path, header: list[str], rows: list[dict], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows([[row.get(column, "") for column in header] for row in rows])
    return path


def _cell(value):
    """Dates as date cells and whole numbers as numbers, as a spreadsheet holds them."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[:4].isdigit():
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value or None


def write_xlsx(path: Path, sheets: dict[str, tuple[list[str], list[dict]]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append([_cell(row.get(column, "")) for column in header])
    workbook.save(path)
    return path


@pytest.fixture
def files(tmp_path):
    """Write import files into the test's own folder."""

    class Files:
        def csv(self, name, header, rows, delimiter=","):
            return write_csv(tmp_path / name, header, rows, delimiter)

        def xlsx(self, name, sheets):
            return write_xlsx(tmp_path / name, sheets)

    return Files()
