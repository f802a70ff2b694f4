"""Pages that show cases: the list, a case, and what waits on the signed-in user."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseflow.auth.access import ANY_ROLE, roles_required
from caseflow.cases import bp, inbox, listing
from caseflow.cases.diagram import workflow_svg
from caseflow.cases.timeline import timeline
from caseflow.extensions import db
from caseflow.models import CONTRIBUTION_KINDS, INSTALMENT_STATUSES, PARTIES, Case, Notification
from caseflow.money.summary import money_of
from caseflow.workflow import Actor, current_workflow



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
    options = wf.triggers_for(case, Actor.of(current_user))
    entries, page, pages = timeline(wf.definition, case.id, request.args.get("page", 1, type=int))
    return render_template(
        "cases/detail.html", case=case, options=options, entries=entries, page=page, pages=pages,
        diagram=workflow_svg(wf.definition, case.state, {t.trigger for t in options}),
        money=money_of(case, wf.definition.usd_rates), parties=PARTIES,
        kinds=CONTRIBUTION_KINDS, statuses=INSTALMENT_STATUSES)


@bp.get("/my")
@roles_required("officer", "reviewer")
def mine():
    """Show what waits on the signed-in user (the steps they may take now), their other cases, and notifications."""
    waiting = inbox.waiting_on(current_user)
    shown = {c.id for c, _ in waiting}
    others = [c for c in inbox.involving(current_user) if c.id not in shown]
    notes = db.session.scalars(
        select(Notification).where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc()).limit(20)).all()
    return render_template("cases/mine.html", waiting=waiting, others=others, notes=notes)
