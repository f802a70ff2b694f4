"""The deployment under test: its database, gunicorn, the schedulers and the file that moves their clock."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from caseflow.clock import write_offset_file
from caseflow.config import normalize_database_url

ROOT = Path(__file__).resolve().parent.parent


class Deployment:
    """Builds the database, starts and stops the processes; `url` is the database, `port` the web server's."""

    def __init__(self, workdir: Path, url: str, web_workers: int, schedulers: int):
        self.workdir, self.url = workdir, normalize_database_url(url)
        self.web_workers, self.schedulers_wanted = web_workers, schedulers
        self.offset_file = workdir / "clock-offset"
        self.port = _free_port()
        self.web, self.schedulers, self.killed_at, self.offset = None, [], None, 0.0
        write_offset_file(self.offset_file, 0)
        self.env = {**os.environ, "DATABASE_URL": self.url, "SECRET_KEY": "load-run", "CASEFLOW_ENV": "development",
                    "CASEFLOW_INSTANCE_PATH": str(workdir / "instance"),
                    "CASEFLOW_CLOCK_OFFSET_FILE": str(self.offset_file),
                    "CASEFLOW_SWEEP_INTERVAL_SECONDS": os.environ.get("LOADTEST_SWEEP_SECONDS", "1"),
                    "PYTHONPATH": str(ROOT)}

    @property
    def sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def engine(self):
        return create_engine(self.url)

    def build(self, cases: int) -> dict:
        """An empty database, migrated and seeded; returns each user's role and token."""
        if not self.sqlite:
            target = make_url(self.url)
            admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
            admin.dispose()
        self._caseflow("db", "upgrade")
        tokens = self.workdir / "tokens.json"
        subprocess.run([sys.executable, "-m", "loadtest.seed", str(cases), str(tokens)], env=self.env, check=True,
                       cwd=ROOT)
        return json.loads(tokens.read_text())

    def _caseflow(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "caseflow.cli", *args], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, check=False)

    def start(self) -> None:
        """gunicorn (sync workers on PostgreSQL; one process of threads on SQLite) and the schedulers."""
        workers = ["--workers", "1", "--threads", "8"] if self.sqlite else ["--workers", str(self.web_workers)]
        with open(self.workdir / "web.log", "w") as log:  # the app's own errors too, not only gunicorn's
            self.web = subprocess.Popen([sys.executable, "-m", "gunicorn", *workers, "--bind", f"127.0.0.1:{self.port}",
                                         "--timeout", "120"], env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        for i in range(self.schedulers_wanted):
            with open(self.workdir / f"scheduler-{i}.log", "w") as log:
                self.schedulers.append(subprocess.Popen([sys.executable, "-m", "caseflow.cli", "scheduler"],
                                                        env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
        self._wait_until_serving()
        self._wait_for_a_leader()

    def _wait_until_serving(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/cases", timeout=2)
            except urllib.error.HTTPError:
                return  # 401: it answers
            except OSError:
                time.sleep(0.2)
            else:
                return
        raise RuntimeError("gunicorn did not start; see web.log in " + str(self.workdir))

    def _wait_for_a_leader(self, seconds: float = 180) -> None:
        """Traffic starts once a scheduler leads: its start-up checks read every stored case first."""
        deadline = time.monotonic() + seconds
        with self.engine().connect() as conn:
            while time.monotonic() < deadline:
                if conn.execute(text("SELECT count(*) FROM sweep_runs")).scalar():
                    return
                conn.rollback()
                time.sleep(0.5)
        raise RuntimeError("no scheduler took the lead; see scheduler-*.log in " + str(self.workdir))

    def move_clock(self, seconds: float) -> None:
        write_offset_file(self.offset_file, seconds)
        self.offset = seconds

    def now(self) -> dt.datetime:
        """The time as the deployment's clock reads it: what its sweeps record."""
        return dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=self.offset)

    def kill_leader(self) -> str | None:
        """SIGKILL the scheduler that holds the lead; return its holder name (None if none of ours leads)."""
        with self.engine().connect() as conn:
            holder = conn.execute(text("SELECT holder FROM scheduler_leases")).scalar()
        pids = {p.pid: p for p in self.schedulers}
        try:
            pid = int(str(holder).split(":")[1])
        except (IndexError, ValueError):
            return None
        if pid not in pids:
            return None
        os.kill(pid, signal.SIGKILL)
        pids[pid].wait()
        self.killed_at = self.now()
        return holder

    def stop(self) -> None:
        for process in [*self.schedulers, self.web]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [*self.schedulers, self.web]:
            if process is not None:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()

    def verify_chains(self) -> tuple[bool, str]:
        done = self._caseflow("verify")
        return done.returncode == 0, (done.stdout + done.stderr).strip().splitlines()[-1:]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
