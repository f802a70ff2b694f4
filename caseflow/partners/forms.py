"""The partner directory's filter form and the flag form."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, IntegerField, SearchField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional


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
