"""The scheduler's status page, for admins."""
from flask import render_template

from caseflow.auth.access import roles_required
from caseflow.jobs.status import scheduler_status
from caseflow.admin import bp


@bp.get("/admin/scheduler")
@roles_required("admin")
def scheduler_status_page():
    """Show the leader, its lease, and the last run of each sweep."""
    return render_template("admin/scheduler.html", status=scheduler_status())
