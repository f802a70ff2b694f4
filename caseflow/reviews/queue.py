"""What the review queue page holds: the one queue of caseflow.reviews.due, with what it shows loaded."""
from __future__ import annotations

from sqlalchemy.orm import selectinload

from caseflow.clock import today
from caseflow.extensions import db
from caseflow.models import Case
from caseflow.reviews.due import queue_query


def due_cases(office: str | None, limit: int) -> list[Case]:
    """The first `limit` cases of the queue (the API's, in the same order), for one office or all."""
    query = queue_query(today(), office).options(selectinload(Case.partner), selectinload(Case.reviewer))
    return db.session.scalars(query.limit(limit)).all()
