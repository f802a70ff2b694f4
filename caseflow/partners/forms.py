"""The partner directory's filter form, the flag form and the correction form."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, IntegerField, SearchField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from caseflow.models import PARTNER_LEVELS, PARTNER_TYPES
from caseflow.models.partner import NAME_LENGTH


class PartnerFilterForm(Form):
    """Read from the query string."""

    q = SearchField("Name", validators=[Optional()])
    type = SelectField("Type", validators=[Optional()])
    country = SelectField("Country", validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1)], default=1)


class FlagForm(FlaskForm):
    sanctions_flag = BooleanField("Sanctions flag: the partner is on a sanctions list")
    reputational_flag = BooleanField("Reputational flag: the partner poses a serious reputational risk")
    note = TextAreaField("Why (kept with the partner)", validators=[InputRequired(), Length(max=2000)])
    submit = SubmitField("Save the flags")


class CorrectionForm(FlaskForm):
    """A reviewer's or admin's correction of a partner's details; the service checks the values."""

    name = StringField("Name", validators=[InputRequired(), Length(max=NAME_LENGTH)])
    type = SelectField("Type", choices=PARTNER_TYPES)
    country = StringField("Country", validators=[Optional(), Length(max=80)])
    level = SelectField("Level", choices=PARTNER_LEVELS)
    reason = TextAreaField("What was wrong (kept with the partner)", validators=[InputRequired(), Length(max=2000)])
    correct = SubmitField("Correct the details")
