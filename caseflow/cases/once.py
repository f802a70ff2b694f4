"""A step form submitted twice (a double click, a reload, a resend) is done once.

Every step form carries a one-time submission token drawn with it (StepForm.submission). The first
submission with that token claims it as an idempotency key of the user (caseflow.idempotency); a
later one lands where the first did, with a message instead of an error, and changes nothing.
"""
from __future__ import annotations

from flask import flash, redirect, request
from flask_login import current_user

from caseflow import idempotency

PREFIX = "form:"


class AlreadySubmitted(Exception):
    """This form was submitted before: `landing` is the redirect to the first submission's result."""

    def __init__(self, landing):
        super().__init__("already submitted")
        self.landing = landing


def _key() -> str | None:
    token = request.form.get("submission", "") if request.method == "POST" else ""
    return PREFIX + token if token and idempotency.key_problem(PREFIX + token) is None else None


def _print() -> str:
    # The token is drawn once per form: the route is the request it names, whatever was typed.
    return idempotency.fingerprint("POST", request.path, b"")


def _landing(row):
    flash(row.body or "This form was submitted already; nothing was changed.", "info")
    return redirect(row.location)


def earlier_landing():
    """The redirect to where this form's first submission landed, or None when this is the first."""
    key = _key()
    if key is None:
        return None
    try:
        row = idempotency.settled(current_user.id, key, _print())
    except (idempotency.KeyMismatch, idempotency.KeyInFlight):
        return None  # run_once answers these
    return _landing(row) if row is not None else None


def run_once(act, settle):
    """Run `act()` once per submitted form; `settle(outcome)` gives (message for a repeat, URL it lands on).

    Raise AlreadySubmitted when another submission of the same form got there first.
    """
    key = _key()
    if key is None:
        return act()
    try:
        earlier = idempotency.wait_for(current_user.id, key, "POST", request.path, _print())
    except idempotency.KeyMismatch:
        return act()  # a token copied into another form: it names nothing here
    except idempotency.KeyInFlight:
        flash("Your first submission of this form is still being worked on; reload in a moment.", "warning")
        raise AlreadySubmitted(redirect(request.path)) from None
    if earlier is not None:
        raise AlreadySubmitted(_landing(earlier))
    try:
        outcome = act()
    except BaseException:
        idempotency.release(current_user.id, key)
        raise
    message, location = settle(outcome)
    idempotency.answer(current_user.id, key, 303, message, location)
    return outcome
