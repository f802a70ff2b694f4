"""The engine's reads and writes: Core statements built once, compiled once per dialect, run on the driver.

Skipping the ORM's unit of work and SQLAlchemy's per-call execution keeps a durable transition close to
the cost of the raw driver (see prepared.py); the engine's write transaction owns the connection.
"""
from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from caseflow.models import (BudgetLine, Case, Document, HistoryRecord, Instalment, Notification, Organisation, Review,
                             User, partner_name_key, tidy_partner_name)
from caseflow.workflow.errors import GuardFailed
from caseflow.workflow.prepared import Prepared, PreparedQuery

_CASES = Case.__table__
_PARTNERS = Organisation.__table__
_HISTORY = HistoryRecord.__table__
_REVIEWS = Review.__table__
_NOTIFICATIONS = Notification.__table__
_DOCUMENTS = Document.__table__
_USERS = User.__table__

_LOAD_CASE = PreparedQuery(select(_CASES).where(_CASES.c.id == bindparam("case_id")).with_for_update())
_LOAD_PARTNER = PreparedQuery(select(_PARTNERS).where(_PARTNERS.c.id == bindparam("partner_id")))
_PARTNER_NAMED = PreparedQuery(select(_PARTNERS.c.id).where(_PARTNERS.c.name_key == bindparam("name_key")))
_LOAD_USER = PreparedQuery(select(_USERS.c.id, _USERS.c.name, _USERS.c.role, _USERS.c.is_active_user)
                           .where(_USERS.c.id == bindparam("user_id")))
_DOCUMENT_OF_KIND = PreparedQuery(select(_DOCUMENTS.c.id).where(
    _DOCUMENTS.c.case_id == bindparam("case_id"), _DOCUMENTS.c.kind == bindparam("kind")).limit(1))
_INSERT_HISTORY = Prepared(_HISTORY.insert(), tuple(c.name for c in _HISTORY.columns if c.name != "id"))
_INSERT_REVIEW = Prepared(_REVIEWS.insert(), ("case_id", "due_on", "opened_at", "opened_by", "reason"))
_CLOSE_REVIEW = (_REVIEWS.update()
                 .where(_REVIEWS.c.case_id == bindparam("k_case_id"), _REVIEWS.c.completed_at.is_(None)))
_INSERT_NOTIFICATION = Prepared(_NOTIFICATIONS.insert(), tuple(c.name for c in _NOTIFICATIONS.columns if c.name != "id"))
#: The tables whose rows a step replaces beside the case (StepContext.tables): name -> (delete, insert).
ROW_TABLES = {t.name: (Prepared(t.delete().where(t.c.case_id == bindparam("case_id"))),
                       Prepared(t.insert(), tuple(c.name for c in t.columns if c.name != "id")))
              for t in (BudgetLine.__table__, Instalment.__table__)}
_ROWS_OF = {t.name: PreparedQuery(select(t).where(t.c.case_id == bindparam("case_id")).order_by(t.c.position))
            for t in (BudgetLine.__table__, Instalment.__table__)}
_updates: dict[tuple[str, ...], object] = {}
_closes: dict[tuple[str, ...], object] = {}


class CaseSnapshot:
    """A case row read under lock: its columns as attributes, its partner loaded only when asked for."""

    __slots__ = ("_row", "_conn", "_partner")

    def __init__(self, row: dict, conn):
        self._row, self._conn, self._partner = row, conn, None

    def __getattr__(self, name):
        try:
            return self._row[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def reference(self) -> str:
        return f"CF-{self._row['id']:06d}"

    @property
    def partner(self) -> Organisation:
        if self._partner is None:
            self._partner = load_partner(self._conn, self._row["partner_id"])
        return self._partner


#: What guards see of a case that does not exist yet (propose): every column empty.
NEW_CASE = SimpleNamespace(**{c.name: None for c in _CASES.columns}, partner=None, reference="a new case")


def load_case(conn, case_id: int) -> CaseSnapshot | None:
    """Read a case for a transition, locking its row where the database can (FOR UPDATE)."""
    row = _LOAD_CASE.fetch_one(conn, {"case_id": case_id})
    return None if row is None else CaseSnapshot(row, conn)


def load_partner(conn, partner_id: int) -> Organisation | None:
    """A detached Organisation built from its row: read-only use by guards."""
    row = _LOAD_PARTNER.fetch_one(conn, {"partner_id": partner_id})
    return None if row is None else Organisation(**row)


def load_user(conn, user_id: int) -> dict | None:
    """A user's id, name, role and whether they may sign in: for guards that check who is named in a step."""
    return _LOAD_USER.fetch_one(conn, {"user_id": user_id})


def partner_named(conn, name: str) -> bool:
    """Tell whether a partner of this name exists, whatever its case and spacing."""
    return _PARTNER_NAMED.fetch_one(conn, {"name_key": partner_name_key(name)}) is not None


def has_document(conn, case_id: int, kind: str) -> bool:
    """Tell whether a document of `kind` is attached to the case."""
    return _DOCUMENT_OF_KIND.fetch_one(conn, {"case_id": case_id, "kind": kind}) is not None


def insert_partner(conn, values: dict) -> int:
    """Insert a partner under its tidied name; refuse one whose name another writer took meanwhile."""
    name = values["name"]
    row = {**values, "name": tidy_partner_name(name), "name_key": partner_name_key(name)}
    try:
        return conn.execute(_PARTNERS.insert(), row).inserted_primary_key[0]
    except IntegrityError:  # the propose's transaction is rolled back whole
        raise GuardFailed([("partner_given", f"A partner named '{row['name']}' exists already: "
                                             "choose it from the list.")]) from None


def insert_case(conn, values: dict) -> int:
    """Insert a case row at version 0 with an empty history; the engine's first step writes the rest."""
    row = {**values, "version": 0, "history_seq": 0}
    return conn.execute(_CASES.insert(), row).inserted_primary_key[0]


def update_case(conn, case_id: int, version: int, values: dict) -> bool:
    """Write `values` to the case if it is still at `version`; tell whether it was."""
    columns = tuple(sorted(values))
    statement = _updates.get(columns)
    if statement is None:
        statement = Prepared(_CASES.update()
                             .where(_CASES.c.id == bindparam("k_id"), _CASES.c.version == bindparam("k_version"))
                             .values({c: bindparam(f"v_{c}") for c in columns}))
        _updates[columns] = statement
    params = {f"v_{c}": v for c, v in values.items()}
    params.update(k_id=case_id, k_version=version)
    if getattr(conn, "pipeline", None) is not None and conn.pipeline():
        # The step's writes go in one round trip; the row count is checked before the commit.
        conn.expect_one_row(statement.send(conn, params))
        return True
    return statement.execute(conn, params) == 1


def append_history(conn, record: dict) -> bool:
    """Insert one history record; False when (case_id, seq) is taken, i.e. another writer came first."""
    try:
        _INSERT_HISTORY.execute(conn, record)
    except IntegrityError:
        return False
    return True


def open_review(conn, values: dict) -> None:
    _INSERT_REVIEW.execute(conn, values)


def close_open_review(conn, case_id: int, values: dict) -> None:
    columns = tuple(sorted(values))
    statement = _closes.get(columns)
    if statement is None:
        statement = _closes[columns] = Prepared(_CLOSE_REVIEW.values({c: bindparam(f"v_{c}") for c in columns}))
    statement.execute(conn, {"k_case_id": case_id, **{f"v_{c}": v for c, v in values.items()}})


def insert_notifications(conn, rows: list[dict]) -> None:
    if rows:
        _INSERT_NOTIFICATION.execute_many(conn, rows)


def replace_rows(conn, table: str, case_id: int, rows: list[dict]) -> None:
    """Make `rows` the case's rows of `table` (one of ROW_TABLES): the old ones go, these come in."""
    delete, insert = ROW_TABLES[table]
    delete.execute(conn, {"case_id": case_id})
    if rows:
        insert.execute_many(conn, [{**row, "case_id": case_id} for row in rows])


def load_rows(conn, table: str, case_id: int) -> list[dict]:
    """The case's rows of `table` (one of ROW_TABLES) in position order, as dicts without id and case_id."""
    cursor_rows = _ROWS_OF[table].fetch_all(conn, {"case_id": case_id})
    return [{k: v for k, v in row.items() if k not in ("id", "case_id")} for row in cursor_rows]
