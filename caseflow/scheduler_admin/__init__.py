"""The admin page that shows the scheduler: who leads, and what each sweep last did."""
from flask import Blueprint

bp = Blueprint("scheduler_admin", __name__, url_prefix="/admin/scheduler")

from caseflow.scheduler_admin import views  # noqa: E402,F401 - registers the routes
