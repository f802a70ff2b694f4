"""Checking a sign-in: the password, the account's own failure count, and equal time for unknown e-mails."""
from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import func, select, update

from caseflow.clock import utcnow
from caseflow.database import IMMEDIATE
from caseflow.extensions import db
from caseflow.models import User
from caseflow.models.user import check_password_of_nobody, new_session_token


def find_user(email: str) -> User | None:
    """Return the user with this e-mail (any case), or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """Return the user these credentials sign in, or None; record the outcome on the account and commit.

    Every attempt checks one password hash, whether the e-mail is known or not, so the answer's time
    does not tell who has an account. A blocked account is refused even with the right password.
    """
    user = find_user(email)
    if user is None:
        return check_password_of_nobody(password) or None
    matches = user.check_password(password)
    now = utcnow()
    # The slow check ran outside any write; on SQLite the writing transaction takes the write lock as it
    # begins (a read transaction upgraded to a write fails at once when another writer came between).
    db.session.commit()
    db.session.connection(execution_options={IMMEDIATE: True})
    if is_blocked(user, now):
        signed_in = None  # the attempt in the window neither counts nor lengthens it
    elif matches and user.is_active_user:
        user.failed_sign_ins, user.sign_in_blocked_until, user.last_login_at = 0, None, now
        user.session_token, signed_in = user.session_token or new_session_token(), user
    else:
        count_failure(user, now)
        signed_in = None
    db.session.commit()
    return signed_in


def is_blocked(user: User, now: dt.datetime) -> bool:
    """Tell whether the account waits out a window after failed sign-ins."""
    return user.sign_in_blocked_until is not None and now < user.sign_in_blocked_until


def delay_after(failures: int) -> dt.timedelta:
    """Return how long the account waits after its `failures`-th failure in a row: none for the first few,
    then doubling from one second up to the lockout window."""
    free = current_app.config["CASEFLOW_SIGN_IN_FREE_FAILURES"]
    window = current_app.config["CASEFLOW_SIGN_IN_LOCKOUT_SECONDS"]
    if failures <= free:
        return dt.timedelta(0)
    return dt.timedelta(seconds=min(window, 2 ** min(failures - free - 1, 32)))


def count_failure(user: User, now: dt.datetime) -> None:
    """Count a failed sign-in on the account (one UPDATE, so parallel failures all count) and set its wait."""
    db.session.execute(update(User).where(User.id == user.id).values(failed_sign_ins=User.failed_sign_ins + 1))
    db.session.refresh(user, ["failed_sign_ins"])
    delay = delay_after(user.failed_sign_ins)
    if delay:
        user.sign_in_blocked_until = now + delay


def reset_failures(user: User) -> None:
    """Let the account sign in again at once (an admin's reset) and commit."""
    user.failed_sign_ins, user.sign_in_blocked_until = 0, None
    db.session.commit()
