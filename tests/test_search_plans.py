"""A search reads its index (FTS5 on SQLite, the trigram indexes on PostgreSQL), and the migration that makes
those indexes comes and goes on both databases, finding the cases stored before it when it comes back."""
from __future__ import annotations

import contextlib

from sqlalchemy import event, func, insert, inspect, select, text

from caseflow.extensions import db
from caseflow.models import Case, Organisation
from caseflow.search import case_ids, case_matches, partner_matches
from tests.test_query_plans import plan

BEFORE = "c4e8a1d2f7b3"
SORT_INDEXES = {"ix_cases_title_id", "ix_cases_proposed_end_id", "ix_cases_updated_at_id"}
TRIGRAM = {"ix_cases_title_trgm", "ix_organisations_name_trgm"}


@contextlib.contextmanager
def caught():
    """Collect (SQL, parameters) of every SELECT sent while the block runs."""
    statements = []

    def catch(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", catch)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", catch)


def plans(statement) -> list[str]:
    """The plans of the statements `statement` sends (PostgreSQL: as its planner would pick them, sequential
    scans allowed, for with them off any btree index stands in for a scan of the table)."""
    with caught() as statements:
        db.session.execute(statement).all()
    if db.engine.dialect.name == "sqlite":
        return [plan(sql, parameters) for sql, parameters in statements]
    with db.engine.connect() as conn:
        return ["\n".join(conn.exec_driver_sql("EXPLAIN " + sql, parameters).scalars()) for sql, parameters in statements]


def test_a_search_reads_the_text_indexes(app, cases):
    model = db.session.execute(select(Case.__table__).where(Case.id == cases.propose().id)).mappings().one()
    words = ["water", "schools", "birth registration", "nutrition", "vaccines"]
    db.session.execute(insert(Case.__table__), [
        {**{k: v for k, v in model.items() if k != "id"}, "title": f"{words[i % 5].title()} programme {i}"}
        for i in range(3000)])
    db.session.commit()
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    sqlite = db.engine.dialect.name == "sqlite"
    counted, = plans(select(func.count()).select_from(case_ids("programme 1234").subquery()))
    found, = plans(select(Organisation.id).where(partner_matches("plan")))
    if sqlite:
        assert "cases_fts VIRTUAL TABLE" in counted and "SCAN cases\n" not in counted + "\n", counted
        assert "organisations_fts VIRTUAL TABLE" in found, found
    else:
        # Over a few thousand rows PostgreSQL rightly scans the table; with sequential scans off any btree
        # index stands in for one. What it can read: a GIN trigram index on each searched column.
        defined = dict(db.session.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE :end"),
                                          {"end": "%trgm"}).all())
        assert set(defined) == TRIGRAM and all("USING gin" in d and "gin_trgm_ops" in d for d in defined.values())
        assert "~~*" in counted and "~~*" in found  # ILIKE, which gin_trgm_ops serves
    # Below a trigram the plain LIKE reads every row: a short search still works.
    assert db.session.scalars(select(func.count()).where(case_matches("bi"))).one() >= 0


def _schema() -> tuple[set[str], set[str]]:
    inspector = inspect(db.engine)
    indexes = {i["name"] for t in ("cases", "organisations") for i in inspector.get_indexes(t)}
    return indexes, set(inspector.get_table_names())


def test_the_search_migration_comes_and_goes(app, cases):
    from flask_migrate import downgrade, upgrade

    case = cases.propose(title="Clean water for Gao")
    sqlite = db.engine.dialect.name == "sqlite"
    db.session.remove()  # PostgreSQL: an open read would block DROP INDEX
    try:
        downgrade(revision=BEFORE)
        indexes, tables = _schema()
        assert not (SORT_INDEXES | TRIGRAM) & indexes and not {"cases_fts", "organisations_fts"} & tables
    finally:
        upgrade()  # a failure above must not leave the database downgraded for the tests after it
    indexes, tables = _schema()
    assert SORT_INDEXES <= indexes
    assert {"cases_fts", "organisations_fts"} <= tables if sqlite else TRIGRAM <= indexes
    # The indexes made again hold the cases stored before.
    assert db.session.scalars(select(case_ids("WATER for").subquery().c[0])).all() == [case.id]
    if not sqlite:
        assert db.session.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")) == 1
