"""The bodies of the two step endpoints: propose a case, fire a trigger; each step's data checked against its form.

Their OpenAPI schemas (caseflow.api.step_payloads.step_components) are built from the same definition and
the same JSON Schema dicts these classes check with, so the document and the checks are one.
"""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from caseflow.api.fields import Strict
from caseflow.api.step_payloads import COMMENT, EXPECTED_VERSION, shape_problem, step_data_problems
from caseflow.workflow import current_workflow

REQUIRED = {"required": "is required", "null": "is required"}


def _matching(schema: dict):
    """A marshmallow validator that refuses what does not match the JSON Schema `schema`."""
    def check(value) -> None:
        problem = shape_problem(schema, value)
        if problem:
            raise ma.ValidationError(problem)
    return check


class StepBody(Strict):
    """A step's body: its form's `data` and a `comment` for the history."""

    data = fields.Raw(allow_none=True, load_default=None)
    comment = fields.Raw(allow_none=True, load_default=None, validate=_matching(COMMENT))

    def step_trigger(self, body: dict) -> str | None:
        """The trigger whose form `data` must fill, or None when the body does not name one."""
        raise NotImplementedError

    @ma.validates_schema(skip_on_field_errors=False)
    def _data_fills_the_form(self, body: dict, **kwargs) -> None:
        trigger = self.step_trigger(body)
        if trigger is not None:
            problems = step_data_problems(current_workflow().definition.fields_of(trigger), body.get("data"))
            if problems:
                raise ma.ValidationError(problems)  # named as the form names them, beside the body's members


class ProposeRequest(StepBody):
    """{"data": {...the propose form...}, "comment": "..."}."""

    data = fields.Raw(required=True, error_messages=REQUIRED)

    def step_trigger(self, body: dict) -> str | None:
        return current_workflow().definition.creating_trigger.trigger


def step_triggers() -> list[str]:
    """The triggers fired on an existing case: every one but the one that creates it."""
    definition = current_workflow().definition
    return [t for t in definition.transitions if t != definition.creating_trigger.trigger]


class TransitionRequest(StepBody):
    """{"trigger": "vet", "data": {...its form...}, "expected_version": 3, "comment": "..."}."""

    trigger = fields.Raw(required=True, error_messages={
        "required": "is required: the name of a step, such as 'vet'", "null": "is required"})
    expected_version = fields.Raw(allow_none=True, load_default=None, validate=_matching(EXPECTED_VERSION))

    @ma.validates("trigger")
    def _a_known_step(self, value, **kwargs) -> None:
        if value not in step_triggers():
            raise ma.ValidationError("must be one of " + ", ".join(step_triggers()))

    @ma.post_load
    def _whole_version(self, body: dict, **kwargs) -> dict:
        if body.get("expected_version") is not None:
            body["expected_version"] = int(body["expected_version"])  # JSON's 3.0 is the whole number 3
        return body

    def step_trigger(self, body: dict) -> str | None:
        return body.get("trigger") if body.get("trigger") in step_triggers() else None
