"""Read the values people write: the one home for text, dates, amounts, whole numbers, currencies and yes/no.

The step forms, the API (through the engine and its query parameters) and the import all call these
functions, so a value is accepted or refused the same way, with the same words, whichever door it came
through. Each parser returns the typed value or raises ValueError whose text says what is wrong; the
caller names the field (beside the form's field, in the API's `fields`, in the import's row and column).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import pycountry

from caseflow.workflow.definition import FieldSpec

TRUE_WORDS = frozenset({"yes", "y", "true", "1", "x", "on"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "off"})
# What the columns hold on every database: Numeric(14, 2) amounts and 32-bit integers.
MAX_AMOUNT = Decimal("999999999999.99")
MAX_INTEGER = 2**31 - 1
# ISO 4217's codes for testing and for "no currency" name no money a partnership could transfer.
NOT_MONEY = frozenset({"XTS", "XXX"})
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


def blank(value) -> bool:
    """Tell whether a value is empty: None, or text of spaces only."""
    return value is None or (isinstance(value, str) and not value.strip())


def text(value, max_length: int | None = None) -> str:
    """Text without surrounding spaces, at most `max_length` characters; a spreadsheet's 6.0 reads as 6."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        value = value.isoformat()
    result = str(value).strip()
    if "\x00" in result:  # PostgreSQL refuses NUL in text; nobody types one
        raise ValueError("must not contain NUL characters")
    try:
        result.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    if max_length and len(result) > max_length:
        raise ValueError(f"has {len(result):,} characters; at most {max_length:,} are allowed")
    return result


def date(value) -> dt.date:
    """A date, or text written YYYY-MM-DD (a spreadsheet's '2026-03-31 00:00:00' too)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    for parse in (dt.date.fromisoformat, lambda s: dt.datetime.fromisoformat(s).date()):
        try:
            return parse(raw)
        except ValueError:
            pass
    raise ValueError(f"'{_short(value)}' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31")


def amount(value) -> Decimal:
    """An amount of zero or more, to the cent; 12,500.50 is read as 12500.50."""
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a number")
    raw = str(value).strip()
    if _THOUSANDS.match(raw):
        raw = raw.replace(",", "")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"'{_short(value)}' is not a number") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"'{_short(value)}' is not a number of zero or more")
    if number > MAX_AMOUNT:
        raise ValueError(f"'{_short(value)}' is too large: at most {MAX_AMOUNT:,}")
    return number.quantize(Decimal("0.01"))


def whole_number(value, low: int | None = None, high: int | None = None) -> int:
    """A whole number between `low` and `high` (and within a 32-bit column); 6.0 counts as 6."""
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a whole number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"'{_short(value)}' is not a whole number") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"'{_short(value)}' is not a whole number")
    if abs(number) > MAX_INTEGER:
        raise ValueError(f"'{_short(value)}' is too large: at most {MAX_INTEGER:,}")
    number = int(number)
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            raise ValueError(f"{number} is outside {low} to {high}")
        raise ValueError(f"{number} is less than {low}" if low is not None and number < low
                         else f"{number} is more than {high}")
    return number


def yes_no(value) -> bool:
    """yes/no, true/false, on/off, 1/0 or x; empty is no."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS or not word:
        return False
    raise ValueError(f"'{_short(value)}' is not yes or no")


def currency(value) -> str:
    """An ISO 4217 currency code (pycountry's list), upper-cased."""
    code = str(value).strip().upper()
    if len(code) != 3 or code in NOT_MONEY or pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(f"'{_short(value)}' is not an ISO 4217 currency code such as USD or EUR")
    return code


def listed_currency(code: str, choices: dict[str, str] | None) -> str:
    """`code`, if the field takes any currency or lists it (a definition's `usd_rates`)."""
    if choices is not None and code not in choices:
        raise ValueError(f"{code} has no USD rate in the workflow definition: use one of " + ", ".join(choices))
    return code


def bounded(number: Decimal, low=None, high=None) -> Decimal:
    """`number`, if it lies from `low` to `high` (either may be None)."""
    if low is not None and number < Decimal(str(low)):
        raise ValueError(f"{number} is less than {Decimal(str(low)):,}")
    if high is not None and number > Decimal(str(high)):
        raise ValueError(f"{number:,} is more than {Decimal(str(high)):,}")
    return number


def rows(spec: FieldSpec, value) -> list[dict]:
    """A `rows` field's rows: a list of {field: value}, each read by its field's parser; empty rows dropped.

    A bad value is named by its row (from 1) and field, e.g. "row 2, amount: is required".
    """
    if not isinstance(value, (list, tuple)):
        raise ValueError("must be a list of rows")
    taken = []
    for number, row in enumerate(value, start=1):
        if not isinstance(row, dict):
            raise ValueError(f"row {number}: must be an object of " + ", ".join(f.name for f in spec.row_fields))
        if unknown := sorted(set(row) - {f.name for f in spec.row_fields}):
            raise ValueError(f"row {number}, {unknown[0]}: is not a field of these rows")
        if all(blank(row.get(f.name)) for f in spec.row_fields):
            continue  # a form's unused row
        taken.append({f.name: _cell(f, row.get(f.name), number) for f in spec.row_fields})
    if spec.max_rows is not None and len(taken) > spec.max_rows:
        raise ValueError(f"has {len(taken)} rows; at most {spec.max_rows} are allowed")
    return taken


def _cell(spec: FieldSpec, value, number: int):
    if spec.type in {"affirm", "bool"} and blank(value):
        return False
    if blank(value):
        if spec.required:
            raise ValueError(f"row {number}, {spec.name}: is required")
        return None
    try:
        return field_value(spec, value)
    except ValueError as exc:
        raise ValueError(f"row {number}, {spec.name}: {exc}") from None


def choice(value, choices: dict[str, str] | None) -> str:
    """One of the codes of `choices`, exactly."""
    code = str(value).strip()
    if code not in (choices or {}):
        raise ValueError("must be one of " + ", ".join(choices or {}))
    return code


def field_value(spec: FieldSpec, value):
    """The typed value of a form field that is not blank, read by the parser its type names."""
    match spec.type:
        case "text" | "textarea":
            return text(value, spec.max_length)
        case "date":
            return date(value)
        case "choice":
            return choice(value, spec.choices)
        case "affirm" | "bool":
            return yes_no(value)
        case "decimal":
            return bounded(amount(value), spec.min, spec.max)
        case "integer":
            return whole_number(value, spec.min, spec.max)
        case "partner" | "officer" | "reviewer":  # the id of a partner, or of a user of that role
            return whole_number(value, 1, MAX_INTEGER)
        case "currency":
            return listed_currency(currency(value), spec.choices)
        case "rows":
            return rows(spec, value)
    raise ValueError(f"has an unsupported field type {spec.type}")


def _short(value, limit: int = 40) -> str:
    """A value as quoted in a message: long input is cut, not echoed whole."""
    shown = str(value)
    return shown if len(shown) <= limit else shown[:limit] + "…"
