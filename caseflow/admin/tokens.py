"""The admin page for API tokens: issue one for a user (secret shown once), revoke one."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from caseflow.admin import bp
from caseflow.api import tokens
from caseflow.api.forms import IssueTokenForm, RevokeTokenForm
from caseflow.auth.access import roles_required
from caseflow.extensions import db
from caseflow.models import ApiToken, User


def _issue_form() -> IssueTokenForm:
    form = IssueTokenForm(prefix="issue")
    users = db.session.scalars(select(User).where(User.is_active_user).order_by(User.email))
    form.user_id.choices = [(u.id, f"{u.email} ({u.role})") for u in users]
    return form


def _page(form: IssueTokenForm, secret: str | None = None, status: int = 200):
    return render_template("admin/tokens.html", form=form, revoke_form=RevokeTokenForm(prefix="revoke"),
                           tokens=tokens.tokens_of(), secret=secret), status


@bp.get("/admin/tokens")
@roles_required("admin")
def tokens_page():
    """List every token with its user, last use and state."""
    return _page(_issue_form())


@bp.post("/admin/tokens")
@roles_required("admin")
def issue_token():
    """Issue a token and show its secret once."""
    form = _issue_form()
    if not form.validate_on_submit():
        return _page(form, status=400)
    user = db.session.get(User, form.user_id.data)
    try:
        token, secret = tokens.issue(user, form.name.data)
    except tokens.TokenError as exc:
        form.user_id.errors.append(str(exc))
        return _page(form, status=400)
    flash(f"Token {token.prefix}… issued for {user.email}. Copy the secret now: it is not shown again.", "success")
    body, status = _page(_issue_form(), secret=secret)
    return body, status, {"Cache-Control": "no-store"}


@bp.post("/admin/tokens/<int:token_id>/revoke")
@roles_required("admin")
def revoke_token(token_id: int):
    """Revoke a token: its bearer is refused from now on."""
    form = RevokeTokenForm(prefix="revoke")
    if not form.validate_on_submit() or form.token_id.data != str(token_id):
        abort(400)
    token = db.session.get(ApiToken, token_id) or abort(404)
    if tokens.revoke(token):
        flash(f"Token {token.prefix}… of {token.user.email} revoked.", "success")
    else:
        flash(f"Token {token.prefix}… was revoked already.", "info")
    return redirect(url_for("admin.tokens_page"))
