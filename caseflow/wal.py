"""SQLite's write-ahead log, checkpointed in the background instead of inside a commit.

In WAL mode a commit appends the pages it changed to the log; a checkpoint copies them back into the
database file and waits for the disk. Left to SQLite, the commit that takes the log past
`wal_autocheckpoint` pages runs that checkpoint itself, so one request in some 160 pays ~35 ms.

Here each process runs one daemon thread per database file (started by the process's first connection
to it, so after gunicorn's fork) that runs a PASSIVE checkpoint every CASEFLOW_SQLITE_CHECKPOINT_SECONDS:
it copies what no reader still needs, without taking the write lock or waiting for anyone. The app's
connections keep SQLite's automatic checkpoint only as a cap (CASEFLOW_SQLITE_WAL_CAP_PAGES): should
the thread stop or fall behind, the commit that takes the log past the cap checkpoints, as before, so
the log stays bounded. When readers keep a passive checkpoint from finishing and the log passes the
cap, the thread runs a RESTART checkpoint, which waits briefly for them. A setting of 0 seconds turns
the thread off and gives the commits back their checkpoints (every DEFAULT_AUTOCHECKPOINT_PAGES).
"""
from __future__ import annotations

import atexit
import logging
import os
import sqlite3
import threading
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger("caseflow.wal")

DEFAULT_INTERVAL_SECONDS = 0.5
#: 32,768 pages of 4 KiB: a 128 MiB log at most, some 1,300 transitions behind the database file.
DEFAULT_CAP_PAGES = 32768
#: The commit-side checkpoint when the background thread is off (SQLite's own default is 1,000):
#: a page changed by several transitions in between is copied once (bench.engine: +9 to +21 %).
DEFAULT_AUTOCHECKPOINT_PAGES = 4096
#: How long a RESTART checkpoint waits for readers and the writer before it gives up until the next turn.
RESTART_WAIT_SECONDS = 1.0


class Checkpointer:
    """The thread that checkpoints one database file for this process."""

    def __init__(self, path: str, interval: float, cap_pages: int):
        self.path, self.interval, self.cap_pages = path, interval, cap_pages
        self.engines: set[int] = set()  # the engines (by id) connected to the file, so the last to go stops it
        self.runs = 0  # checkpoints run, for tests and operators
        self.last: tuple[int, int, int] | None = None  # SQLite's (busy, log pages, pages checkpointed)
        self.ran = threading.Event()  # set after each checkpoint, so a test can wait for one without sleeping
        self._stop = threading.Event()
        self._failing = False
        self._thread = threading.Thread(target=self._loop, name=f"caseflow-wal:{Path(path).name}", daemon=True)

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def alive(self) -> bool:
        """Whether the thread still runs."""
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop the thread and wait for the checkpoint under way, if any."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    def _loop(self) -> None:
        connection = None
        try:
            while not self._stop.wait(self.interval):
                if not os.path.exists(self.path):
                    return  # the file was removed (a test's database): nothing left to checkpoint
                connection = self.turn(connection)
        finally:
            if connection is not None:
                connection.close()

    def turn(self, connection: sqlite3.Connection | None) -> sqlite3.Connection | None:
        """One checkpoint on `connection` (made when None), never raising; return the connection to reuse."""
        try:
            if connection is None:
                # Our own connection, made in this thread; its busy timeout bounds a RESTART's wait.
                connection = sqlite3.connect(self.path, timeout=RESTART_WAIT_SECONDS, isolation_level=None)
            self.checkpoint(connection)
        except sqlite3.Error as exc:
            # The commits' cap still bounds the log: say so once, not twice a second.
            if not self._failing:
                log.warning("background checkpoint of %s failed (commits checkpoint past %s pages meanwhile): %s",
                            self.path, self.cap_pages, exc)
            self._failing = True
        return connection

    def checkpoint(self, connection: sqlite3.Connection) -> tuple[int, int, int]:
        """Run one PASSIVE checkpoint (a RESTART one when the log is past the cap); return SQLite's answer."""
        result = tuple(connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone())
        if result[1] > self.cap_pages and result[2] < result[1]:
            # Readers keep part of the log in use: wait for them once, so the next writer starts it afresh.
            result = tuple(connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchone())
        self.last, self.runs, self._failing = result, self.runs + 1, False
        self.ran.set()
        return result


_lock = threading.Lock()
_running: dict[str, Checkpointer] = {}


def _forget_after_fork() -> None:
    """In a forked child the parent's threads are gone: start afresh (never touch their connections)."""
    global _lock, _running
    _lock, _running = threading.Lock(), {}


os.register_at_fork(after_in_child=_forget_after_fork)


def checkpointer_for(path: str) -> Checkpointer | None:
    """The running checkpointer of the database file at `path` in this process, if any."""
    found = _running.get(os.path.realpath(path))
    return found if found is not None and found.alive() else None


def _ensure_running(path: str, engine_id: int, interval: float, cap_pages: int) -> None:
    with _lock:
        found = _running.get(path)
        if found is None or not found.alive():
            found = _running[path] = Checkpointer(path, interval, cap_pages)
            found.start()
        found.engines.add(engine_id)


def _release(path: str, engine_id: int) -> None:
    with _lock:
        found = _running.get(path)
        if found is None:
            return
        found.engines.discard(engine_id)
        if found.engines:
            return
        del _running[path]
    found.stop()


@atexit.register
def stop_all() -> None:
    """Stop every checkpointer of this process (at exit, and for tests)."""
    with _lock:
        found = list(_running.values())
        _running.clear()
    for checkpointer in found:
        checkpointer.stop()


def install(engine: Engine, interval: float, cap_pages: int) -> None:
    """Checkpoint `engine`'s SQLite file in the background every `interval` seconds (0: in the commits)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return
    path, engine_id = os.path.realpath(database), id(engine)
    pages = cap_pages if interval > 0 else DEFAULT_AUTOCHECKPOINT_PAGES

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={int(pages)}")
        if interval <= 0:
            return
        try:
            _ensure_running(path, engine_id, interval, cap_pages)
        except RuntimeError:
            # No thread to be had (the interpreter is shutting down): the cap still checkpoints.
            log.warning("could not start the background checkpoint of %s", path, exc_info=True)

    @event.listens_for(engine, "engine_disposed")
    def _on_dispose(engine):
        _release(path, engine_id)
