"""The notifications inbox."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)

from caseflow.notifications import views  # noqa: E402,F401
