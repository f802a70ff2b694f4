"""Administration: users and roles, API tokens, and the scheduler's status."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from caseflow.admin import scheduler, tokens, views  # noqa: E402,F401
