"""Run the load test: `python -m loadtest` (`make loadtest`; `make loadtest-sqlite` for SQLite).

Settings (environment): LOADTEST_SECONDS (60), LOADTEST_DATABASE_URL (PostgreSQL database
`caseflow_loadtest` on 127.0.0.1, dropped and rebuilt; a sqlite:/// URL for SQLite), LOADTEST_CASES (400
running cases seeded), LOADTEST_WEB_WORKERS (4), LOADTEST_SCHEDULERS (2 on PostgreSQL, 1 on SQLite),
LOADTEST_DAYS_PER_SECOND (2: how fast the deployment's clock runs ahead). Exits 1 when a check fails.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import text

from loadtest import checks
from loadtest.deployment import Deployment
from loadtest.report import print_report
from loadtest.traffic import Api, Auditor, ConflictPair, DeploymentClock, Officer, Recorder, Reviewer

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/caseflow_loadtest"
FIRING_SWEEPS = ("activation", "exit_deadline", "reviews_due")


def _setting(name: str, default: str) -> str:
    return os.environ.get(name) or default


def main() -> int:
    seconds = float(_setting("LOADTEST_SECONDS", "60"))
    workdir = Path(tempfile.mkdtemp(prefix="caseflow-loadtest-"))
    url = _setting("LOADTEST_DATABASE_URL", DEFAULT_URL).replace("{workdir}", str(workdir))
    sqlite = url.startswith("sqlite")
    deployment = Deployment(workdir, url, int(_setting("LOADTEST_WEB_WORKERS", "4")),
                            int(_setting("LOADTEST_SCHEDULERS", "1" if sqlite else "2")))
    print(f"load run: {seconds:.0f} s on {'SQLite' if sqlite else 'PostgreSQL'}; files in {workdir}", flush=True)
    users = deployment.build(int(_setting("LOADTEST_CASES", "400")))
    with deployment.engine().connect() as conn:
        before = conn.execute(text("SELECT coalesce(max(id), 0) FROM history_records")).scalar()
    deployment.start()
    try:
        recorder, problems = run_traffic(deployment, users, seconds)
        final_day = wait_for_last_sweeps(deployment)
    finally:
        deployment.stop()
    print_report(recorder, seconds)
    problems += run_checks(deployment, recorder, before, final_day)
    for problem in problems[:40]:
        print("FAILED:", problem)
    print(f"checks: {'all passed' if not problems else f'{len(problems)} failed'}")
    return 1 if problems else 0


def run_traffic(deployment: Deployment, users: dict, seconds: float) -> tuple[Recorder, list[str]]:
    """Simulated people for `seconds`, the clock running ahead, and the leader killed halfway."""
    recorder, clock, stop = Recorder(), DeploymentClock(), threading.Event()

    def api(email):
        return Api("127.0.0.1", deployment.port, users[email]["token"], recorder)

    kinds = {"officer": Officer, "reviewer": Reviewer, "auditor": Auditor}
    people = [kinds[u["role"]](api(email), email, clock, stop, seed) for seed, (email, u) in enumerate(users.items())]
    reviewers = [e for e, u in users.items() if u["role"] == "reviewer"]
    people.append(ConflictPair(api(reviewers[0]), api(reviewers[1]), reviewers[0], clock, stop, 99))
    for person in people:
        person.start()
    days_per_second, problems, killed = float(_setting("LOADTEST_DAYS_PER_SECOND", "2")), [], None
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < seconds:
        time.sleep(0.5)
        clock.offset = elapsed * days_per_second * 86400
        deployment.move_clock(clock.offset)
        if killed is None and elapsed >= seconds / 2 and len(deployment.schedulers) > 1:
            killed = deployment.kill_leader() or ""
            print(f"killed the leading scheduler {killed or '(none of ours led)'} at {elapsed:.0f} s", flush=True)
            if not killed:
                problems.append("no scheduler of the run held the lead halfway")
    stop.set()
    for person in people:
        person.join(timeout=120)
    return recorder, problems


def wait_for_last_sweeps(deployment: Deployment, seconds: float = 90) -> dt.date | None:
    """Wait until every firing sweep has run from start to end after the clock stopped; the day they ran as of."""
    deadline, since = time.monotonic() + seconds, deployment.now() - dt.timedelta(seconds=1)
    with deployment.engine().connect() as conn:
        while time.monotonic() < deadline:
            rows = conn.execute(text(
                "SELECT sweep, max(as_of) AS as_of FROM sweep_runs WHERE finished_at IS NOT NULL AND started_at > :since "
                "GROUP BY sweep"), {"since": since}).all()
            conn.rollback()
            done = {r.sweep: r.as_of for r in rows}
            if all(name in done for name in FIRING_SWEEPS):
                return min(_as_date(done[name]) for name in FIRING_SWEEPS)
            time.sleep(0.5)
    return None


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value)).date()


def run_checks(deployment: Deployment, recorder: Recorder, before: int, final_day: dt.date | None) -> list[str]:
    problems = [f"{kind}: {count} answers {status}" for kind, statuses in recorder.statuses.items()
                for status, count in statuses.items() if status >= 500]
    if final_day is None:
        problems.append("the schedulers did not finish a sweep after the load stopped")
    with deployment.engine().connect() as conn:
        problems += checks.state_matches_last_record(conn)
        problems += checks.sweeps_fired_once(conn)
        if final_day is not None:
            problems += checks.nothing_left_due(conn, final_day)
        problems += checks.history_matches_answers(conn, recorder.accepted, before)
        led_after_kill = deployment.killed_at is not None and conn.execute(
            text("SELECT count(*) FROM sweep_runs WHERE started_at > :t"), {"t": deployment.killed_at}).scalar()
    problems += checks.conflicts_answered(recorder.pairs)
    if deployment.killed_at is not None and not led_after_kill:
        problems.append("no scheduler swept after the leader was killed")
    verified, line = deployment.verify_chains()
    if not verified:
        problems.append(f"caseflow verify: {' '.join(line)}")
    if deployment.sqlite and "database is locked" in (deployment.workdir / "web.log").read_text(errors="replace"):
        problems.append("'database is locked' in the web server's log")
    print(f"conflict pairs: {len(recorder.pairs)} ({sum(1 for p in recorder.pairs if p == (200, 409))} won by one, "
          f"{sum(1 for p in recorder.pairs if p == (409, 409))} lost by both)")
    return problems


if __name__ == "__main__":
    sys.exit(main())
