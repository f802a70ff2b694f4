"""The sign-in and sign-out forms."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from caseflow.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()
    submit = SubmitField("Sign in")


class LogoutForm(FlaskForm):
    """An empty form: signing out is a POST carrying the CSRF token."""

    submit = SubmitField("Sign out")


class PasswordChangeForm(FlaskForm):
    """A signed-in user's own new password, with the current one to prove it is them."""

    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    new_password = PasswordField("New password", validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH,
                               message=f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters")],
        description=f"At least {MIN_PASSWORD_LENGTH} characters. Every other session of yours ends.")
    confirm = PasswordField("New password again", validators=[
        DataRequired(), EqualTo("new_password", message="The two new passwords differ.")])
    submit = SubmitField("Change my password")
