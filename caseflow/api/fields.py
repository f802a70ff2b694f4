"""The marshmallow fields the API's schemas share: strict text, ISO dates, the workflow's states, ids, pages."""
from __future__ import annotations

import datetime as dt

import marshmallow as ma
from marshmallow import fields, validate

from caseflow.api.step_payloads import ISO_DATE, TEXT
from caseflow.workflow import current_workflow, values

#: The most items a page holds.
MAX_LIMIT = 100


def Text(max_length: int, **kwargs) -> fields.String:  # noqa: N802 - reads like the field classes it makes
    """Short text a column can hold: at most `max_length` characters, no NUL, no lone surrogate."""
    return fields.String(validate=[validate.Length(max=max_length), validate.Regexp(TEXT, error="must be text "
                                   "without NUL characters or lone surrogates")], **kwargs)


def Id(**kwargs) -> fields.Integer:  # noqa: N802
    """A row id: a whole number an id column can hold."""
    return fields.Integer(validate=validate.Range(1, values.MAX_INTEGER), **kwargs)


class IsoDate(fields.Date):
    """A date written YYYY-MM-DD, exactly (RFC 3339's full-date), as the document's `format: date` says."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            raise ma.ValidationError(f"'{str(value)[:40]}' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31")
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ma.ValidationError(f"'{value}' is not a date: {exc}") from None


class StateName(fields.String):
    """A state of the app's workflow (CASEFLOW_WORKFLOW); the document lists the states the app really has."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        states = current_workflow().definition.states
        if text not in states:
            raise ma.ValidationError("must be one of " + ", ".join(states))
        return text


def state_enum(converter, field, **kwargs) -> dict:
    """apispec: a StateName's enum, read from the workflow of the app whose document is built."""
    return {"enum": list(current_workflow().definition.states)} if isinstance(field, StateName) else {}


class Strict(ma.Schema):
    """A request schema: a member it does not know is refused by name, never ignored."""

    class Meta:
        unknown = ma.RAISE

    error_messages = {"unknown": "is not a member of this request"}


class Query(Strict):
    """A query string's parameters."""

    error_messages = {"unknown": "is not a parameter of this endpoint"}


class PageQuery(Query):
    limit = fields.Integer(validate=validate.Range(1, MAX_LIMIT), metadata={"description": "Items per page (25)."})
    offset = fields.Integer(validate=validate.Range(0, 10**9), metadata={"description": "Items to skip."})


class Page(ma.Schema):
    """A page of a list: how many there are in all, this page's place, the next page's URL."""

    total = fields.Integer(required=True, validate=validate.Range(min=0))
    limit = fields.Integer(required=True, validate=validate.Range(1, MAX_LIMIT))
    offset = fields.Integer(required=True, validate=validate.Range(min=0))
    next = fields.String(required=True, allow_none=True, metadata={"description": "The next page's URL; null on the last."})


class UserRef(ma.Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)


def user_ref(**kwargs) -> fields.Nested:
    """A user, or null where there is none."""
    return fields.Nested(UserRef, required=True, allow_none=True, **kwargs)


class Error(ma.Schema):
    """Every refusal: {"error", "message"}, with `fields` (each bad input and why) or `guards` (each failed rule)."""

    class GuardReason(ma.Schema):
        guard = fields.String(required=True)
        reason = fields.String(required=True)

    error = fields.String(required=True, metadata={"description": "NotAllowed, Conflict, InvalidData, GuardFailed, "
                                                                  "CaseNotFound, NotFound, Unauthorized, BadRequest, ..."})
    message = fields.String(required=True, metadata={"description": "For people."})
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.String(),
                          metadata={"description": "Each bad field or parameter and what it must be."})
    guards = fields.List(fields.Nested(GuardReason))
