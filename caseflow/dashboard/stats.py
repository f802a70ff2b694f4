"""The dashboard's figures, each one aggregate query."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, select

from caseflow.clock import today
from caseflow.extensions import db
from caseflow.models import PARTNER_TYPES, RUNNING, Case, Organisation, Review, in_state
from caseflow.reviews.due import review_has_come

REVIEW_HORIZON_DAYS = 30
EXIT_HORIZON_DAYS = 90


def counts_by_state(states: dict[str, str]) -> list[tuple[str, str, int]]:
    """(state, label, count) for every state of the workflow, in its order."""
    found = dict(db.session.execute(select(Case.state, func.count()).group_by(Case.state)).all())
    return [(state, label, found.get(state, 0)) for state, label in states.items()]


def counts_by_partner_type() -> list[tuple[str, int]]:
    """(partner type label, count of cases), largest first."""
    rows = db.session.execute(
        select(Organisation.type, func.count(Case.id)).join(Case.partner).group_by(Organisation.type)
    ).all()
    return sorted(((PARTNER_TYPES.get(t, t), n) for t, n in rows), key=lambda row: (-row[1], row[0]))


def review_figures(grace_days: int) -> dict[str, int]:
    """Reviews falling due soon, open now, and overdue (open past their due date plus grace)."""
    now = today()
    soon = db.session.scalar(select(func.count()).select_from(Case).where(
        review_has_come(now + dt.timedelta(days=REVIEW_HORIZON_DAYS))))
    open_reviews = db.session.scalar(select(func.count()).select_from(Case).where(in_state("under_review")))
    overdue = db.session.scalar(select(func.count()).select_from(Review).join(Case, Review.case_id == Case.id).where(
        in_state("under_review"), Review.completed_at.is_(None),
        Review.due_on < now - dt.timedelta(days=grace_days)))
    return {"due_soon": soon or 0, "open": open_reviews or 0, "overdue": overdue or 0}


def exits_ahead(limit: int = 10) -> tuple[int, list[Case]]:
    """Running partnerships whose end date falls in the next 90 days: the count and the nearest few."""
    now = today()
    window = and_(in_state(*RUNNING), Case.exit_deadline >= now,
                  Case.exit_deadline <= now + dt.timedelta(days=EXIT_HORIZON_DAYS))
    count = db.session.scalar(select(func.count()).select_from(Case).where(window)) or 0
    nearest = db.session.scalars(select(Case).where(window).order_by(Case.exit_deadline).limit(limit)).all()
    return count, nearest
