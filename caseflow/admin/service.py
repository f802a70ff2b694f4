"""Create users: the one set of rules for the admin page and `caseflow user create`."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from caseflow.auth.passwords import password_problem
from caseflow.extensions import db
from caseflow.models import ROLES, User

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class UserRejected(ValueError):
    """A user that cannot be created: `field` names the form field, `message` says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def create_user(email: str, role: str, password: str, name: str | None = None, office: str | None = None) -> User:
    """Store a new user with a hashed password and commit; raise UserRejected and store nothing if unfit."""
    email = email.strip().lower()
    if not re.match(EMAIL_PATTERN, email):
        raise UserRejected("email", f"'{email}' is not an e-mail address such as name@example.org")
    if role not in ROLES:
        raise UserRejected("role", f"'{role}' is not a role: one of {', '.join(ROLES)}")
    if (problem := password_problem(password)) is not None:
        raise UserRejected("password", problem)
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise UserRejected("email", f"A user {email} exists already.")
    user = User(email=email, role=role, name=(name or "").strip() or email.split("@")[0], office=office or None)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def set_active(user: User, active: bool) -> None:
    """Deactivate or reactivate `user` and commit; deactivation ends every session of theirs at once."""
    user.is_active_user = active
    if not active:
        user.end_sessions()
    db.session.commit()


def reset_password(user: User, password: str) -> None:
    """Give `user` a new password and commit: their sessions end, and failed sign-ins no longer hold them back."""
    if (problem := password_problem(password)) is not None:
        raise UserRejected("password", problem)
    user.set_password(password)
    user.failed_sign_ins, user.sign_in_blocked_until = 0, None
    db.session.commit()
