"""Audit log latency at a million history rows: first page, a filtered page, a deep keyset page."""
from __future__ import annotations

import datetime as dt
import os
import random
import resource
import sqlite3
import statistics
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DB_PATH = DATA / "audit.db"
CASES, PER_CASE = 100_000, 10
OFFICES = ["Monrovia", "Islamabad", "Brasilia", "Jakarta", "Tashkent", "Geneva", "New York", "Addis Ababa"]
TYPES = ["international_ngo", "national_ngo", "community_based", "foundation", "company", "gpp", "think_tank"]
# Each case walks the same ten steps: (trigger, from, to, actor kind, days after the previous step).
PATH = [("propose", "proposed", "proposed", "officer", 0), ("vet", "proposed", "vetted", "reviewer", 12),
        ("agree", "vetted", "agreed", "officer", 30), ("activate", "agreed", "active", "system:activation", 20),
        ("start_review", "active", "under_review", "system:reviews_due", 91),
        ("complete_review", "under_review", "active", "reviewer", 9), ("amend", "active", "active", "officer", 40),
        ("start_review", "active", "under_review", "system:reviews_due", 51),
        ("complete_review", "under_review", "active", "reviewer", 11),
        ("begin_exit", "active", "exiting", "system:exit_deadline", 120)]
N_OFFICERS, N_REVIEWERS = 30, 12


def _app():
    from caseflow import create_app

    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{DB_PATH}", "SECRET_KEY": "bench",
                       "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "CASEFLOW_ENV": "testing"})


def build() -> None:
    """Migrate an empty SQLite database, then bulk-insert users, partners, cases and a million records."""
    from flask_migrate import upgrade

    DATA.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)
    with _app().app_context():
        upgrade()
    rng = random.Random(42)
    con = sqlite3.connect(DB_PATH)
    con.execute("PRAGMA synchronous=OFF")
    now = "2026-11-01 00:00:00.000000"
    people = ([("auditor@bench.test", "auditor")] + [(f"officer{i}@bench.test", "officer") for i in range(N_OFFICERS)]
              + [(f"reviewer{i}@bench.test", "reviewer") for i in range(N_REVIEWERS)])
    con.executemany("INSERT INTO users (email, name, role, office, password_hash, is_active_user, created_at) "
                    "VALUES (?, ?, ?, 'Geneva', 'x', 1, ?)", [(e, e, r, now) for e, r in people])
    con.executemany("INSERT INTO organisations (name, name_key, type, level, sanctions_flag, reputational_flag, created_at) "
                    "VALUES (?1, lower(?1), ?2, 'country', 0, 0, ?3)", [(f"Partner {i}", TYPES[i % len(TYPES)], now) for i in range(500)])
    start = dt.datetime(2019, 1, 1)
    cases, records = [], []
    for case_id in range(1, CASES + 1):
        at = start + dt.timedelta(seconds=rng.randrange(0, 6 * 365 * 86400))
        officer, reviewer = f"officer{rng.randrange(N_OFFICERS)}@bench.test", f"reviewer{rng.randrange(N_REVIEWERS)}@bench.test"
        prev = None
        for seq, (trigger, src, dst, who, days) in enumerate(PATH, 1):
            at += dt.timedelta(days=days, seconds=rng.randrange(0, 86400))
            actor = officer if who == "officer" else reviewer if who == "reviewer" else who
            digest = os.urandom(32).hex()
            records.append((case_id, seq, trigger, src, dst, actor, at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                            '{"changes":{},"fields":{}}', prev, digest))
            prev = digest
        cases.append((f"Case {case_id}", rng.randrange(1, 501), "formal_partnership", "none",
                      OFFICES[case_id % len(OFFICES)], 2, "exiting", PER_CASE, PER_CASE, prev, now, now))
        if len(records) >= 100_000:
            _flush(con, cases, records)
    _flush(con, cases, records)
    con.commit()
    con.close()


def _flush(con, cases, records) -> None:
    con.executemany("INSERT INTO cases (title, partner_id, cooperation_form, resources, office, owner_id, state, version, "
                    "history_seq, history_head, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", cases)
    con.executemany("INSERT INTO history_records (case_id, seq, trigger, from_state, to_state, actor, at, data, "
                    "prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)", records)
    cases.clear()
    records.clear()


def _ready() -> bool:
    if not DB_PATH.exists():
        return False
    with sqlite3.connect(DB_PATH) as con:
        try:
            return con.execute("SELECT MAX(id) FROM history_records").fetchone()[0] == CASES * PER_CASE
        except sqlite3.Error:
            return False


def _median_ms(client, url: str, runs: int) -> tuple[float, int]:
    client.get(url).close()  # warm the page cache and the template
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), body.count(b'#record-')


def main(argv: list[str]) -> None:
    """Build (once) the million-row database and print the audit log's median latencies."""
    if "--rebuild" in argv or not _ready():
        began = time.perf_counter()
        print(f"building {CASES * PER_CASE:,} history rows in {DB_PATH} ...", flush=True)
        build()
        print(f"built in {time.perf_counter() - began:.0f} s", flush=True)
    runs = 15
    app = _app()
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()  # a database built by an older revision gets the newer indexes
        from caseflow.audit.queries import Cursor
        from caseflow.extensions import db
        from caseflow.models import User

        auditor = db.session.query(User).filter_by(email="auditor@bench.test").one()
        if auditor.session_token is None:  # inserted raw, without one
            auditor.end_sessions()
            db.session.commit()
        row = db.session.execute(db.text("SELECT at, id FROM history_records ORDER BY at DESC, id DESC "
                                         "LIMIT 1 OFFSET 900000")).one()
        deep = Cursor(dt.datetime.fromisoformat(row[0]).replace(tzinfo=dt.timezone.utc), row[1])
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = auditor.get_id(), True
        pages = {
            "first page": "/audit",
            "filtered: actor + trigger + dates": "/audit?actor=reviewer3@bench.test&trigger=complete_review"
                                                 "&date_from=2022-01-01&date_to=2023-06-30",
            "deep page (keyset, ~900,000 rows in)": f"/audit?after={deep}",
            "filtered: to state + dates": "/audit?to_state=exiting&date_from=2021-03-01&date_to=2021-03-31",
            "filtered: system:* (every job)": "/audit?actor=system:*",
            "filtered: one partner": "/audit?partner_id=17",
            "filtered: one case": "/audit?case_id=CF-054321",
        }
        print(f"audit log at {CASES * PER_CASE:,} history rows, median of {runs} (target < 200 ms):")
        for label, url in pages.items():
            median, shown = _median_ms(client, url, runs)
            print(f"  {label:40s} {median:7.1f} ms  ({shown} records shown)", flush=True)
        _export(client, "/audit/export?format=csv")


def _export(client, url: str) -> None:
    """Stream the whole log's export once; report its time, size and how little memory it grew by."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    response = client.get(url, buffered=False)
    size = sum(len(chunk) for chunk in response.response)
    response.close()
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(f"  export of the whole log (CSV, streamed): {time.perf_counter() - began:.1f} s, "
          f"{size / 2**20:.0f} MiB, peak memory grew by {grown:.0f} MiB", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
