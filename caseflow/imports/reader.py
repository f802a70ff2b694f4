"""Read the tables of a CSV or XLSX file into rows of raw values, streaming the workbook's rows."""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from caseflow.imports.layout import TABLES, header_index, normalise, table_of

EXTENSIONS = (".csv", ".xlsx")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, where a person finds it: sheet, row number, column."""

    row: int
    column: str
    message: str
    sheet: str | None = None

    def __str__(self) -> str:
        where = f"sheet {self.sheet}, " if self.sheet else ""
        return f"{where}row {self.row}, column {self.column}: {self.message}"


@dataclass
class Table:
    """One table of the file: partners or partnerships, with its rows of raw values."""

    name: str  # partners | partnerships
    sheet: str | None
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (row number as the spreadsheet shows it, values)

    def problem(self, row: int, column: str, message: str) -> Problem:
        """A problem located in this table."""
        return Problem(row, column, message, self.sheet)


class UnreadableFile(ValueError):
    """The file is not a CSV or XLSX file caseflow can read."""


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(rows, sheet: str | None, problems: list[Problem]) -> Table | None:
    """Turn an iterator of rows (first: the header) into a Table; None if the sheet is empty."""
    header = None
    for number, values in enumerate(rows, start=1):
        if header is None:
            if all(_blank(v) for v in values):
                continue
            header = [str(v).strip() if v is not None else "" for v in values]
            name = table_of(header)
            if name is None:
                problems.append(Problem(number, "(header)", "cannot tell which table this is: a partners table has "
                                        "the columns name and type, a partnerships table has title", sheet))
                return None
            table, index = Table(name, sheet), header_index(TABLES[name])
            columns = []
            for h in header:
                column = index.get(normalise(h))
                if h and column is None:
                    problems.append(Problem(number, h, f"is not a column of the {name} table", sheet))
                elif column in columns:
                    problems.append(Problem(number, h, f"appears twice (as {column})", sheet))
                columns.append(column)
            missing = [c.name for c in TABLES[name] if c.required and c.name not in columns]
            problems.extend(Problem(number, c, "this required column is missing", sheet) for c in missing)
            continue
        if all(_blank(v) for v in values):
            continue
        table.rows.append((number, {c: v for c, v in zip(columns, values) if c is not None}))
    return table if header is not None else None


def _csv_tables(content: bytes, problems: list[Problem]) -> list[Table]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("the CSV file is not UTF-8 text; save it as 'CSV UTF-8'") from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)  # Excel writes ';' where ',' is the decimal mark
    table = _table(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), None, problems)
    return [table] if table else []


def _xlsx_tables(path: Path, problems: list[Problem]) -> list[Table]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(f"the file is not an Excel workbook (XLSX): {exc}") from None
    try:
        tables = []
        for sheet in workbook.worksheets:
            table = _table(sheet.iter_rows(values_only=True), sheet.title, problems)
            if table:
                tables.append(table)
        return tables
    finally:
        workbook.close()


def read_tables(path: str | Path, filename: str | None = None) -> tuple[list[Table], list[Problem]]:
    """The partners and partnerships tables in the file, and the problems with its headers."""
    path = Path(path)
    ext = Path(filename or path.name).suffix.lower()
    problems: list[Problem] = []
    if ext == ".csv":
        tables = _csv_tables(path.read_bytes(), problems)
    elif ext == ".xlsx":
        tables = _xlsx_tables(path, problems)
    else:
        raise UnreadableFile(f"cannot import '{ext or path.name}' files: give a .csv or .xlsx file")
    if not problems and not any(t.rows for t in tables):
        raise UnreadableFile("the file holds no rows to import" if tables else "the file holds no table")
    names = [t.name for t in tables]
    for name in set(names):
        if names.count(name) > 1:
            problems.append(Problem(1, "(header)", f"the file holds more than one {name} table"))
    return tables, problems
