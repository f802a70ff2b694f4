"""Fixtures: an app on SQLite (and on PostgreSQL when CASEFLOW_TEST_POSTGRES_URL is set), users of each role,
and cases in each state, made through the engine."""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile

import pytest
from flask import g
from sqlalchemy import create_engine, text

from caseflow import create_app
from caseflow.clock import set_clock
from caseflow.config import normalize_database_url
from caseflow.extensions import db
from tests.factories import CaseFactory, make_users



def _worker_database(url: str | None) -> str | None:
    """The PostgreSQL database of this pytest-xdist worker: `<name>_gw0`, `<name>_gw1`, … (made if missing),
    so that parallel workers never truncate each other's tables; the URL itself without xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


POSTGRES_URL = _worker_database(normalize_database_url(os.environ.get("CASEFLOW_TEST_POSTGRES_URL") or "") or None)
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]


def _test_config(url: str, **extra) -> dict:
    # Each app its own checkpoint log: a checkpoint of one test's database must not anchor another's.
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "CASEFLOW_ENV": "testing",
            "CASEFLOW_CHECKPOINT_DIR": tempfile.mkdtemp(prefix="caseflow-checkpoints-"), **extra}


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app(_test_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite database built once by the migrations; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "caseflow.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_schema():
    """Rebuild the PostgreSQL test database from the migrations once per run."""
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    _migrate(POSTGRES_URL)
    return POSTGRES_URL


def _truncate_postgres(url: str) -> None:
    """Empty every table into new files, without planner statistics' rows, as on a new database."""
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [t for t in db.metadata.sorted_tables]
        # The history and the partners' kept changes refuse TRUNCATE (their append-only guards): replica mode
        # fires no trigger in this transaction, so the tests can start each one empty.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


# Every id sequence back to its start, as TRUNCATE ... RESTART IDENTITY does (only those a test moved).
_RESTART_IDS = text("SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), start_value, false) "
                    "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL")


def _delete_postgres(url: str) -> None:
    """Delete every row and restart the ids: what one test leaves is a few rows, and DELETE takes a tenth of
    TRUNCATE's time on them (TRUNCATE makes new files for every table and index: 0.7 s a test here)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        # The history and the partners' kept changes refuse DELETE (append-only triggers): replica mode fires
        # no trigger in this transaction, nor the foreign keys' (every row goes).
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("; ".join(f"DELETE FROM {t.name}" for t in db.metadata.sorted_tables)))
        conn.execute(_RESTART_IDS)
    engine.dispose()


def empty_database(request, backend: str, directory, truncate: bool = False) -> str:
    """The URL of an empty, migrated database on `backend`, for a fixture of any scope: a SQLite file in
    `directory`, or this worker's PostgreSQL database with its rows deleted (with `truncate`, its tables
    truncated: new files, as a new database has, for tests of the planner's choices)."""
    if backend == "sqlite":
        path = directory / "caseflow.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_schema")
    (_truncate_postgres if truncate else _delete_postgres)(url)
    return url


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """The URL of an empty, migrated database on each backend under test."""
    return empty_database(request, request.param, tmp_path)


@contextlib.contextmanager
def app_on(database_url: str, directory):
    """An app on `database_url`, its uploads and checkpoints in `directory`, inside its app context."""
    app = create_app(_test_config(database_url, UPLOAD_FOLDER=str(directory / "uploads"),
                                  CASEFLOW_CHECKPOINT_DIR=str(directory / "checkpoints")))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(database_url, tmp_path):
    with app_on(database_url, tmp_path) as app:
        yield app


@pytest.fixture(autouse=True)
def _running_clock():
    yield
    set_clock(None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def users(app):
    """A user of each role: officer, officer2, reviewer, reviewer2, auditor, admin."""
    return make_users()


@pytest.fixture
def cases(app, users):
    """Make cases in any state through the engine: `cases.in_state("active")`."""
    return CaseFactory(users)


def sign_in_as(client, user):
    """Make `client` signed in as `user` (and forget the user Flask-Login cached for the previous client)."""
    # The tests' app context outlives each request, so Flask-Login's cached user must go too.
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


@pytest.fixture
def sign_in(client, users):
    """sign_in(user) signs the test client in as `user` (a User, or the key of one of `users`) and returns it;
    sign_in(user, other) signs in the client `other` instead."""

    def signed_in(user, other=None):
        return sign_in_as(other or client, users[user] if isinstance(user, str) else user)

    return signed_in


def pytest_report_header(config):
    if POSTGRES_URL:
        return f"databases: SQLite and PostgreSQL ({POSTGRES_URL})"
    return "databases: SQLite only (set CASEFLOW_TEST_POSTGRES_URL to run every test on PostgreSQL too)"


def pytest_terminal_summary(terminalreporter):
    if not POSTGRES_URL:
        terminalreporter.write_line(
            "PostgreSQL part skipped: CASEFLOW_TEST_POSTGRES_URL is not set (CI sets it).", yellow=True)


def pytest_sessionstart(session):
    if os.environ.get("CASEFLOW_REQUIRE_POSTGRES") and not POSTGRES_URL:
        raise pytest.UsageError("CASEFLOW_REQUIRE_POSTGRES is set but CASEFLOW_TEST_POSTGRES_URL is not")
    if POSTGRES_URL:
        engine = create_engine(POSTGRES_URL)
        try:
            engine.connect().close()
        except Exception as exc:  # noqa: BLE001 - any failure means the suite cannot run as asked
            raise pytest.UsageError(f"cannot reach PostgreSQL at {POSTGRES_URL}: {exc}") from None
        finally:
            engine.dispose()
