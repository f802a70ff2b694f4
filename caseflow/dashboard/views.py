"""The dashboard page."""
from flask import render_template

from caseflow.auth.access import ANY_ROLE, roles_required
from caseflow.dashboard import bp, stats
from caseflow.ui.charts import bar_chart
from caseflow.workflow import current_workflow


@bp.get("/")
@roles_required(*ANY_ROLE)
def index():
    """Show counts per state, reviews due and overdue, exits ahead and cases per partner type."""
    wf = current_workflow()
    states = stats.counts_by_state(wf.definition.states)
    types = stats.counts_by_partner_type()
    exit_count, exits = stats.exits_ahead()
    return render_template(
        "dashboard/index.html", states=states, types=types, exit_count=exit_count, exits=exits,
        reviews=stats.review_figures(wf.definition.timers["review_grace_days"]),
        state_chart=bar_chart([(label, n) for _, label, n in states], "Cases per state"),
        type_chart=bar_chart(types, "Cases per partner type", colour="#198754"),
    )
