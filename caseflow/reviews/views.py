"""The reviewers' queue page."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select

from caseflow.auth.access import ANY_ROLE, roles_required
from caseflow.extensions import db
from caseflow.models import Case
from caseflow.reviews import bp
from caseflow.reviews.queue import due_cases
from caseflow.workflow import Actor, current_workflow

LIMIT = 200
QUEUE_TRIGGERS = ("start_review", "complete_review")  # the queue offers the review steps only


@bp.get("/queue")
@roles_required(*ANY_ROLE)
def queue():
    """Show the reviews to do, filterable by office, with the days each is overdue."""
    office = request.args.get("office") or None
    me = current_user.id if current_user.role == "reviewer" else None
    cases = due_cases(office, LIMIT)
    offices = db.session.scalars(select(Case.office).distinct().order_by(Case.office)).all()
    wf, actor = current_workflow(), Actor.of(current_user)
    actions = {c.id: [t for t in wf.triggers_for(c, actor) if t.trigger in QUEUE_TRIGGERS] for c in cases}
    return render_template("reviews/queue.html", cases=cases, offices=offices, office=office, me=me, limit=LIMIT,
                           actions=actions)
