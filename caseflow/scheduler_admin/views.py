"""The scheduler's status page, for admins."""
from flask import render_template

from caseflow.auth.access import roles_required
from caseflow.jobs.status import scheduler_status
from caseflow.scheduler_admin import bp


@bp.get("")
@roles_required("admin")
def status():
    """Show the leader, its lease, and the last run of each sweep."""
    return render_template("scheduler_admin/status.html", status=scheduler_status())
