"""Security headers (flask-talisman) and the sign-in manager's settings."""
from __future__ import annotations

from flask import Flask

from caseflow.extensions import login_manager, talisman

# Only our own origin: Bootstrap is served locally, there is no inline script or style.
# `data:` images are Bootstrap's own SVG icons (select arrows, the navbar toggler).
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_security(app: Flask) -> None:
    """Send the security headers and send anonymous visitors to the sign-in page."""
    talisman.init_app(
        app,
        content_security_policy=CSP,
        force_https=app.config.get("FORCE_HTTPS", False),
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE", "Lax"),
        strict_transport_security=app.config["SESSION_COOKIE_SECURE"],
        frame_options="DENY",
        referrer_policy="same-origin",
    )
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
