"""Validate a step's data against its form's field specs; serialise it canonically."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from caseflow.workflow import values
from caseflow.workflow.columns import COMMENT_MAX_LENGTH
from caseflow.workflow.definition import FieldSpec
from caseflow.workflow.errors import InvalidData


def validate_step_data(fields: tuple[FieldSpec, ...], raw: dict | None) -> dict:
    """Return the clean, typed data for a step, or raise InvalidData naming each bad field."""
    raw = dict(raw or {})
    known = {f.name for f in fields}
    errors = {name: "is not a field of this step" for name in raw if name not in known}
    clean = {}
    for spec in fields:
        value = raw.get(spec.name)
        if spec.type in {"affirm", "bool"} and values.blank(value):
            clean[spec.name] = False
            continue
        if values.blank(value) and spec.type == "rows":
            value = []  # no rows: an empty list, so effects read every rows field alike
        if values.blank(value):
            if spec.required:
                errors[spec.name] = "is required"
            clean[spec.name] = None
            continue
        try:
            clean[spec.name] = values.field_value(spec, value)
        except ValueError as exc:
            errors[spec.name] = str(exc)
            continue
        if spec.type == "rows" and spec.required and not clean[spec.name]:
            errors[spec.name] = "needs at least one row"
    if errors:
        raise InvalidData(errors)
    return clean


def clean_comment(comment) -> str | None:
    """A step's comment for the history, or None; raise InvalidData naming `comment` when it is too long."""
    if values.blank(comment):
        return None
    try:
        return values.text(comment, COMMENT_MAX_LENGTH)
    except ValueError as exc:
        raise InvalidData({"comment": str(exc)}) from None


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
