"""Read query strings and JSON bodies strictly with the endpoints' schemas; bad input is a 4xx naming each problem."""
from __future__ import annotations

import json

import marshmallow as ma
from flask import request
from webargs.flaskparser import FlaskParser

from caseflow.api.errors import ApiError


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


def field_errors(messages, prefix: str = "") -> dict[str, str]:
    """marshmallow's nested error messages as one flat {"name" or "name.member": "why"}."""
    if not isinstance(messages, dict):
        return {prefix or "body": "; ".join(map(str, messages)) if isinstance(messages, list) else str(messages)}
    flat = {}
    for name, inner in messages.items():
        key = "body" if name == "_schema" else str(name)
        flat.update(field_errors(inner, f"{prefix}.{key}" if prefix else key))
    return flat


class ApiParser(FlaskParser):
    """webargs' Flask parser, answering in caseflow's error envelope: 400 for the query, 422 for the body."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "querystring": ma.RAISE, "query": ma.RAISE}

    def load_json(self, req, schema):
        return json_object()

    def load_querystring(self, req, schema):
        repeated = {name: "is given more than once" for name in req.args if len(req.args.getlist(name)) > 1}
        if repeated:
            raise ApiError(400, "BadRequest", "The query parameters are not valid.", fields=repeated)
        return req.args.to_dict()

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        location, messages = next(iter(error.messages.items()))
        if location in ("query", "querystring"):
            raise ApiError(400, "BadRequest", "The query parameters are not valid.", fields=field_errors(messages))
        raise ApiError(422, "InvalidData", "The request is not valid.", fields=field_errors(messages))


parser = ApiParser()


def read_json(schema: ma.Schema) -> dict:
    """The request's JSON body loaded with `schema`, or a 4xx naming each bad member."""
    return parser.parse(schema, location="json")
