"""When a review is due, written once: the sweeps, the queue page, the API and the dashboard ask here.

The conditions name their states as literals (`in_state`), so the partial indexes on
next_review_due (PARTIAL_INDEXES) serve every one of these reads.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, or_, select

from caseflow.models import Case, in_state

#: The queue's one order, on the page and in the API: most overdue first, undated last, then by case.
QUEUE_ORDER = (Case.next_review_due.asc().nulls_last(), Case.id.asc())


def review_has_come(as_of: dt.date):
    """SQL: the case is active and its next review date is on or before `as_of`: its periodic review is due."""
    return and_(in_state("active"), Case.next_review_due <= as_of)


def is_review_due(case, as_of: dt.date) -> bool:
    """`review_has_come` for a case already read: the sweeps recheck a case that moved while they ran."""
    return case.state == "active" and case.next_review_due is not None and case.next_review_due <= as_of


def in_queue(as_of: dt.date):
    """SQL: the case is in the reviewers' queue: under review, or active with its review come."""
    return or_(in_state("under_review"), review_has_come(as_of))


def queue_query(as_of: dt.date, office: str | None = None):
    """The reviewers' queue as of `as_of`, in its one order, optionally for one office."""
    query = select(Case).where(in_queue(as_of))
    if office:
        query = query.where(Case.office == office)
    return query.order_by(*QUEUE_ORDER)
