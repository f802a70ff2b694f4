"""Forms built from the workflow definition: one FlaskForm class per step, made once and cached."""
from __future__ import annotations

import secrets

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError
from wtforms.widgets import DateInput, NumberInput, TextInput

from caseflow.extensions import db
from caseflow.models import Organisation, User
from caseflow.workflow import values
from caseflow.workflow.columns import COMMENT_MAX_LENGTH
from caseflow.workflow.definition import FieldSpec, WorkflowDefinition

_cache: dict[tuple[int, str], type[FlaskForm]] = {}
BLANK = {"": "—"}


class Parses:
    """Read the field's input as the engine, the API and the import read it (caseflow.workflow.values)."""

    def __init__(self, spec: FieldSpec):
        self.spec = spec

    def __call__(self, form, field):
        try:
            values.field_value(self.spec, field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class ValueField(StringField):
    """A text input whose value the engine reads: a date, an amount, a whole number or a currency."""


class StepForm(FlaskForm):
    """What every step's form carries besides its fields: the version seen and a comment."""

    version = HiddenField(validators=[InputRequired(message="The form lost the case version: reload the page.")])
    # Drawn once with the form: a second submission of the same form is recognised (caseflow/cases/once.py).
    submission = HiddenField(default=lambda: secrets.token_urlsafe(18))
    # Kept in the step's history record, as long as the API and the engine allow.
    comment = TextAreaField("Comment for the history (optional)", render_kw={"maxlength": COMMENT_MAX_LENGTH},
                            validators=[Optional(), Parses(FieldSpec("comment", "textarea", "Comment",
                                                                     max_length=COMMENT_MAX_LENGTH))])

    def step_fields(self):
        """The fields that come from the definition, in its order."""
        return [self[name] for name in self.field_names]

    def fields_named(self, prefix: str, matching: bool = True):
        """The step's fields whose names start (or, with matching=False, do not start) with `prefix`."""
        return [f for f in self.step_fields() if f.name.startswith(prefix) == matching]

    def step_data(self) -> dict:
        """The submitted values as the engine takes them (it reads them by caseflow.workflow.values); blanks as None."""
        data = {}
        for name in self.field_names:
            value = self[name].data
            data[name] = None if value == "" else value
        return data

    def expected_version(self) -> int | None:
        """The case version the user saw when the form was drawn."""
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


def _validators(spec: FieldSpec) -> list:
    if spec.type in {"affirm", "bool"}:
        return []
    chain = [InputRequired(message="is required")] if spec.required else [Optional()]
    if spec.type not in {"choice", "partner"}:  # a select offers only its choices, checked by the engine
        chain.append(Parses(spec))
    return chain


def _choices(spec: FieldSpec) -> dict[str, str]:
    return {**BLANK, **(spec.choices or {})}


# The browser's input for each kind of value; the server reads every one of them as text.
WIDGETS = {"date": DateInput(), "decimal": NumberInput(step="any"), "integer": NumberInput()}


def make_field(spec: FieldSpec):
    """The WTForms field for one FieldSpec, with the definition's label and help text."""
    kw = {"label": spec.label, "description": spec.help, "validators": _validators(spec)}
    if spec.max_length:
        kw["render_kw"] = {"maxlength": spec.max_length}
    match spec.type:
        case "textarea":
            return TextAreaField(**kw)
        case "choice":
            return SelectField(choices=_choices(spec), **kw)
        case "partner" | "officer" | "reviewer":
            # The organisations and people are filled in per request (bind_partner_choices); they change.
            return SelectField(choices={}, validate_choice=False, **kw)
        case "affirm" | "bool":
            return BooleanField(**kw)
        case "text":
            return StringField(**kw)
        case "rows":
            return FieldList(FormField(row_form_class(spec)), label=spec.label, description=spec.help,
                             min_entries=min(ROWS_SHOWN, spec.max_rows), max_entries=spec.max_rows)
        case _:  # date, decimal, integer, currency
            return ValueField(widget=WIDGETS.get(spec.type, TextInput()), **kw)


#: How many empty rows a repeating-rows field offers (the engine drops those left empty).
ROWS_SHOWN = 6
_row_forms: dict[int, type[Form]] = {}


def row_form_class(spec: FieldSpec) -> type[Form]:
    """The form of one row of a `rows` field: its cells as fields, no CSRF of its own (the step form has it)."""
    if id(spec) not in _row_forms:
        cells = {}
        for cell in spec.row_fields:
            if cell.choices:  # a choice, or a currency of the definition's rates: a select
                # Unchecked here: the rows the form pads with hold no choice at all; the engine reads every cell.
                cells[cell.name] = SelectField(cell.label, choices=_choices(cell), description=cell.help, validate_choice=False)
                continue
            field = make_field(cell)
            # A row left empty is dropped, so no cell is required here; the engine names a half-filled row's gaps.
            field.kwargs["validators"] = [] if cell.type in {"affirm", "bool"} else [Optional(), Parses(cell)]
            cells[cell.name] = field
        _row_forms[id(spec)] = type(f"{spec.name.title()}Row", (Form,), cells)
    return _row_forms[id(spec)]


def step_form_class(definition: WorkflowDefinition, form_name: str) -> type[StepForm]:
    """The form class of the step `form_name`, built from its FieldSpecs on first use."""
    key = (id(definition), form_name)
    if key not in _cache:
        specs = definition.forms[form_name]
        attrs = {spec.name: make_field(spec) for spec in specs}
        attrs["field_names"] = tuple(spec.name for spec in specs)
        attrs["submit"] = SubmitField("Submit")
        if form_name == definition.creating_trigger.form:
            attrs["version"] = None  # a new case has no version to check
        _cache[key] = type(f"{form_name.title().replace('_', '')}Form", (StepForm,), attrs)
    return _cache[key]


def bind_partner_choices(form: StepForm, definition: WorkflowDefinition, form_name: str) -> None:
    """Offer the organisations in the directory to every partner field of `form`."""
    partner_fields = [s.name for s in definition.forms[form_name] if s.type == "partner"]
    if not partner_fields:
        return
    rows = db.session.execute(select(Organisation.id, Organisation.name).order_by(Organisation.name)).all()
    choices = {"": "— a new partner, described below —", **{str(i): name for i, name in rows}}
    for name in partner_fields:
        form[name].choices = choices


def bind_people_choices(form: StepForm, definition: WorkflowDefinition, form_name: str) -> None:
    """Offer the active users of the field's role to every officer or reviewer field of `form`."""
    for spec in definition.forms[form_name]:
        if spec.type in ("officer", "reviewer"):
            rows = db.session.execute(select(User.id, User.name, User.email).where(
                User.role == spec.type, User.is_active_user.is_(True)).order_by(User.name)).all()
            form[spec.name].choices = {**BLANK, **{str(i): f"{name} ({email})" for i, name, email in rows}}


def initial_data(definition: WorkflowDefinition, form_name: str, case) -> dict:
    """Prefill a step's fields from the case columns they are stored in (e.g. the agreed objectives)."""
    data = {}
    for spec in definition.forms[form_name]:
        if spec.type in ("officer", "reviewer"):
            continue  # left blank: a blank person keeps the one the case has
        value = getattr(case, spec.column, None) if spec.column and case is not None else None
        if value is not None:
            data[spec.name] = value
    return data

