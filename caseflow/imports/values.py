"""Turn the raw cells people write into typed values, or a ValueError whose text says what is expected."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email

from caseflow.imports.layout import match_choice

TRUE_WORDS = {"yes", "y", "true", "1", "x", "on"}
FALSE_WORDS = {"no", "n", "false", "0", "off", ""}
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


def blank(value) -> bool:
    """Tell whether a cell is empty."""
    return value is None or (isinstance(value, str) and not value.strip())


def text(value, max_length: int | None = None) -> str:
    """A cell as text; whole numbers written by a spreadsheet lose their '.0'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        value = value.isoformat()
    result = str(value).strip()
    if max_length and len(result) > max_length:
        raise ValueError(f"has {len(result)} characters; at most {max_length} are allowed")
    return result


def date(value) -> dt.date:
    """A date cell, or text written YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(raw).date()  # a date cell saved as text: '2026-03-31 00:00:00'
    except ValueError:
        raise ValueError(f"'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31") from None


def decimal(value) -> Decimal:
    """An amount of zero or more, to the cent; 12,500.50 is read as 12500.50."""
    raw = str(value).strip()
    if _THOUSANDS.match(raw):
        raw = raw.replace(",", "")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"'{value}' is not a number") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"'{value}' must be a number of zero or more")
    return number.quantize(Decimal("0.01"))


def integer(value, low: int | None = None, high: int | None = None) -> int:
    """A whole number between `low` and `high`; 6.0 from a spreadsheet counts."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"'{value}' is not a whole number") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"'{value}' is not a whole number")
    number = int(number)
    if (low is not None and number < low) or (high is not None and number > high):
        raise ValueError(f"{number} is outside {low} to {high}")
    return number


def flag(value) -> bool:
    """yes/no, true/false, 1/0 or x; empty is no."""
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"'{value}' is not yes or no")


def choice(value, choices: dict[str, str], what: str) -> str:
    """The code of a choice written as its code or its label."""
    code = match_choice(value, choices)
    if code is None:
        raise ValueError(f"unknown {what} '{text(value)}': use one of " + ", ".join(choices.values()))
    return code


def email(value) -> str:
    """A well-formed e-mail address, lower-cased."""
    try:
        # Reserved names such as example.org or .test are fine here: the address is stored, not mailed now.
        return validate_email(text(value), check_deliverability=False, globally_deliverable=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(f"'{value}' is not an e-mail address: {exc}") from None


def login(value) -> str:
    """An e-mail as a sign-in name, for looking up a user."""
    result = text(value).lower()
    if "@" not in result:
        raise ValueError(f"'{value}' is not an e-mail address")
    return result


def currency(value) -> str:
    """A three-letter currency code, upper-cased."""
    code = text(value).upper()
    if len(code) != 3 or not code.isalpha():
        raise ValueError(f"'{value}' is not a three-letter currency code such as USD")
    return code
