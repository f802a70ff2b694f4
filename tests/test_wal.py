"""SQLite's write-ahead log is checkpointed in the background, and stays bounded when that falls behind."""
from __future__ import annotations

import contextlib
import shutil
import sqlite3

import pytest
from sqlalchemy import text

from caseflow import create_app, wal
from caseflow.extensions import db
from tests.conftest import _test_config
from tests.factories import CaseFactory, make_users

#: A proposal writes the case, its history record and their indexes: a few dozen pages at most.
PAGES_PER_PROPOSAL = 60


@pytest.fixture
def sqlite_app(sqlite_template, tmp_path):
    """open_app(**settings): an app with these settings on a fresh SQLite database; disposed at the end."""
    opened = []

    @contextlib.contextmanager
    def open_app(name="caseflow.db", **settings):
        path = tmp_path / name
        if not path.exists():
            shutil.copy(sqlite_template, path)
        app = create_app(_test_config(f"sqlite:///{path}", CASEFLOW_CHECKPOINT_DIR=str(tmp_path / "checkpoints"),
                                      **settings))
        opened.append(app)
        with app.app_context():
            try:
                yield app, str(path)
            finally:
                db.session.remove()
                db.engine.dispose()

    yield open_app
    wal.stop_all()


def _propose_many(count: int) -> None:
    cases = CaseFactory(make_users())
    for n in range(count):
        cases.propose(title=f"Birth registration, district {n}")


def _log_frames(path: str) -> int:
    """Frames the log file has room for: what it grew to, whatever has been checkpointed since."""
    with sqlite3.connect(path) as probe:
        page = probe.execute("PRAGMA page_size").fetchone()[0]
    with open(f"{path}-wal", "rb") as log:
        return (len(log.read()) - 32) // (page + 24)


def test_commits_leave_checkpoints_to_a_background_thread_that_runs_them(sqlite_app):
    with sqlite_app(CASEFLOW_SQLITE_CHECKPOINT_SECONDS=0.01) as (app, path):
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 32768
        checkpointer = wal.checkpointer_for(path)
        assert checkpointer is not None and checkpointer.interval == 0.01
        _propose_many(5)
        checkpointer.ran.clear()
        # Waits for the thread's next checkpoint, not for a length of time.
        assert checkpointer.ran.wait(timeout=30)
        busy, log_pages, copied = checkpointer.last
        assert busy == 0 and log_pages > 0 and copied == log_pages
    assert wal.checkpointer_for(path) is None  # the last engine on the file is gone: the thread stopped


def test_the_log_stays_bounded_by_the_cap_while_the_thread_falls_behind(sqlite_app):
    # A thread that would checkpoint only in an hour: the commits' cap is all that bounds the log.
    with sqlite_app("capped.db", CASEFLOW_SQLITE_CHECKPOINT_SECONDS=3600, CASEFLOW_SQLITE_WAL_CAP_PAGES=50) as (_, path):
        _propose_many(60)
        assert wal.checkpointer_for(path).runs == 0
        assert _log_frames(path) <= 50 + PAGES_PER_PROPOSAL
    # Without the cap the same work leaves a log many times longer: the bound above is the cap's doing.
    with sqlite_app("uncapped.db", CASEFLOW_SQLITE_CHECKPOINT_SECONDS=3600,
                    CASEFLOW_SQLITE_WAL_CAP_PAGES=10**6) as (_, path):
        _propose_many(60)
        assert _log_frames(path) > 4 * (50 + PAGES_PER_PROPOSAL)


def test_one_thread_per_file_in_a_process_until_its_last_engine_goes(sqlite_app):
    with sqlite_app(CASEFLOW_SQLITE_CHECKPOINT_SECONDS=3600) as (_, path):
        db.session.execute(text("SELECT 1"))  # the process's first connection to the file starts the thread
        first = wal.checkpointer_for(path)
        with sqlite_app(CASEFLOW_SQLITE_CHECKPOINT_SECONDS=3600):
            db.session.execute(text("SELECT 1"))
            assert wal.checkpointer_for(path) is first
        assert wal.checkpointer_for(path) is first and first.alive()
    assert not first.alive()


def test_zero_seconds_gives_the_commits_their_checkpoints_back(sqlite_app):
    with sqlite_app(CASEFLOW_SQLITE_CHECKPOINT_SECONDS=0) as (_, path):
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == wal.DEFAULT_AUTOCHECKPOINT_PAGES
        assert wal.checkpointer_for(path) is None


def test_a_failing_checkpoint_is_logged_once_and_raises_nowhere(tmp_path, caplog):
    checkpointer = wal.Checkpointer(str(tmp_path / "x.db"), 3600, 10)

    class BrokenDisk:
        def execute(self, sql):
            raise sqlite3.OperationalError("disk I/O error")

    for _ in range(3):
        assert checkpointer.turn(BrokenDisk()) is not None
    warnings = [r for r in caplog.records if r.name == "caseflow.wal"]
    assert len(warnings) == 1 and "disk I/O error" in warnings[0].getMessage()
    assert checkpointer.runs == 0
