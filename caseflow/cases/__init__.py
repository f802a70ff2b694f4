"""Cases: the list, a case's page, the step forms and an officer's own cases."""
from flask import Blueprint

bp = Blueprint("cases", __name__)

from caseflow.cases import step_views, views  # noqa: E402,F401 - attach the routes
