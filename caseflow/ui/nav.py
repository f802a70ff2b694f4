"""The navigation bar: which links each role sees, when their feature is installed."""
from __future__ import annotations

from flask import current_app, url_for

EVERYONE = ("officer", "reviewer", "auditor", "admin")

# (endpoint, label, roles). A link shows only if its endpoint is registered (features merge separately).
LINKS = (
    ("dashboard.index", "Dashboard", EVERYONE),
    ("cases.index", "Cases", EVERYONE),
    ("reviews.queue", "Queue", ("reviewer", "officer", "admin", "auditor")),
    ("cases.mine", "My cases", ("officer",)),
    ("partners.index", "Partners", EVERYONE),
    ("audit.log", "Audit", ("auditor", "admin")),
)
ADMIN_LINKS = (
    ("admin.users", "Users"),
    ("scheduler_admin.status", "Scheduler"),
    ("imports.upload", "Import"),
    ("api_tokens.index", "API tokens"),
)


def has_endpoint(endpoint: str) -> bool:
    """Tell whether a feature's endpoint is registered in this app."""
    return endpoint in current_app.view_functions


def links_for(user) -> list[tuple[str, str, str]]:
    """The (endpoint, url, label) links `user` sees in the main navigation."""
    if not user.is_authenticated:
        return []
    return [(e, url_for(e), label) for e, label, roles in LINKS if user.role in roles and has_endpoint(e)]


def admin_links_for(user) -> list[tuple[str, str, str]]:
    """The administration links, for admins only."""
    if not user.is_authenticated or user.role != "admin":
        return []
    return [(e, url_for(e), label) for e, label in ADMIN_LINKS if has_endpoint(e)]
