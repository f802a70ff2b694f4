"""A step's `data` as the API takes it: a JSON Schema per form, derived from the workflow definition.

The schema each field gets is both what the OpenAPI document shows and what the API checks a request
against (`shape_problem` reads the same dict), so the two cannot drift apart. A value of the right shape
then goes to the engine, which reads it with caseflow.workflow.values like the step's web form does; a
value of the wrong shape is refused with the engine's own words where the engine refuses it too.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import cache

import pycountry

from caseflow.workflow import values
from caseflow.workflow.columns import COMMENT_MAX_LENGTH
from caseflow.workflow.definition import FieldSpec, WorkflowDefinition

#: Text a database column can hold: no NUL and no lone surrogate (no UTF-8 carries one).
TEXT = r"^[^\u0000\ud800-\udfff]*$"
#: The same, with one character that is not a space: what a required field must hold.
FILLED = r"^[^\u0000\ud800-\udfff]*[^\s\u0000\ud800-\udfff][^\u0000\ud800-\udfff]*$"
#: values.yes_no's words, in any case, with spaces around; empty is no.
YES_NO = r"^\s*([Yy]([Ee][Ss])?|[Nn][Oo]?|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[Oo]([Nn]|[Ff][Ff])|[Xx]|1|0)?\s*$"
#: An amount as text: at most 12 digits and 2 decimals (values.MAX_AMOUNT), thousands separated by commas or not.
AMOUNT = r"^\s*([0-9]{1,12}(\.[0-9]{0,2})?|\.[0-9]{1,2}|[0-9]{1,3}(,[0-9]{3}){1,3}(\.[0-9]{1,2})?)\s*$"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ID = {"type": "integer", "minimum": 1, "maximum": values.MAX_INTEGER}
COMMENT = {"type": ["string", "null"], "maxLength": COMMENT_MAX_LENGTH, "pattern": TEXT,
           "description": "Kept in the history with the step."}
EXPECTED_VERSION = {"type": ["integer", "null"], "minimum": 0, "maximum": values.MAX_INTEGER,
                    "description": "The case's version as you read it: a change in between answers 409."}


@cache
def currency_codes() -> tuple[str, ...]:
    """The ISO 4217 codes values.currency takes, upper- and lower-case."""
    codes = sorted(c.alpha_3 for c in pycountry.currencies if c.alpha_3 not in values.NOT_MONEY)
    return tuple(codes) + tuple(code.lower() for code in codes)


def field_schema(spec: FieldSpec) -> dict:
    """The JSON Schema of one form field's value."""
    match spec.type:
        case "text" | "textarea":
            schema = {"type": "string", "maxLength": spec.max_length, "pattern": FILLED if spec.required else TEXT}
        case "date":
            schema = {"type": "string", "format": "date"}
        case "choice":
            schema = {"type": "string", "enum": list(spec.choices)}
        case "affirm" | "bool":
            schema = {"type": ["boolean", "string"], "pattern": YES_NO}
        case "decimal":
            schema = {"type": ["number", "string"], "minimum": spec.min if spec.min is not None else 0,
                      "maximum": spec.max if spec.max is not None else float(values.MAX_AMOUNT), "pattern": AMOUNT}
        case "integer":
            schema = {"type": "integer", "minimum": spec.min if spec.min is not None else -values.MAX_INTEGER,
                      "maximum": spec.max if spec.max is not None else values.MAX_INTEGER}
        case "currency" if spec.choices:  # the definition's rates: those currencies only
            schema = {"type": "string", "enum": [*spec.choices, *(c.lower() for c in spec.choices)]}
        case "currency":
            schema = {"type": "string", "enum": list(currency_codes())}
        case "rows":  # each row's cells are read by the engine, which names the row and cell of a bad one
            schema = {"type": "array", "maxItems": spec.max_rows, "items": data_schema(spec.row_fields)}
        case _:  # partner, officer, reviewer: the id of a partner, or of an active user of that role
            schema = dict(ID)
    if not spec.required:
        schema["type"] = [*_types(schema), "null"]
    return {**schema, "title": spec.label, **({"description": spec.help} if spec.help else {})}


def _types(schema: dict) -> list[str]:
    kind = schema["type"]
    return list(kind) if isinstance(kind, list) else [kind]


def data_schema(fields: tuple[FieldSpec, ...]) -> dict:
    """The JSON Schema of a step's `data`: its form's fields, the required ones required, no others."""
    return {"type": "object", "additionalProperties": False,
            "properties": {f.name: field_schema(f) for f in fields},
            "required": [f.name for f in fields if f.required]}


def _matches_type(value, kind: str) -> bool:
    if kind == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or \
            (isinstance(value, float) and value.is_integer())
    return {"string": isinstance(value, str), "boolean": isinstance(value, bool), "null": value is None,
            "array": isinstance(value, list), "object": isinstance(value, dict),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool)}[kind]


def _is_date(value: str) -> bool:
    try:
        return bool(ISO_DATE.fullmatch(value)) and dt.date.fromisoformat(value) is not None
    except ValueError:
        return False


def shape_problem(schema: dict, value) -> str | None:
    """What keeps `value` from matching `schema` (the keywords field_schema uses), or None."""
    if not any(_matches_type(value, kind) for kind in _types(schema)):
        return "must be " + " or ".join(_types(schema))
    if "enum" in schema and value is not None and value not in schema["enum"]:
        return "must be one of " + ", ".join(map(str, schema["enum"]))
    if isinstance(value, str):
        if len(value) > schema.get("maxLength", len(value)):
            return f"must have at most {schema['maxLength']:,} characters"
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return "is not text this field takes"
        if schema.get("format") == "date" and not _is_date(value):
            return "must be a date written YYYY-MM-DD"
    elif isinstance(value, list) and len(value) > schema.get("maxItems", len(value)):
        return f"has {len(value)} rows; at most {schema['maxItems']} are allowed"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not schema.get("minimum", value) <= value <= schema.get("maximum", value):
            return f"must be from {schema['minimum']} to {schema['maximum']}"
    return None


def step_data_problems(fields: tuple[FieldSpec, ...], data) -> dict[str, str]:
    """Each field of `data` that does not match its schema, named as the form names it, in the engine's words."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return {"data": "must be an object of the step's field names and values"}
    specs = {f.name: f for f in fields}
    problems = {name: "is not a field of this step" for name in data if name not in specs}
    for spec in fields:
        if spec.name not in data:
            if spec.required:
                problems[spec.name] = "is required"
            continue
        value = data[spec.name]
        problem = shape_problem(field_schema(spec), value)
        if problem:
            problems[spec.name] = "is required" if spec.required and values.blank(value) else \
                _engine_words(spec, value) or problem
    return problems


def _engine_words(spec: FieldSpec, value) -> str | None:
    """The engine's message for a value, so the API and the form refuse it alike; None when the engine takes it."""
    try:
        values.field_value(spec, value)
    except (ValueError, TypeError, ArithmeticError) as exc:
        return str(exc)
    return None


def step_components(definition: WorkflowDefinition) -> dict[str, dict]:
    """The OpenAPI schemas of the step bodies: ProposeRequest, TransitionRequest (one per trigger), their data."""
    creating = definition.creating_trigger
    components = {"ProposeData": data_schema(definition.fields_of(creating.trigger)),
                  "ProposeRequest": {"type": "object", "additionalProperties": False, "required": ["data"],
                                     "properties": {"data": {"$ref": "#/components/schemas/ProposeData"},
                                                    "comment": COMMENT}}}
    steps = [t for t in definition.transitions.values() if t is not creating]
    for spec in steps:
        name = _camel(spec.trigger)
        components[f"{name}Data"] = data_schema(definition.fields_of(spec.trigger))
        components[f"{name}Step"] = {
            "type": "object", "additionalProperties": False, "required": ["trigger"], "title": spec.label,
            "properties": {"trigger": {"const": spec.trigger},
                           "data": {"anyOf": [{"$ref": f"#/components/schemas/{name}Data"}, {"type": "null"}]},
                           "expected_version": EXPECTED_VERSION, "comment": COMMENT}}
    components["TransitionRequest"] = {
        "oneOf": [{"$ref": f"#/components/schemas/{_camel(s.trigger)}Step"} for s in steps],
        "discriminator": {"propertyName": "trigger",
                          "mapping": {s.trigger: f"#/components/schemas/{_camel(s.trigger)}Step" for s in steps}}}
    return components


def _camel(trigger: str) -> str:
    return "".join(part.capitalize() for part in trigger.split("_"))
