"""Who may do what: the role check every view and API endpoint makes for its own action."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from caseflow.extensions import login_manager


def roles_required(*roles: str):
    """Let a view run only for signed-in users with one of `roles` (403 otherwise)."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        checked.allowed_roles = frozenset(roles)
        return checked

    return decorate


ANY_ROLE = ("officer", "reviewer", "auditor", "admin")
