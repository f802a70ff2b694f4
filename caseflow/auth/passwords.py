"""What a password must be, and a user changing their own: one set of rules for every path that sets one."""
from __future__ import annotations

from caseflow.auth.signin import count_failure, is_blocked
from caseflow.clock import utcnow
from caseflow.database import IMMEDIATE
from caseflow.extensions import db
from caseflow.models import User

MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH = 10, 200


def password_problem(password: str) -> str | None:
    """Why `password` cannot be anyone's, or None when it can."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must have at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"The password may have at most {MAX_PASSWORD_LENGTH} characters."
    return None


def change_own_password(user: User, current: str, new: str) -> dict[str, str]:
    """Give `user` the password `new` when `current` is theirs, and commit; return the refusals by field.

    A wrong current password counts as a failed sign-in: a session left open on a shared computer must not
    let anyone try passwords without the account's limits. The new password ends every other session.
    """
    now = utcnow()
    if is_blocked(user, now):
        return {"current_password": "Too many wrong passwords: wait a few minutes, then try again."}
    if not user.check_password(current):
        db.session.commit()
        db.session.connection(execution_options={IMMEDIATE: True})
        count_failure(user, now)
        db.session.commit()
        return {"current_password": "This is not your current password."}
    if (problem := password_problem(new)) is not None:
        return {"new_password": problem}
    if new == current:
        return {"new_password": "Choose a password other than the current one."}
    user.set_password(new)
    user.failed_sign_ins, user.sign_in_blocked_until = 0, None
    db.session.commit()
    return {}
