"""Time in each state and review timeliness, per office and per partner type, from the history."""
from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from sqlalchemy import Date, Float, and_, case, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from caseflow.clock import today
from caseflow.models import Case, HistoryRecord, Organisation, Review

H = HistoryRecord
DIMENSIONS = {"office": Case.office, "partner_type": Organisation.type}


class days_between(FunctionElement):
    """Days (fractional) from the first timestamp to the second, in each database's own arithmetic."""

    type = Float()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"(julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}))"


@compiles(days_between, "postgresql")
def _days_postgres(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"(EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)})) / 86400.0)"


class plus_days(FunctionElement):
    """A date column moved by a whole number of days."""

    type = Date()
    inherit_cache = True


@compiles(plus_days, "sqlite")
def _plus_sqlite(element, compiler, **kw):
    day, days = list(element.clauses)
    return f"date({compiler.process(day, **kw)}, '+' || {compiler.process(days, **kw)} || ' days')"


@compiles(plus_days, "postgresql")
def _plus_postgres(element, compiler, **kw):
    day, days = list(element.clauses)
    return f"({compiler.process(day, **kw)} + CAST({compiler.process(days, **kw)} AS INTEGER))"


@dataclass(frozen=True)
class StateTime:
    key: str
    state: str
    stays: int
    mean_days: float
    median_days: float


def _stays():
    """Each stay in a state: from the record that entered it to the next record that left it (SQL window)."""
    return (select(H.case_id, H.to_state, H.at,
                   func.lead(H.at).over(partition_by=H.case_id, order_by=H.seq).label("left_at"))
            # The first record enters its state (the engine stores it without a from state); an amendment stays put.
            .where(or_(H.seq == 1, H.from_state.is_(None), H.from_state != H.to_state))
            .subquery())


def time_in_states(session, dimension: str, batch: int = 5000) -> list[StateTime]:
    """Mean and median days of completed stays in each state, per value of `dimension`, streamed in order."""
    column = DIMENSIONS[dimension]
    stays = _stays()
    days = days_between(stays.c.at, stays.c.left_at).label("days")
    query = (select(column.label("key"), stays.c.to_state, days)
             .join(Case, Case.id == stays.c.case_id).join(Organisation, Organisation.id == Case.partner_id)
             .where(stays.c.left_at.is_not(None))
             .order_by(column, stays.c.to_state, days).execution_options(yield_per=batch))
    results, group, values = [], None, []
    for key, state, value in session.execute(query):
        if (key, state) != group:
            if values:
                results.append(_summary(group, values))
            group, values = (key, state), []
        values.append(value)
    if values:
        results.append(_summary(group, values))
    return results


def _summary(group, values) -> StateTime:
    # `values` arrive sorted, so the median is read, not sorted again.
    return StateTime(group[0], group[1], len(values), sum(values) / len(values), statistics.median(values))


@dataclass(frozen=True)
class Timeliness:
    key: str
    on_time: int
    late: int
    overdue: int
    open_in_time: int
    closed_by_exit: int


def review_timeliness(session, dimension: str, grace_days: int) -> list[Timeliness]:
    """Reviews completed by their due date plus grace, completed later, and still open past it."""
    column = DIMENSIONS[dimension]
    limit = plus_days(Review.due_on, literal(grace_days))
    completed = and_(Review.completed_at.is_not(None), Review.outcome == "complete_review")
    done_by = func.date(Review.completed_at)
    overdue_before = today() - dt.timedelta(days=grace_days)
    counts = [
        and_(completed, done_by <= limit),
        and_(completed, done_by > limit),
        and_(Review.completed_at.is_(None), Review.due_on < overdue_before),
        and_(Review.completed_at.is_(None), Review.due_on >= overdue_before),
        and_(Review.completed_at.is_not(None), Review.outcome != "complete_review"),
    ]
    query = (select(column, *[func.sum(case((c, 1), else_=0)) for c in counts])
             .select_from(Review).join(Case, Case.id == Review.case_id)
             .join(Organisation, Organisation.id == Case.partner_id)
             .where(Review.due_on.is_not(None)).group_by(column).order_by(column))
    return [Timeliness(key, *(int(n or 0) for n in numbers)) for key, *numbers in session.execute(query)]
