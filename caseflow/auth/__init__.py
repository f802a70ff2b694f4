"""Sign-in: loading the signed-in user for Flask-Login, and the sign-in pages."""
from flask import Blueprint

from caseflow.auth.expiry import check_session
from caseflow.extensions import db, login_manager
from caseflow.routing import MAX_ID

bp = Blueprint("auth", __name__)
bp.before_app_request(check_session)


@login_manager.user_loader
def load_user(session_id: str):
    """Return the active user that `session_id` ("id:session token") names while its token is current, or None."""
    from caseflow.models import User

    user_id, _, token = session_id.partition(":")
    if not (user_id.isascii() and user_id.isdigit()) or not token or int(user_id) > MAX_ID:
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active_user and user.holds_session(token) else None


from caseflow.auth import views  # noqa: E402,F401 - attaches the routes to bp
