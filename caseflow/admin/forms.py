"""Forms to create users, change a role and (de)activate an account."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from caseflow.admin.service import EMAIL_PATTERN
from caseflow.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from caseflow.models import ROLE_LABELS


class NewUserForm(FlaskForm):
    email = EmailField("E-mail", validators=[
        InputRequired(), Length(max=254),
        Regexp(EMAIL_PATTERN, message="an e-mail address such as name@example.org")])
    name = StringField("Name", validators=[InputRequired(), Length(max=120)])
    role = SelectField("Role", choices=dict(ROLE_LABELS))
    office = StringField("Office", validators=[Optional(), Length(max=120)])
    password = PasswordField("Password", validators=[
        InputRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH,
                                message=f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters")])
    submit = SubmitField("Create the user")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=dict(ROLE_LABELS))
    submit = SubmitField("Change")


class ActiveForm(FlaskForm):
    submit = SubmitField("Apply")
