"""Text search: a case's title or its partner's name contains what was typed, ignoring case, read from an index.

Both listings (the pages and the API) call this module, so a search means the same everywhere: the typed
text, stripped, found anywhere in the field, its `%`, `_` and `\\` taken literally, ignoring case as each
database's LIKE always has here (SQLite: ASCII letters only; PostgreSQL's ILIKE: every letter).

- SQLite: contentless FTS5 tables (`cases_fts` of each case's title and partner's name, `organisations_fts`
  of each name; filled and kept in step by triggers, see the migration d5f1b7c3a9e2) hold the texts lowered
  by SQLite's lower(), which lowers ASCII letters only, under the case-sensitive trigram tokenizer. The
  text, lowered the same way, is looked up as one quoted phrase (nothing typed is an FTS operator): its
  trigrams in a row, in one column. That is exactly LIKE '%text%' with ASCII case ignored, so no row is
  read again to check it.
- PostgreSQL: GIN trigram indexes (`pg_trgm`) on the title and the name serve the ILIKE itself.
- Text shorter than a trigram has no trigram to look up: it is the plain LIKE, which reads every row.
"""
from __future__ import annotations

import string

from sqlalchemy import column, false, or_, select, table, union
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from caseflow.extensions import db
from caseflow.models import Case, Organisation

#: The shortest text an index can find: one trigram.
MIN_INDEXED = 3
CASES_FTS = table("cases_fts", column("rowid"))
ORGANISATIONS_FTS = table("organisations_fts", column("rowid"))
#: No stored text holds a NUL, and PostgreSQL refuses one in a parameter: a search with one finds nothing.
NUL = "\x00"
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def like_pattern(text: str) -> str:
    """A LIKE pattern (escape character backslash) matching `text`, stripped, anywhere, its wildcards literal."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_phrase(text: str) -> str:
    """`text`, stripped and ASCII-lowered as SQLite's lower() does, as one FTS5 phrase: quoted, quotes doubled."""
    return '"' + text.strip().translate(_ASCII_LOWER).replace('"', '""') + '"'


def _on_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def indexed(text: str) -> bool:
    """Whether `text` is long enough for the trigram indexes to find."""
    return len(text.strip()) >= MIN_INDEXED


def contains_text(column_, text: str):
    """SQL: `column_` contains `text` as typed, ignoring case: the LIKE itself (SQLite's ignores ASCII case,
    and skipping lower() keeps it quick; PostgreSQL's trigram index serves the ILIKE)."""
    if _on_sqlite():
        return column_.like(like_pattern(text), escape="\\")
    return column_.ilike(like_pattern(text), escape="\\")


def _fts_rowids(fts, text: str):
    # The table's own name left of MATCH searches every column: a case's title and partner's name, or a name.
    return select(fts.c.rowid).where(column(fts.name).op("MATCH")(fts_phrase(text)))


def partner_ids(text: str):
    """SELECT the ids of the organisations whose name contains `text`."""
    if NUL in text:
        return select(Organisation.id).where(false())
    if _on_sqlite() and indexed(text):
        return _fts_rowids(ORGANISATIONS_FTS, text)
    return select(Organisation.id).where(contains_text(Organisation.name, text))


def partner_matches(text: str):
    """SQL: the organisation's name contains `text`."""
    if NUL in text:
        return false()
    if _on_sqlite() and indexed(text):
        return Organisation.id.in_(partner_ids(text))
    return contains_text(Organisation.name, text)


def case_ids(text: str):
    """SELECT the ids of the cases whose title or partner's name contains `text`, each once, from the indexes
    alone: count it to count the matches without reading a case."""
    if NUL in text:
        return select(Case.id).where(false())
    if _on_sqlite() and indexed(text):
        return _fts_rowids(CASES_FTS, text)
    titled = select(Case.id).where(contains_text(Case.title, text))
    return union(titled, select(Case.id).where(Case.partner_id.in_(partner_ids(text))))


def case_matches(text: str, probe: bool = False):
    """SQL: the case's title or its partner's name contains `text` (no join with the partner needed).

    `probe`: on SQLite, only test each case read otherwise against the matches (a unary + keeps the
    planner from reading the cases by the matches' ids): when other filters' index or the sort's drives.
    """
    if NUL in text:
        return false()
    if not indexed(text):
        # Below a trigram every row is read anyway: one pass over the cases, which a sort may stop early.
        return or_(contains_text(Case.title, text), Case.partner_id.in_(partner_ids(text)))
    return (unindexed(Case.id) if probe and _on_sqlite() else Case.id).in_(case_ids(text))


def unindexed(column_):
    """`column_` as SQLite's planner may not look up in an index (unary +), so that another index drives."""
    return UnaryExpression(column_, operator=custom_op("+"), type_=column_.type)
