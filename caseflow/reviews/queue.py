"""What the review queue holds: cases under review and active cases whose review has come."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from caseflow.clock import today
from caseflow.extensions import db
from caseflow.models import Case, in_state


def due_cases(office: str | None, reviewer_id: int | None, limit: int) -> list[Case]:
    """The reviewer's own due cases first, then everyone else's; each part most overdue first."""
    if reviewer_id is None:
        return _due(office, limit, None)
    mine = _due(office, limit, Case.reviewer_id == reviewer_id)
    others = or_(Case.reviewer_id != reviewer_id, Case.reviewer_id.is_(None))
    return mine + _due(office, limit - len(mine), others)


def _due(office: str | None, limit: int, extra) -> list[Case]:
    """Two ordered scans of the under-review and active cases' next_review_due indexes, merged."""
    if limit <= 0:
        return []
    found = []
    for where in ([in_state("under_review")], [in_state("active"), Case.next_review_due <= today()]):
        query = select(Case).where(*where).options(selectinload(Case.partner), selectinload(Case.reviewer))
        if office:
            query = query.where(Case.office == office)
        if extra is not None:
            query = query.where(extra)
        found += db.session.scalars(query.order_by(Case.next_review_due, Case.id).limit(limit)).all()
    found.sort(key=lambda c: (c.next_review_due or dt.date.max, c.id))
    return found[:limit]
