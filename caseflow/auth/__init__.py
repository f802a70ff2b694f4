"""Sign-in: loading the signed-in user for Flask-Login, and the sign-in pages."""
from flask import Blueprint

from caseflow.extensions import db, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str):
    """Return the active user with this id, or None."""
    from caseflow.models import User

    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active_user else None


from caseflow.auth import views  # noqa: E402,F401 - attaches the routes to bp
