"""Read query parameters and JSON bodies strictly: bad input is a 4xx with each problem named."""
from __future__ import annotations

import datetime as dt
import json
from typing import Callable

from flask import request

from caseflow.api.errors import ApiError
from caseflow.workflow import values
from caseflow.workflow.columns import COMMENT_MAX_LENGTH

MAX_LIMIT = 100


def _clean_text(value: str) -> str:
    """Refuse text no database column can hold: NUL characters and unpaired surrogates."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def integer(low: int | None = None, high: int | None = None) -> Callable[[str], int]:
    """A parser of whole numbers between `low` and `high`."""
    def parse(raw: str) -> int:
        return values.whole_number(raw, low, high)
    return parse


def choice(options) -> Callable[[str], str]:
    """A parser accepting one of `options`."""
    def parse(raw: str) -> str:
        if raw not in options:
            raise ValueError("must be one of " + ", ".join(options))
        return raw
    return parse


def date(raw: str) -> dt.date:
    """Parse a YYYY-MM-DD date."""
    return values.date(raw)


def text(max_length: int = 200) -> Callable[[str], str]:
    """A parser of short text."""
    def parse(raw: str) -> str:
        if len(raw) > max_length:
            raise ValueError(f"must have at most {max_length} characters")
        return _clean_text(raw)
    return parse


def contains(text_: str) -> str:
    """A LIKE pattern (escape character backslash) matching `text_` anywhere, its wildcards taken literally."""
    escaped = text_.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


PAGING = {"limit": integer(1, MAX_LIMIT), "offset": integer(0, 10**9)}


def query_args(parsers: dict[str, Callable[[str], object]]) -> dict:
    """Parse the query string with `parsers`; refuse unknown, repeated or malformed parameters (400)."""
    errors = {name: "is not a parameter of this endpoint" for name in request.args if name not in parsers}
    values = {}
    for name in parsers:
        given = request.args.getlist(name)
        if len(given) > 1:
            errors[name] = "is given more than once"
        elif given:
            try:
                values[name] = parsers[name](_clean_text(given[0]))
            except ValueError as exc:
                errors[name] = str(exc)
    if errors:
        raise ApiError(400, "BadRequest", "The query parameters are not valid.", fields=errors)
    return values


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def json_object() -> dict:
    """Return the request's JSON object body, or raise 415 / 400 saying what is wrong."""
    if not request.is_json:
        raise ApiError(415, "UnsupportedMediaType", "Send a JSON body with 'Content-Type: application/json'.")
    try:
        body = json.loads(request.get_data(as_text=False), parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, "BadRequest", f"The body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ApiError(400, "BadRequest", "The body must be a JSON object.")
    return body


def step_data(value, errors: dict) -> dict:
    """Check a step's `data`: an object of strings, numbers, booleans or nulls (the engine checks the rest)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors["data"] = "must be an object of field names and values"
        return {}
    clean = {}
    for name, item in value.items():
        if isinstance(item, str):
            try:
                item = _clean_text(item)
            except ValueError as exc:
                errors[f"data.{name}"] = str(exc)
                continue
        elif item is not None and not isinstance(item, (bool, int, float)):
            errors[f"data.{name}"] = "must be a string, number, boolean or null"
            continue
        clean[name] = item
    return clean


def optional_text(body: dict, name: str, errors: dict, max_length: int = COMMENT_MAX_LENGTH) -> str | None:
    """Read an optional string member of `body`."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > max_length:
        errors[name] = f"must be a string of at most {max_length} characters"
        return None
    try:
        return _clean_text(value).strip() or None
    except ValueError as exc:
        errors[name] = str(exc)
        return None


def only_members(body: dict, allowed: set[str], errors: dict) -> None:
    """Name every member of `body` the endpoint does not know."""
    for name in body:
        if name not in allowed:
            errors[name] = "is not a member of this request"
