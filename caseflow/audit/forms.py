"""The audit log's filters, read from the query string (GET forms change nothing, so no CSRF token)."""
from __future__ import annotations

import re

from sqlalchemy import select
from wtforms import Form, IntegerField, SelectField, StringField
from wtforms.fields import DateField
from wtforms.validators import NumberRange, Optional, ValidationError

from caseflow.audit.queries import NO_STATE, LogFilter
from caseflow.extensions import db
from caseflow.models import Organisation

_REFERENCE = re.compile(r"^\s*(?:CF-)?0*(\d+)\s*$", re.IGNORECASE)


def _case_number(form, field):
    if field.data and not _REFERENCE.match(field.data):
        raise ValidationError("a case number such as 42 or CF-000042")


class LogFilterForm(Form):
    """Narrow the audit log: dates, actor, step, states, case, partner."""

    date_from = DateField("From", validators=[Optional()], description="First day, UTC.")
    date_to = DateField("To", validators=[Optional()], description="Last day, UTC (included).")
    actor = StringField("Actor", description="A user's e-mail, system:<job> for one of the scheduler's jobs, system:* for all of them.")
    trigger = SelectField("Step", validators=[Optional()])
    from_state = SelectField("From state", validators=[Optional()])
    to_state = SelectField("To state", validators=[Optional()])
    case_id = StringField("Case", validators=[_case_number], description="42 or CF-000042.")
    partner_id = SelectField("Partner", coerce=lambda v: int(v) if v else None, validators=[Optional()])
    per_page = IntegerField("Per page", default=50, validators=[Optional(), NumberRange(10, 500)])

    def fill_choices(self, workflow) -> "LogFilterForm":
        """Offer the definition's steps and states and the partners in the directory."""
        definition = workflow.definition
        self.trigger.choices = [("", "Any step")] + [(t, s.label) for t, s in definition.transitions.items()] + [
            ("import", "Import")]
        states = [(name, label) for name, label in definition.states.items()]
        self.from_state.choices = [("", "Any"), (NO_STATE, "(new case)")] + states
        self.to_state.choices = [("", "Any")] + states
        partners = db.session.execute(select(Organisation.id, Organisation.name).order_by(Organisation.name))
        self.partner_id.choices = [("", "Any partner")] + [(str(i), n) for i, n in partners]
        return self

    def date_order(self) -> bool:
        """Say whether the date range runs forwards."""
        if self.date_from.data and self.date_to.data and self.date_to.data < self.date_from.data:
            self.date_to.errors = list(self.date_to.errors) + ["must not be before the first day"]
            return False
        return True

    def to_filter(self) -> LogFilter:
        """The validated filters as a LogFilter (call after validate())."""
        match = _REFERENCE.match(self.case_id.data or "")
        return LogFilter(date_from=self.date_from.data, date_to=self.date_to.data,
                         actor=(self.actor.data or "").strip() or None, trigger=self.trigger.data or None,
                         from_state=self.from_state.data or None, to_state=self.to_state.data or None,
                         case_id=int(match.group(1)) if match else None, partner_id=self.partner_id.data or None)
