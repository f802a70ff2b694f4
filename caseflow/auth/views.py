"""Sign in and sign out."""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from caseflow.auth import bp, expiry
from caseflow.auth.access import ANY_ROLE, roles_required
from caseflow.auth.forms import LoginForm, LogoutForm, PasswordChangeForm
from caseflow.auth.passwords import change_own_password
from caseflow.auth.signin import authenticate
from caseflow.extensions import db, limiter


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a local path on this site, else None (no open redirects)."""
    if not target:
        return None
    # A control character (CR, LF, ...) cannot go into a Location header: refused, it would be a 500 or a split header.
    if any(unicodedata.category(ch).startswith("C") for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _login_failed(response) -> bool:
    """Count only failed sign-ins against the limit."""
    return bool(g.get("login_failed"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["CASEFLOW_LOGIN_LIMIT"], methods=["POST"], deduct_when=_login_failed)
def login():
    """Show the sign-in form; sign the user in when the e-mail and password match an active user."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            _renew_csrf_token()
            login_user(user, remember=form.remember.data)
            expiry.start(form.remember.data)
            flash(f"Welcome, {user.name}.", "success")
            return redirect(safe_next(form.next.data) or url_for("dashboard.index"))
        g.login_failed = True
        # One message for every failure, so the form does not reveal which accounts exist.
        form.password.errors.append("The e-mail or password is wrong, or the account is deactivated, "
                                    "or it had too many failed sign-ins: then wait a few minutes.")
    return render_template("auth/login.html", form=form), 401 if g.get("login_failed") else 200


@bp.post("/logout")
def logout():
    """Sign out (a POST with the CSRF token, so no other site can sign people out)."""
    if LogoutForm().validate_on_submit():
        if current_user.is_authenticated:
            current_user.end_sessions()  # every other session and remember-me cookie of this user too
            db.session.commit()
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@roles_required(*ANY_ROLE)
@limiter.limit(lambda: current_app.config["CASEFLOW_LOGIN_LIMIT"], methods=["POST"], deduct_when=_login_failed)
def change_password():
    """Let the signed-in user change their own password; this session goes on, every other one ends."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        refusals = change_own_password(current_user, form.current_password.data, form.new_password.data)
        if not refusals:
            # Signed in again under the new session token, so this session goes on while the others end.
            login_user(current_user._get_current_object(), remember=bool(session.get(expiry.KEPT)))
            expiry.start(bool(session.get(expiry.KEPT)))
            flash("Your password is changed. Any other session of yours has ended.", "success")
            return redirect(url_for("dashboard.index"), code=303)
        g.login_failed = "current_password" in refusals
        for field, message in refusals.items():
            form[field].errors.append(message)
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form), status


def _renew_csrf_token() -> None:
    """Drop the CSRF token of the signed-out visitor; the next form gets a new one."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)
    g.pop(field, None)
