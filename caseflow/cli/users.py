"""Commands to manage users and their roles."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.models import ROLES, ApiToken, User


@click.group("user")
def user_group():
    """Manage users."""


@user_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", help="Full name; defaults to the part of the e-mail before @.")
@click.option("--office", help="The user's office.")
@click.password_option(help="Prompted for when not given.")
@with_appcontext
def create_user(email, role, name, office, password):
    """Create a user with a role."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.ClickException(f"'{email}' is not an e-mail address")
    if len(password) < 8:
        raise click.ClickException("the password must have at least 8 characters")
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise click.ClickException(f"a user {email} exists already")
    user = User(email=email, role=role, name=name or email.split("@")[0], office=office)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {email}.")


@user_group.command("list")
@with_appcontext
def list_users():
    """List users with their roles."""
    for user in db.session.scalars(select(User).order_by(User.role, User.email)):
        state = "" if user.is_active_user else " (deactivated)"
        click.echo(f"{user.role:9} {user.email:40} {user.office or '':20}{state}")


@user_group.command("token")
@click.argument("email")
@click.option("--name", default="cli", help="What the token is for.")
@with_appcontext
def issue_token(email, name):
    """Issue an API token for a user; the secret is printed once."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {email}")
    token, secret = ApiToken.issue(user, name)
    db.session.add(token)
    db.session.commit()
    click.echo(secret)


COMMANDS = [user_group]
