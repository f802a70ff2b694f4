"""Documents attached to a case: signed agreements, review reports, exit plans and others."""
from flask import Blueprint

bp = Blueprint("documents", __name__)

from caseflow.documents import views  # noqa: E402,F401 - registers the routes on bp
