"""The dashboard: where the partnerships stand, at a glance."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from caseflow.dashboard import views  # noqa: E402,F401
