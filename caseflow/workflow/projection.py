"""The case row and its reviews as the history says they must be, for verify to compare with what is stored.

Every column of `cases` is either a fact the history's records set (their "changes"), or follows from the
chain itself: the state from the last record, version and history_seq from the number of records,
history_head from the last hash, updated_at from the last record's time and created_at from the first's.
A review is opened by the record that enters `under_review` and closed by the one that leaves it; the
workflow's effects (open_review, close_review) fill its columns from that record, so they can be rebuilt.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from caseflow.models import Case, Review

UNDER_REVIEW = "under_review"
#: The columns the chain itself accounts for (compared by `case_differences`, not replayed).
CHAIN_COLUMNS = ("id", "state", "version", "history_seq", "history_head", "created_at", "updated_at")
#: Every other column of a case is a fact set by the records' changes.
FACT_COLUMNS = tuple(c.name for c in Case.__table__.columns if c.name not in CHAIN_COLUMNS)
_NUMERIC = {c.name for c in Case.__table__.columns if c.type.python_type is Decimal}
REVIEW_COLUMNS = tuple(c.name for c in Review.__table__.columns if c.name not in ("id", "case_id"))
#: The case is inserted, then its first record is stamped: created_at may precede it by this much.
CREATED_BEFORE_FIRST = dt.timedelta(seconds=60)
#: What the history does not say (a review opened by an import made before imports recorded it).
UNKNOWN = object()


class CaseProjection:
    """A case's facts, first and last record time and reviews, built record by record."""

    __slots__ = ("facts", "reviews", "tables", "first_at", "last_at")

    def __init__(self):
        self.facts: dict = {}
        self.reviews: list[dict] = []
        self.tables: dict[str, list[dict]] = {}  # table -> the case's rows, as the last record that wrote them
        self.first_at = self.last_at = None

    def apply(self, r) -> None:
        """Take one record (in seq order) into account; raise ValueError when its data is not a step's JSON."""
        parsed = json.loads(r.data)
        fields = parsed.get("fields") or {}
        for column, (_before, after) in (parsed.get("changes") or {}).items():
            self.facts[column] = after
        for table, rows in (parsed.get("tables") or {}).items():
            self.tables[table] = rows
        if r.from_state == UNDER_REVIEW and r.to_state != UNDER_REVIEW and self.reviews:
            self.reviews[-1].update(completed_at=r.at, completed_by_id=r.actor_user_id, outcome=r.trigger,
                                    progress=fields.get("progress"), recommendation=fields.get("recommendation"))
        if r.to_state == UNDER_REVIEW and r.from_state != UNDER_REVIEW:
            # The review is due on the case's review date as the opening step left it (open_review).
            self.reviews.append(_opened(r, fields, self.facts.get("next_review_due")))
        self.first_at = self.first_at or r.at
        self.last_at = r.at


def _opened(r, fields: dict, review_date) -> dict:
    """The review a record opens, as the open_review effect (or the import) wrote it."""
    review = dict.fromkeys(REVIEW_COLUMNS)
    review.update(opened_at=r.at, opened_by=r.actor)
    if r.trigger == "import":
        recorded = fields.get("review")
        if recorded is None:
            review.update(due_on=UNKNOWN, reason=UNKNOWN)
        else:
            review.update({k: v for k, v in recorded.items() if k in ("due_on", "reason")})
    else:
        review.update(due_on=review_date or r.at.date().isoformat(), reason=fields.get("reason"))
    return review


def _same(column: str, stored, expected) -> bool:
    if expected is UNKNOWN:
        return True
    if column in _NUMERIC and stored is not None and expected is not None:
        try:
            return Decimal(str(stored)) == Decimal(str(expected))
        except InvalidOperation:
            return False
    if isinstance(expected, dt.datetime) or isinstance(stored, dt.datetime):
        return stored == expected
    return as_json_value(stored) == as_json_value(expected)


def _kind(column) -> str:
    python_type = column.type.python_type
    return "numeric" if python_type is Decimal else "date" if python_type is dt.date else "plain"


#: Where each column sits in a row of select(cases), and how its stored value compares with history's.
CASE_INDEX = {c.name: i for i, c in enumerate(Case.__table__.columns)}
_FACTS = tuple((CASE_INDEX[c.name], c.name, _kind(c)) for c in Case.__table__.columns if c.name in FACT_COLUMNS)
_VERSION, _CREATED, _UPDATED = CASE_INDEX["version"], CASE_INDEX["created_at"], CASE_INDEX["updated_at"]


def case_differences(row, projection: CaseProjection, count: int) -> str | None:
    """The first stored column of the case (a row of select(cases)) that its history contradicts; or None."""
    facts = projection.facts
    for index, column, kind in _FACTS:
        stored, expected = row[index], facts.get(column)
        # The common cases inline (this runs for every column of every case); _same settles the rest.
        if stored == expected or (kind == "date" and stored is not None and stored.isoformat() == expected):
            continue
        if not _same(column, stored, expected):
            return f"the case's {column} is {_shown(stored)} but its history says {_shown(expected)}"
    if row[_VERSION] != count:
        return f"the case's version is {row[_VERSION]} but its history has {count} records"
    if count and row[_UPDATED] != projection.last_at:
        return f"the case's updated_at is {_shown(row[_UPDATED])} but its last record is of {_shown(projection.last_at)}"
    if count and not dt.timedelta(0) <= projection.first_at - row[_CREATED] < CREATED_BEFORE_FIRST:
        return f"the case's created_at is {_shown(row[_CREATED])} but its first record is of {_shown(projection.first_at)}"
    return None


def review_differences(stored: list, projection: CaseProjection) -> str | None:
    """The first stored review (rows in id order) that the history contradicts, described; or None."""
    if len(stored) != len(projection.reviews):
        return f"the case has {len(stored)} reviews but its history opens {len(projection.reviews)}"
    for row, expected in zip(stored, projection.reviews):
        for column in REVIEW_COLUMNS:
            if not _same(column, row[column], expected[column]):
                return (f"review {row['id']}'s {column} is {_shown(row[column])} "
                        f"but its history says {_shown(expected[column])}")
    return None


def table_differences(table: str, stored: list, projection: CaseProjection) -> str | None:
    """The first stored row of `table` (the case's, in position order) that the history contradicts; or None."""
    expected = projection.tables.get(table, [])
    if len(stored) != len(expected):
        return f"the case has {len(stored)} rows in {table} but its history says {len(expected)}"
    for row, want in zip(stored, expected):
        for column, value in want.items():
            have = row[column]
            same = (Decimal(str(have)) == Decimal(str(value)) if isinstance(have, Decimal) and value is not None
                    else as_json_value(have) == as_json_value(value))
            if not same:
                return (f"{table} row {row['id']}'s {column} is {_shown(have)} "
                        f"but its history says {_shown(value)}")
    return None


def as_json_value(value):
    """A stored value in the form history records it (dates ISO, decimals as text)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def _shown(value) -> str:
    return "empty" if value is None else repr(as_json_value(value))
