"""What waits on a user: the cases whose awaited step the engine lets them take now, and their own cases."""
from __future__ import annotations

from sqlalchemy import case as when, or_, select
from sqlalchemy.orm import selectinload

from caseflow.extensions import db
from caseflow.models import Case
from caseflow.workflow import Actor, current_workflow

LIMIT = 200


def waiting_on(user, limit: int = LIMIT) -> list[tuple[Case, list]]:
    """(case, steps) for each case waiting on `user`: the steps are the engine's `steps_waiting`, never a list of our own."""
    wf, actor = current_workflow(), Actor.of(user)
    states = [state for state, triggers in wf.definition.awaits.items()
              if any(wf.may_role_fire(wf.definition.transitions[t], actor) for t in triggers)]
    if not states:
        return []
    query = select(Case).where(Case.state.in_(states))
    if column := wf.definition.ownership.get(user.role):
        query = query.where(getattr(Case, column) == user.id)  # narrows the read; the engine still decides
    order = when({s: i for i, s in enumerate(wf.definition.states)}, value=Case.state)
    found = db.session.scalars(query.options(selectinload(Case.partner))
                               .order_by(order, Case.next_review_due, Case.id).limit(limit)).all()
    return [(c, steps) for c in found if (steps := wf.steps_waiting(c, actor))]


def involving(user, limit: int = LIMIT) -> list[Case]:
    """The running cases `user` owns or reviews, for "your other cases"."""
    wf = current_workflow()
    query = (select(Case).where(or_(Case.owner_id == user.id, Case.reviewer_id == user.id),
                                Case.state.not_in(wf.definition.terminal))
             .options(selectinload(Case.partner)).order_by(Case.next_review_due, Case.id).limit(limit))
    return db.session.scalars(query).all()
