"""The date queries read the cases' partial indexes: each query is run for real, its SQL caught and explained.

Each runs on an empty table (no planner statistics, as on a new database) and on 5,000 cases of
every state after ANALYZE, each built once for the module: the tests only read them, but for the notices
the reminder sweeps queue, removed after each test. Every query names its states as SQL literals:
PostgreSQL's generic plans (psycopg prepares a statement server-side after five executions) see no bound
values, so a state passed as a parameter would rule the partial indexes out.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import re

import pytest
from flask import current_app
from sqlalchemy import delete, event, insert, select, text

from caseflow.api.paging import page
from caseflow.reviews.due import queue_query
from caseflow.clock import frozen_at
from caseflow.dashboard.stats import exits_ahead, review_figures
from caseflow.extensions import db
from caseflow.jobs import batches, firing
from caseflow.jobs.firing import activation, exit_deadline, reviews_due
from caseflow.jobs.reminders import exit_notice, exit_overdue, reviews_overdue
from caseflow.models import Case, Notification, Review
from caseflow.reviews.queue import due_cases
from tests.conftest import BACKENDS, app_on, empty_database
from tests.factories import CaseFactory, make_users

AS_OF = dt.datetime(2027, 6, 1, 6, 0, tzinfo=dt.timezone.utc)
ACTIVE, UNDER_REVIEW = "ix_cases_active_next_review_due", "ix_cases_under_review_next_review_due"
RUNNING_EXIT, AGREED, EXITING = "ix_cases_running_exit_deadline", "ix_cases_agreed_proposed_start", \
    "ix_cases_exiting_exit_completion_due"
DATE_OF = {ACTIVE: "next_review_due", UNDER_REVIEW: "next_review_due", RUNNING_EXIT: "exit_deadline",
           AGREED: "proposed_start", EXITING: "exit_completion_due"}
PARTIAL = set(DATE_OF)
#: (state, share of the cases) for the filled table: roughly the bench's mix.
MIX = [("proposed", 1), ("vetted", 1), ("agreed", 1), ("active", 11), ("under_review", 2), ("exiting", 1),
       ("discontinued", 3)]


# The module's tests share its databases: one worker runs them all.
pytestmark = pytest.mark.xdist_group("query_plans")
#: Each database once empty and once filled; each built once for the module, not once per test.
POPULATIONS = [(backend, label) for backend in BACKENDS for label in ("empty", "5,000 cases")]


@pytest.fixture(scope="module", params=POPULATIONS, ids="-".join)
def population(request, tmp_path_factory):
    """The cases table empty, or holding 5,000 copies of one case spread over the states (with their
    open reviews), analyzed: built once per database for the whole module, inside its app's context."""
    backend, label = request.param
    directory = tmp_path_factory.mktemp("plans")
    with app_on(empty_database(request, backend, directory, truncate=True), directory):
        users = make_users()
        if label == "empty":
            if db.engine.dialect.name == "postgresql":
                # TRUNCATE keeps the planner's statistics of an earlier test's rows in this worker's database;
                # a new database has none, which is what "empty" stands for.
                db.session.execute(text("DELETE FROM pg_statistic WHERE starelid = 'cases'::regclass"))
                db.session.commit()
        else:
            _fill(CaseFactory(users))
        yield label


@pytest.fixture
def app(population):
    """The module's app (the one `population` filled)."""
    return current_app._get_current_object()


@pytest.fixture(autouse=True)
def _no_notices_left(population):
    """The reminder sweeps queue notices (the only rows these tests write): each test starts without them,
    so a sweep explained after another finds its cases due as on a new database."""
    yield
    db.session.rollback()
    db.session.execute(delete(Notification))
    db.session.commit()


def _fill(cases: CaseFactory) -> None:
    """5,000 copies of one proposed case over the states of MIX, the open review of each under review, analyzed."""
    model = db.session.execute(select(Case.__table__).where(Case.id == cases.propose().id)).mappings().one()
    states = [state for state, share in MIX for _ in range(share)]
    day = AS_OF.date()
    rows = []
    for i in range(5000):
        state = states[i % len(states)]
        rows.append({**model, "id": None, "state": state,
                     "proposed_start": day + dt.timedelta(days=i % 60 - 2),
                     "next_review_due": day + dt.timedelta(days=i % 120 - 10 if state == "active" else -(i % 30)),
                     "exit_deadline": day + dt.timedelta(days=i % 700 + 1),
                     "exit_completion_due": day + dt.timedelta(days=i % 90 - 5)})
    db.session.execute(insert(Case.__table__), [{k: v for k, v in r.items() if k != "id"} for r in rows])
    under_review = db.session.execute(select(Case.id, Case.next_review_due).where(Case.state == "under_review")).all()
    db.session.execute(insert(Review.__table__), [
        {"case_id": c.id, "due_on": c.next_review_due, "opened_at": AS_OF, "opened_by": "system:reviews_due"}
        for c in under_review])
    db.session.commit()
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))


@contextlib.contextmanager
def caught_selects():
    """Collect (SQL, parameters) of every SELECT that reads the cases table while the block runs."""
    caught = []

    def catch(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and re.search(r"\bFROM cases\b", statement):
            caught.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", catch)
    try:
        with frozen_at(AS_OF):
            yield caught
    finally:
        event.remove(db.engine, "before_cursor_execute", catch)
        db.session.rollback()


def plan(statement: str, parameters) -> str:
    """The plan the database picks for `statement`, as one text."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if db.engine.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return "\n".join(row[-1] for row in cursor.fetchall())
        return _postgres_plan(cursor, statement, parameters)
    finally:
        raw.rollback()
        raw.close()


def _postgres_plan(cursor, statement: str, parameters: dict) -> str:
    """EXPLAIN the statement with its parameters, sequential scans off (the tables are small)."""
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute("EXPLAIN " + statement, parameters)
    return "\n".join(row[0] for row in cursor.fetchall())


def full_scan(plan_text: str) -> bool:
    """Whether a plan reads the whole cases table."""
    return bool(re.search(r"^\s*SCAN cases\b(?! USING)|Seq Scan on cases\b", plan_text, re.M))


def indexes_read(plans: list[str]) -> set[str]:
    """The cases' indexes the plans read."""
    return set(re.findall(r"\bix_cases_\w+", "\n".join(plans)))


def plans_of(run) -> list[str]:
    """The plans of every different cases query `run()` makes, each of which names its states as literals."""
    with caught_selects() as caught:
        run()
    assert caught, "the code under test read no cases"
    for statement, _parameters in caught:
        assert re.search(r"cases\.state (= '|IN \(')", statement), statement
        assert not re.search(r"cases\.state (=|IN) \(?(\?|%\()", statement), statement
    return [plan(statement, parameters) for statement, parameters in dict(caught).items()]


def assert_reads(plans: list[str], *indexes: str) -> None:
    """Each plan reads one of `indexes`, each of them is read, and no plan scans the whole cases table."""
    joined = "\n---\n".join(plans)
    for each in plans:
        assert indexes_read([each]) & set(indexes) and not full_scan(each), f"not {' or '.join(indexes)}:\n{each}"
    for index in indexes:
        assert index in joined, f"{index} is not used:\n{joined}"


@pytest.mark.parametrize(("sweep", "index"), [
    (reviews_due, ACTIVE), (exit_deadline, RUNNING_EXIT), (activation, AGREED),
    (reviews_overdue, UNDER_REVIEW), (exit_notice, RUNNING_EXIT), (exit_overdue, EXITING),
], ids=lambda v: getattr(v, "__name__", v))
def test_each_sweep_reads_its_partial_index(population, sweep, index, monkeypatch):
    # Small batches, so the later batches' query (`id > last`) is explained too; nothing is fired.
    monkeypatch.setattr(batches, "BATCH_SIZE", 20)
    monkeypatch.setattr(firing, "_fire_one", lambda *args: None)
    plans = plans_of(lambda: sweep(AS_OF))
    if population == "empty" and db.engine.dialect.name == "postgresql":
        # With nothing to count, PostgreSQL's costs tie: any partial index led by the state will do.
        assert all(indexes_read([each]) & PARTIAL and not full_scan(each) for each in plans), plans
        return
    assert_reads(plans, index)
    # ... and seeks the date in it, rather than reading every case of the state.
    column = DATE_OF[index]
    for each in plans:
        assert re.search(rf"INDEX {index} \(state=\? AND {column}|Index Cond: .*\b{column}\b", each), each


def test_the_review_queue_page_reads_the_active_and_under_review_indexes(population):
    # The page's query is the API's (caseflow.reviews.due.queue_query): one OR of two branches.
    plans = plans_of(lambda: due_cases(None, limit=50))
    assert len(plans) == 1 and not full_scan(plans[0]), plans
    if db.engine.dialect.name == "sqlite":
        assert indexes_read(plans) == {ACTIVE, UNDER_REVIEW}, plans
    elif population != "empty":
        assert ACTIVE in indexes_read(plans), plans


def test_an_offices_queue_reads_no_whole_table(population):
    plans = plans_of(lambda: due_cases("Monrovia", limit=50))
    assert plans and not any(full_scan(p) for p in plans), plans


def test_the_api_queue_counts_and_pages_by_the_partial_indexes(app, population):
    def run():
        with app.test_request_context("/api/v1/queue"):
            page(queue_query(AS_OF.date()), {}, "api.review_queue")

    plans = plans_of(run)
    assert len(plans) == 2  # the count, then the page
    for each in plans:
        # One OR of two branches: SQLite reads one index per branch. PostgreSQL reads the active
        # branch in its index and the under-review cases in any index led by the state; on an
        # empty table it reads the running cases' index alone for both, filtering on the date.
        read = indexes_read([each])
        assert not full_scan(each), each
        if db.engine.dialect.name == "sqlite":
            assert read == {ACTIVE, UNDER_REVIEW}, each
        elif population == "empty":
            assert read and read <= PARTIAL, each
        else:
            assert ACTIVE in read, each


def test_the_dashboards_due_reviews_and_exits_read_the_partial_indexes(population):
    due_soon, *_others = plans_of(lambda: review_figures(grace_days=14))
    assert_reads([due_soon], ACTIVE)
    assert_reads(plans_of(exits_ahead), RUNNING_EXIT)
