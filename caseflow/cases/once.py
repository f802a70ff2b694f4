"""A step form submitted twice (a double click, a reload, a resend) is done once.

Every step form carries a one-time submission token drawn with it (StepForm.submission). The step stores the
token as an idempotency key of the user, with the answer a repeat gets, in its own transaction
(caseflow/workflow/claims.py). A later submission with that token is refused by the engine (the key is taken,
or the case moved on) and lands where the first did, with a message instead of an error, having changed nothing.
"""
from __future__ import annotations

from flask import flash, redirect, request
from flask_login import current_user

from caseflow import idempotency
from caseflow.extensions import db
from caseflow.workflow import WorkflowError
from caseflow.workflow.claims import Claim

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


def earlier_landing():
    """The redirect to where this form's first submission landed, or None when there was none."""
    key = _key()
    if key is None:
        return None
    db.session.rollback()  # read what committed since this request began: the first submission's step
    row = idempotency.find(current_user.id, key)
    if row is None or row.status is None or row.fingerprint != _print():
        return None
    flash(row.body or "This form was submitted already; nothing was changed.", "info")
    return redirect(row.location)


def run_once(act, settle):
    """Return `act(claim)`, the step made under this form's one-time key (None when the form bears none).

    `settle(outcome)` gives (message for a repeat, URL it lands on). Raise AlreadySubmitted when the step was
    refused because another submission of the same form got there first.
    """
    key = _key()
    claim = None if key is None else Claim(current_user.id, key, "POST", request.path, _print(), settle)
    try:
        return act(claim)
    except WorkflowError:
        # Refused: the key taken or the case moved on may be this form's first submission. Only then is it read.
        if claim is not None and (landing := earlier_landing()) is not None:
            raise AlreadySubmitted(landing) from None
        raise
