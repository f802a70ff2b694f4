"""Validate a step's data against its form's field specs; serialise it canonically."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from caseflow.workflow.definition import FieldSpec
from caseflow.workflow.errors import InvalidData

TRUE_WORDS = {"1", "true", "yes", "on", "y"}
# What the columns hold: Numeric(14, 2) amounts and 32-bit integers on every database.
MAX_AMOUNT = Decimal("999999999999.99")
MAX_INTEGER = 2**31 - 1


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _coerce(spec: FieldSpec, value):
    """Return the typed value, or raise ValueError with a message for people."""
    if spec.type in {"text", "textarea"}:
        value = str(value).strip()
        if "\x00" in value:  # PostgreSQL refuses NUL in text; nobody types one
            raise ValueError("text without NUL characters")
        if spec.max_length and len(value) > spec.max_length:
            raise ValueError(f"at most {spec.max_length} characters")
        return value
    if spec.type == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError("a date as YYYY-MM-DD") from None
    if spec.type == "choice":
        value = str(value).strip()
        if value not in (spec.choices or {}):
            raise ValueError("one of " + ", ".join(spec.choices or {}))
        return value
    if spec.type in {"affirm", "bool"}:
        return value if isinstance(value, bool) else str(value).strip().lower() in TRUE_WORDS
    if spec.type == "decimal":
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError("a number") from None
        if not number.is_finite() or number < 0:
            raise ValueError("a number of zero or more")
        if number > MAX_AMOUNT:
            raise ValueError(f"at most {MAX_AMOUNT:,}")
        return number.quantize(Decimal("0.01"))
    if spec.type in {"integer", "partner", "officer", "reviewer"}:
        if isinstance(value, bool):
            raise ValueError("a whole number")
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError("a whole number") from None
        if abs(number) > MAX_INTEGER:
            raise ValueError(f"a whole number of at most {MAX_INTEGER:,}")
        if spec.min is not None and number < spec.min:
            raise ValueError(f"at least {spec.min}")
        if spec.max is not None and number > spec.max:
            raise ValueError(f"at most {spec.max}")
        return number
    if spec.type == "currency":
        code = str(value).strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise ValueError("a three-letter currency code such as USD")
        return code
    raise ValueError(f"unsupported field type {spec.type}")


def validate_step_data(fields: tuple[FieldSpec, ...], raw: dict | None) -> dict:
    """Return the clean, typed data for a step, or raise InvalidData naming each bad field."""
    raw = dict(raw or {})
    known = {f.name for f in fields}
    errors = {name: "is not a field of this step" for name in raw if name not in known}
    clean = {}
    for spec in fields:
        value = raw.get(spec.name)
        if spec.type in {"affirm", "bool"} and value is None:
            clean[spec.name] = False
            continue
        if _blank(value):
            if spec.required:
                errors[spec.name] = "is required"
            clean[spec.name] = None
            continue
        try:
            clean[spec.name] = _coerce(spec, value)
        except ValueError as exc:
            errors[spec.name] = f"must be {exc}"
    if errors:
        raise InvalidData(errors)
    return clean


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_jsonable)


def canonical_json(value) -> str:
    """The one serialisation that is hashed and stored: sorted keys, no spaces, UTF-8."""
    return _CANONICAL.encode(value)
