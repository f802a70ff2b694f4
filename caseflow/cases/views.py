"""Pages that show cases: the list, a case, and what waits on an officer."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import case as when, select
from sqlalchemy.orm import selectinload

from caseflow.auth.access import ANY_ROLE, roles_required
from caseflow.cases import bp, listing
from caseflow.cases.diagram import workflow_svg
from caseflow.cases.timeline import timeline
from caseflow.extensions import db
from caseflow.models import Case, Notification
from caseflow.workflow import current_workflow

# What an officer does next on their own case, by state.
OFFICER_TODO = {"vetted": "Record the agreement", "agreed": "Activate", "exiting": "Complete the exit plan"}


@bp.get("/cases")
@roles_required(*ANY_ROLE)
def index():
    """List cases with filters, search, sorting and pages."""
    form = listing.filter_form(request.args, current_workflow().definition.states)
    return render_template("cases/index.html", form=form, page=listing.search(form),
                           page_args=lambda n, **changes: listing.page_args(request.args, n, **changes))


@bp.get("/cases/<int:case_id>")
@roles_required(*ANY_ROLE)
def detail(case_id: int):
    """Show a case: its facts, the workflow with its state, the user's options and its timeline."""
    case = db.session.scalar(select(Case).where(Case.id == case_id).options(
        selectinload(Case.partner), selectinload(Case.owner), selectinload(Case.reviewer)))
    if case is None:
        abort(404)
    wf = current_workflow()
    options = wf.triggers_for(case.state, current_user.role)
    entries, page, pages = timeline(wf.definition, case.id, request.args.get("page", 1, type=int))
    return render_template(
        "cases/detail.html", case=case, options=options, entries=entries, page=page, pages=pages,
        diagram=workflow_svg(wf.definition, case.state, {t.trigger for t in options}))


@bp.get("/my")
@roles_required("officer")
def mine():
    """Show what waits on the signed-in officer: their cases by next step, and unread notifications."""
    order = when((Case.state == "vetted", 0), (Case.state == "agreed", 1), (Case.state == "exiting", 2), else_=3)
    cases = db.session.scalars(
        select(Case).where(Case.owner_id == current_user.id, Case.state != "discontinued")
        .options(selectinload(Case.partner)).order_by(order, Case.next_review_due, Case.id)).all()
    notes = db.session.scalars(
        select(Notification).where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc()).limit(20)).all()
    waiting = [c for c in cases if c.state in OFFICER_TODO]
    others = [c for c in cases if c.state not in OFFICER_TODO]
    wf = current_workflow()
    options = {state: wf.triggers_for(state, current_user.role) for state in OFFICER_TODO}
    return render_template("cases/mine.html", waiting=waiting, others=others, notes=notes, todo=OFFICER_TODO,
                           options=options)
