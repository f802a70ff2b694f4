"""Sessions that end by themselves: after a while without a request, and some hours after sign-in.

A session made with "Keep me signed in" lasts as long as its remember-me cookie instead: the user
asked for that on a device they trust. Time comes from caseflow.clock, so tests set it.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from caseflow.clock import utcnow

SIGNED_IN_AT, SEEN_AT, KEPT = "signed_in_at", "seen_at", "kept"

# Writing the last-seen time at most once a minute keeps most answers from re-sending the cookie.
SEEN_RESOLUTION = dt.timedelta(minutes=1)


def start(remember: bool) -> None:
    """Mark the session as begun now (call right after a sign-in)."""
    now = _stamp(utcnow())
    session.update({SIGNED_IN_AT: now, SEEN_AT: now, KEPT: bool(remember)})


def expired_reason(now: dt.datetime) -> str | None:
    """Why the signed-in session is over, or None while it lasts."""
    if session.get(KEPT) or SIGNED_IN_AT not in session:
        return None
    config = current_app.config
    idle, longest = (dt.timedelta(minutes=config["CASEFLOW_SESSION_IDLE_MINUTES"]),
                     dt.timedelta(hours=config["CASEFLOW_SESSION_MAX_HOURS"]))
    if now - _read(session.get(SEEN_AT, session[SIGNED_IN_AT])) > idle:
        return f"You were signed out after {_span(idle)} without activity. Sign in again to go on."
    if now - _read(session[SIGNED_IN_AT]) > longest:
        return f"Sessions last {_span(longest)}. Sign in again to go on."
    return None


def check_session():
    """Before each request: end a session that is over, else note the request's time."""
    if request.blueprint == "api" or not current_user.is_authenticated:
        return None  # the API signs each request with its token; it has no session
    now = utcnow()
    if SIGNED_IN_AT not in session:
        # Restored from a remember-me cookie (or begun before sessions were stamped): a session begins.
        start(remember=not session.get("_fresh", True))  # Flask-Login marks a restored session not fresh
        return None
    reason = expired_reason(now)
    if reason is not None:
        logout_user()
        for key in (SIGNED_IN_AT, SEEN_AT, KEPT):
            session.pop(key, None)
        flash(reason, "warning")
        target = request.full_path if request.method == "GET" else None
        return redirect(url_for("auth.login", next=target.rstrip("?") if target else None))
    if now - _read(session[SEEN_AT]) >= SEEN_RESOLUTION:
        session[SEEN_AT] = _stamp(now)
    return None


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat()


def _read(stamp: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)  # an unreadable stamp is an old one


def _span(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes % 60:
        return f"{minutes} minutes"
    hours = minutes // 60
    return "1 hour" if hours == 1 else f"{hours} hours"
