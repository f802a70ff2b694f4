"""User administration."""
from flask import Blueprint

bp = Blueprint("admin", __name__)

from caseflow.admin import views  # noqa: E402,F401
