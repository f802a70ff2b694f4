"""Commands to manage users and their roles."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from caseflow.admin import service
from caseflow.extensions import db
from caseflow.models import ROLES, User


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
    try:
        user = service.create_user(email, role, password, name, office)
    except service.UserRejected as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created {role} {user.email}.")


@user_group.command("list")
@with_appcontext
def list_users():
    """List users with their roles."""
    for user in db.session.scalars(select(User).order_by(User.role, User.email)):
        state = "" if user.is_active_user else " (deactivated)"
        click.echo(f"{user.role:9} {user.email:40} {user.office or '':20}{state}")


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {email}")
    return user


@user_group.command("reset-sign-in")
@click.argument("email")
@with_appcontext
def reset_sign_in(email):
    """Clear a user's failed sign-ins, so the account may sign in again at once."""
    from caseflow.auth.signin import reset_failures

    user = _user(email)
    count = user.failed_sign_ins
    reset_failures(user)
    click.echo(f"{user.email} may sign in again ({count} failed sign-in(s) cleared).")


@user_group.command("set-password")
@click.argument("email")
@click.password_option(help="Prompted for when not given.")
@with_appcontext
def set_password(email, password):
    """Give a user a new password; every session of theirs ends and failed sign-ins are cleared."""
    user = _user(email)
    try:
        service.reset_password(user, password)
    except service.UserRejected as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"New password set for {user.email}; their sessions have ended.")


@user_group.command("token")
@click.argument("email")
@click.option("--name", default="cli", help="What the token is for.")
@with_appcontext
def issue_token(email, name):
    """Issue an API token for a user; the secret is printed once."""
    from caseflow.api import tokens

    try:
        _, secret = tokens.issue(_user(email), name)
    except tokens.TokenError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(secret)


@user_group.command("tokens")
@click.argument("email")
@with_appcontext
def list_tokens(email):
    """List a user's API tokens: id, prefix, name, issued, last used, state."""
    from caseflow.api import tokens

    found = tokens.tokens_of(_user(email))
    for token in found:
        used = token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "never"
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        click.echo(f"{token.id:>5} {token.prefix:10} {token.name[:30]:30} {token.created_at:%Y-%m-%d} {used:16} {state}")
    click.echo(f"{len(found)} token(s) for {email.strip().lower()}.")


@user_group.command("revoke-token")
@click.argument("prefix_or_id")
@with_appcontext
def revoke_token(prefix_or_id):
    """Revoke an API token, named by its id or its prefix (cf_AbC123x)."""
    from caseflow.api import tokens

    try:
        token = tokens.find(prefix_or_id)
    except tokens.TokenError as exc:
        raise click.ClickException(str(exc)) from None
    if not tokens.revoke(token):
        raise click.ClickException(f"token {token.id} ({token.prefix}) was revoked already")
    click.echo(f"Revoked token {token.id} ({token.prefix}) of {token.user.email}.")


COMMANDS = [user_group]
