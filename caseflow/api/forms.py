"""The admin page's forms: issue a token, revoke one."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length


class IssueTokenForm(FlaskForm):
    user_id = SelectField("User", coerce=int, validators=[DataRequired()])
    name = StringField("What the token is for", validators=[DataRequired(), Length(max=120)],
                       description="For example the system that will use it: 'reporting export'.")


class RevokeTokenForm(FlaskForm):
    token_id = HiddenField(validators=[DataRequired()])
