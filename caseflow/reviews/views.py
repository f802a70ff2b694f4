"""The reviewers' queue page."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import and_, case as when, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from caseflow.auth.access import ANY_ROLE, roles_required
from caseflow.clock import today
from caseflow.extensions import db
from caseflow.models import Case
from caseflow.reviews import bp
from caseflow.workflow import current_workflow

LIMIT = 200
QUEUE_TRIGGERS = ("start_review", "complete_review")  # the queue offers the review steps only


def queue_query(office: str | None, reviewer_id: int | None):
    """Cases under review and active cases whose review has come: the reviewer's own first, most overdue next."""
    due = or_(Case.state == "under_review", and_(Case.state == "active", Case.next_review_due <= today()))
    query = select(Case).join(Case.partner).where(due).options(contains_eager(Case.partner), selectinload(Case.reviewer))
    if office:
        query = query.where(Case.office == office)
    mine = when((Case.reviewer_id == reviewer_id, 0), else_=1) if reviewer_id else when((Case.id.is_(None), 0), else_=1)
    return query.order_by(mine, Case.next_review_due.asc().nulls_last(), Case.id)


@bp.get("/queue")
@roles_required(*ANY_ROLE)
def queue():
    """Show the reviews to do, filterable by office, with the days each is overdue."""
    office = request.args.get("office") or None
    me = current_user.id if current_user.role == "reviewer" else None
    cases = db.session.scalars(queue_query(office, me).limit(LIMIT)).all()
    offices = db.session.scalars(select(Case.office).distinct().order_by(Case.office)).all()
    wf = current_workflow()
    actions = {state: [t for t in wf.triggers_for(state, current_user.role) if t.trigger in QUEUE_TRIGGERS]
               for state in ("active", "under_review")}
    return render_template("reviews/queue.html", cases=cases, offices=offices, office=office, me=me, limit=LIMIT,
                           actions=actions)
