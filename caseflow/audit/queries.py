"""The audit log's query: filters and keyset pagination over (at, id), newest first."""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import and_, or_, select, text

from caseflow.models import Case, HistoryRecord

H = HistoryRecord
NO_STATE = "-"


@dataclass(frozen=True)
class LogFilter:
    """What the auditor narrowed the log to; None means any."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor: str | None = None
    trigger: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    case_id: int | None = None
    partner_id: int | None = None

    def args(self) -> dict:
        """The filters as query-string arguments (for links and exports)."""
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(self).items() if v is not None}

    def where(self, query):
        """Add this filter's conditions to a select over history_records."""
        if self.date_from:
            query = query.where(H.at >= _midnight(self.date_from))
        if self.date_to:
            query = query.where(H.at < _midnight(self.date_to + dt.timedelta(days=1)))
        if self.actor and self.actor.endswith("*"):
            # "system:*": every scheduler job. LIKE, not a range, as PostgreSQL's collation may not be bytewise.
            query = query.where(H.actor.startswith(self.actor[:-1], autoescape=True))
        elif self.actor:
            query = query.where(H.actor == self.actor)
        if self.trigger:
            query = query.where(H.trigger == self.trigger)
        if self.from_state == NO_STATE:  # a case's first record (propose or import)
            query = query.where(H.seq == 1)
        elif self.from_state:
            query = query.where(H.from_state == self.from_state)
        if self.to_state:
            query = query.where(H.to_state == self.to_state)
        if self.case_id is not None:
            query = query.where(H.case_id == self.case_id)
        if self.partner_id is not None:
            query = query.where(H.case_id.in_(select(Case.id).where(Case.partner_id == self.partner_id)))
        return query


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class Cursor:
    """A position in the log: the (at, id) of a record."""

    at: dt.datetime
    id: int

    def __str__(self) -> str:
        return f"{self.at.astimezone(dt.timezone.utc):%Y%m%dT%H%M%S%f}.{self.id}"

    @classmethod
    def parse(cls, value: str | None) -> "Cursor | None":
        """Read a cursor from the query string; raise ValueError on a malformed one."""
        if not value:
            return None
        stamp, _, record_id = value.partition(".")
        at = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%S%f").replace(tzinfo=dt.timezone.utc)
        return cls(at, int(record_id))

    @classmethod
    def of(cls, record) -> "Cursor":
        return cls(record.at, record.id)


@dataclass
class Page:
    records: list
    newer: Cursor | None  # link to the page before (newer records), if any
    older: Cursor | None  # link to the page after (older records), if any


def older_than(cursor: Cursor):
    """Records after `cursor` in newest-first order; `at <=` first so an index on at bounds the scan."""
    return and_(H.at <= cursor.at, or_(H.at < cursor.at, H.id < cursor.id))


def newer_than(cursor: Cursor):
    return and_(H.at >= cursor.at, or_(H.at > cursor.at, H.id > cursor.id))


def log_page(session, flt: LogFilter, per_page: int = 50, after: Cursor | None = None,
             before: Cursor | None = None) -> Page:
    """One page of the log, newest first, from a keyset cursor: no OFFSET, no COUNT."""
    query = flt.where(select(H))
    if before is not None:
        rows = session.scalars(query.where(newer_than(before)).order_by(H.at, H.id).limit(per_page + 1)).all()
        more_newer = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        return Page(rows, Cursor.of(rows[0]) if rows and more_newer else None,
                    Cursor.of(rows[-1]) if rows else None)
    if after is not None:
        query = query.where(older_than(after))
    rows = session.scalars(query.order_by(H.at.desc(), H.id.desc()).limit(per_page + 1)).all()
    more_older = len(rows) > per_page
    rows = rows[:per_page]
    return Page(rows, Cursor.of(rows[0]) if rows and after is not None else None,
                Cursor.of(rows[-1]) if rows and more_older else None)


EXPORT_COLUMNS = (H.id, H.case_id, H.seq, H.trigger, H.from_state, H.to_state, H.actor, H.actor_user_id, H.at,
                  H.data, H.comment, H.prev_hash, H.hash)


def export_rows(session, flt: LogFilter, batch: int = 2000):
    """Every record the filter selects, oldest first, streamed in batches."""
    query = flt.where(select(*EXPORT_COLUMNS)).order_by(H.at, H.id).execution_options(yield_per=batch)
    return session.execute(query)  # plain rows, not ORM objects: several times faster to stream


_DISTINCT_ACTORS = text("""
WITH RECURSIVE a(actor) AS (
    SELECT MIN(actor) FROM history_records
    UNION ALL
    SELECT (SELECT MIN(h.actor) FROM history_records h WHERE h.actor > a.actor) FROM a WHERE a.actor IS NOT NULL
)
SELECT actor FROM a WHERE actor IS NOT NULL
""")


def known_actors(session) -> list[str]:
    """Every actor in the history, by a skip scan of the (actor, at) index: one seek per actor."""
    return list(session.scalars(_DISTINCT_ACTORS))
