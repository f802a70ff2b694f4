"""The navigation bar and role-dependent links: shown to whom the view itself lets in."""
from __future__ import annotations

from flask import current_app, url_for
from flask_login import current_user

# (endpoint, label). A link shows only if its endpoint is registered (features merge separately)
# and the view's own `roles_required` lets the user in: the roles are declared once, on the view.
LINKS = (
    ("dashboard.index", "Dashboard"),
    ("cases.index", "Cases"),
    ("reviews.queue", "Queue"),
    ("cases.mine", "My cases"),
    ("partners.index", "Partners"),
    ("audit.log", "Audit"),
)
ADMIN_LINKS = (
    ("admin.users", "Users"),
    ("admin.scheduler_status_page", "Scheduler"),
    ("imports.upload", "Import"),
    ("admin.tokens_page", "API tokens"),
)


def has_endpoint(endpoint: str) -> bool:
    """Tell whether a feature's endpoint is registered in this app."""
    return endpoint in current_app.view_functions


def may_visit(endpoint: str, user=current_user) -> bool:
    """Tell whether `endpoint` is registered and its view admits `user`'s role (see `roles_required`)."""
    view = current_app.view_functions.get(endpoint)
    roles = getattr(view, "allowed_roles", None)
    return bool(view is not None and roles is not None and user.is_authenticated and user.role in roles)


def links_for(user) -> list[tuple[str, str, str]]:
    """The (endpoint, url, label) links `user` sees in the main navigation."""
    return [(e, url_for(e), label) for e, label in LINKS if may_visit(e, user)]


def admin_links_for(user) -> list[tuple[str, str, str]]:
    """The administration links, for admins only."""
    if not user.is_authenticated or user.role != "admin":
        return []
    return [(e, url_for(e), label) for e, label in ADMIN_LINKS if may_visit(e, user)]
