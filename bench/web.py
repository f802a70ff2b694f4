"""How fast the web pages answer over 100,000 cases: the case list and a case with 500 history records.

Builds bench/data/web.db once (bulk inserts through sqlite3, not the engine), then times the real
views through Flask's test client, signed in. Run: python -m bench.web [--rebuild] [--repeat N]."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import statistics
import time
from pathlib import Path

from caseflow import create_app
from caseflow.models import PARTNER_TYPES
from caseflow.workflow.chain import record_hash
from caseflow.workflow.step_data import canonical_json

DATA = Path(__file__).resolve().parent / "data"
DB = DATA / "web.db"
CASES, PARTNERS, HISTORY = 100_000, 2_000, 500
STATES = ["proposed", "vetted", "agreed", "active", "active", "active", "under_review", "exiting", "discontinued"]
OFFICES = ["Monrovia", "Bamako", "Dakar", "Nairobi", "Geneva", "New York", "Islamabad", "Jakarta", "Tashkent", "Brasilia"]
COUNTRIES = ["Liberia", "Mali", "Senegal", "Kenya", "Switzerland", "Pakistan", "Indonesia", "Uzbekistan", "Brazil"]
WORDS = ["water", "school", "nutrition", "birth registration", "vaccination", "sanitation", "child protection", "literacy"]


#: Every sort of the case list, every filter, and text searches: common, rare, short, partner names, none.
CASE_LIST = ["/cases", *(f"/cases?sort={sort}" for sort in ("oldest", "title", "partner", "review", "end", "updated")),
             "/cases?sort=partner&page=200", "/cases?state=active&sort=review", "/cases?state=exiting&sort=end",
             "/cases?partner_type=company&country=Mali", "/cases?office=Dakar&sort=title&page=3",
             "/cases?office=Dakar&sort=updated", "/cases?owner=5&sort=review", "/cases?due_before=2030-01-01&sort=title",
             "/cases?q=water", "/cases?q=water&sort=title", "/cases?q=programme+4217", "/cases?q=Partner+17",
             "/cases?q=vaccin&state=active&sort=review", "/cases?q=no+such+thing", "/cases?q=wa", "/cases?q=7"]
PARTNER_SEARCHES = ["/partners?q=water", "/partners?q=partner+1", "/partners?q=zz"]


def _app(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "CASEFLOW_ENV": "testing",
                       "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()} 10:00:00.000000"


def build(path: Path) -> None:
    """Migrate an empty database and fill it with partners, users, cases and one long history."""
    from flask_migrate import upgrade

    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    app = _app(f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        from caseflow.extensions import db
        db.engine.dispose()
    rng, today = random.Random(42), dt.date.today()
    con = sqlite3.connect(path)
    with con:
        con.executemany("INSERT INTO users (id, email, name, role, office, password_hash, is_active_user, created_at) "
                        "VALUES (?, ?, ?, ?, ?, 'x', 1, ?)",
                        [(i, f"user{i}@bench.test", f"User {i}", ["officer", "reviewer", "auditor", "admin"][i % 4],
                          OFFICES[i % len(OFFICES)], _stamp(today)) for i in range(1, 41)])
        types = list(PARTNER_TYPES)
        con.executemany("INSERT INTO organisations (id, name, name_key, type, country, level, sanctions_flag, reputational_flag, "
                        "created_at) VALUES (?1, ?2, lower(?2), ?3, ?4, 'country', 0, 0, ?5)",
                        [(i, f"Partner {i} {rng.choice(WORDS).title()}", rng.choice(types), rng.choice(COUNTRIES),
                          _stamp(today)) for i in range(1, PARTNERS + 1)])
        con.executemany(
            "INSERT INTO cases (id, title, partner_id, objectives, cooperation_form, resources, office, owner_id, reviewer_id, "
            "state, version, proposed_start, proposed_end, next_review_due, exit_deadline, history_seq, created_at, updated_at) "
            "VALUES (?, ?, ?, 'Objectives', 'formal_partnership', 'none', ?, ?, ?, ?, 1, ?, ?, ?, ?, 0, ?, ?)",
            [_case(i, rng, today) for i in range(1, CASES + 1)])
        con.executemany(
            "INSERT INTO history_records (case_id, seq, trigger, from_state, to_state, actor, actor_user_id, at, data, comment, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, NULL, ?, ?)", _history(1, today))
        con.execute("UPDATE cases SET state = 'active', history_seq = ?, version = ? WHERE id = 1", (HISTORY, HISTORY))
    con.close()


def _case(i: int, rng: random.Random, today: dt.date) -> tuple:
    start = today - dt.timedelta(days=rng.randint(0, 900))
    state = rng.choice(STATES)
    review = start + dt.timedelta(days=rng.randint(60, 400)) if state in ("active", "under_review") else None
    end = start + dt.timedelta(days=rng.randint(365, 1100))
    return (i, f"{rng.choice(WORDS).capitalize()} programme {i}", rng.randint(1, PARTNERS), rng.choice(OFFICES),
            rng.randrange(1, 41, 4), rng.randrange(2, 41, 4), state, start.isoformat(), end.isoformat(),
            review.isoformat() if review else None, end.isoformat(), _stamp(start), _stamp(start))


def _history(case_id: int, today: dt.date) -> list[tuple]:
    """A valid hash chain: a proposal, then amendments."""
    rows, prev = [], None
    for seq in range(1, HISTORY + 1):
        trigger, before, after = ("propose", None, "proposed") if seq == 1 else ("amend", "active", "active")
        at = dt.datetime.combine(today, dt.time(9), tzinfo=dt.timezone.utc) - dt.timedelta(hours=HISTORY - seq)
        data = canonical_json({"fields": {"reason": f"Change {seq}", "operational_targets": f"Target {seq}"},
                               "changes": {"operational_targets": [f"Target {seq - 1}", f"Target {seq}"]}})
        digest = record_hash(case_id=case_id, seq=seq, trigger=trigger, from_state=before, to_state=after,
                             actor="user1@bench.test", at=at, data=data, comment=None, prev_hash=prev)
        rows.append((case_id, seq, trigger, before, after, "user1@bench.test", at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                     data, prev, digest))
        prev = digest
    return rows


def measure(client, url: str, repeat: int) -> float:
    """The median milliseconds of GET `url` (after one warm-up request)."""
    assert client.get(url).status_code == 200, url
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def _session_id(app, user_id: int) -> str:
    """Return what a session of this user stores, giving the raw-inserted user a session token."""
    from caseflow.extensions import db
    from caseflow.models import User
    from caseflow.models.user import new_session_token

    with app.app_context():
        user = db.session.get(User, user_id)
        user.session_token = user.session_token or new_session_token()
        db.session.commit()
        return user.get_id()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    if args.rebuild or not DB.exists():
        began = time.perf_counter()
        build(DB)
        print(f"built {DB} ({CASES:,} cases, {PARTNERS:,} partners, {HISTORY} history records on case 1) "
              f"in {time.perf_counter() - began:.1f} s", flush=True)
    app = _app(f"sqlite:///{DB}")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = _session_id(app, 3), True  # user3 is an auditor
    pages = [*CASE_LIST, "/cases/1", "/cases/1?page=10", "/", "/queue", "/partners?page=3", *PARTNER_SEARCHES]
    results = {url: measure(client, url, args.repeat) for url in pages}
    for url, ms in results.items():
        print(f"{ms:8.1f} ms  median  GET {url}")
    listing = statistics.median(ms for url, ms in results.items() if url.startswith("/cases?") or url == "/cases")
    print(json.dumps({"case_list_median_ms": round(listing, 1), "case_page_500_records_ms": round(results["/cases/1"], 1),
                      "target_ms": 100}))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
