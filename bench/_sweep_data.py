"""Build the sweep benchmark's SQLite databases: a million cases in a realistic mix of states."""
from __future__ import annotations

import datetime as dt
import random
import sqlite3
from pathlib import Path

AS_OF = dt.datetime(2027, 6, 1, 6, 0, tzinfo=dt.timezone.utc)
TODAY = AS_OF.date()
# Share of the cases in each state (discontinued ones pile up over the years).
MIX = {"proposed": 0.04, "vetted": 0.03, "agreed": 0.03, "active": 0.55, "under_review": 0.08,
       "exiting": 0.04, "discontinued": 0.23}
OFFICES = ["Monrovia", "Addis Ababa", "Islamabad", "Jakarta", "Tashkent", "Brasilia", "Geneva", "New York"]
CASE_COLUMNS = ("id", "title", "partner_id", "objectives", "results_for_children", "cooperation_form", "resources",
                "amount", "currency", "office", "owner_id", "proposed_by_id", "reviewer_id", "state", "version",
                "proposed_start", "proposed_end", "actual_start", "next_review_due", "exit_deadline",
                "exit_completion_due", "review_interval_months", "agreement_type", "agreement_reference",
                "agreement_signed_on", "exit_conditions", "history_seq", "created_at", "updated_at")
N_OFFICERS, N_REVIEWERS, N_PARTNERS = 60, 24, 5000


def _day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def _case(i: int, state: str, rng: random.Random, due: bool) -> tuple[tuple, tuple | None]:
    """One case row as it stands on AS_OF and, for one under review, its open review row."""
    office = OFFICES[i % len(OFFICES)]
    owner, reviewer = 1 + i % N_OFFICERS, 1 + N_OFFICERS + i % N_REVIEWERS
    start = _day(-rng.randint(100, 900)) if state not in ("proposed", "vetted", "agreed") else _day(rng.randint(1, 60))
    end, review, deadline, completion, actual = _day(rng.randint(91, 1500)), None, None, None, None
    if state in ("active", "under_review", "exiting", "discontinued"):
        actual = start
    if state == "active":
        review, deadline = _day(-rng.randint(0, 30) if due else rng.randint(1, 90)), end
    elif state == "under_review":
        review, deadline = _day(-rng.randint(0, 13)), end  # within the reviews' grace
    elif state == "agreed":
        deadline = end
    elif state == "exiting":
        completion = _day(rng.randint(1, 90))
    # Agreed and later cases satisfy their states' invariants: signed before the start and never after today.
    signed = None
    if state not in ("proposed", "vetted"):
        signed = min(dt.date.fromisoformat(start) - dt.timedelta(days=10), TODAY - dt.timedelta(days=1)).isoformat()
    created = f"{_day(-rng.randint(100, 1500))} 09:00:00.000000"
    row = (i, f"Partnership {i} for children", 1 + i % N_PARTNERS, "Objectives.", "Results for children.",
           "formal_partnership", "cash", 9000, "USD", office, owner, owner,
           None if state == "proposed" else reviewer, state, 4, start, end, actual, review, deadline, completion,
           3, "pca", f"PCA/{i}", signed, "Targets missed twice." if signed else None, 0, created, created)
    open_review = (i, review, f"{review} 06:00:00.000000", "system:reviews_due", "Periodic review.") if state == "under_review" else None
    return row, open_review


def build(path: Path, total: int, due: int, migrate) -> None:
    """Create `path` by the migrations, then bulk-insert `total` cases of which `due` are due for review."""
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    migrate(f"sqlite:///{tmp}")
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    now = f"{TODAY.isoformat()} 00:00:00.000000"
    users = [(f"officer{n}@bench.test", f"Officer {n}", "officer", OFFICES[n % len(OFFICES)]) for n in range(N_OFFICERS)]
    users += [(f"reviewer{n}@bench.test", f"Reviewer {n}", "reviewer", OFFICES[n % len(OFFICES)]) for n in range(N_REVIEWERS)]
    users += [("admin@bench.test", "Admin", "admin", None)]
    conn.executemany("INSERT INTO users (email, name, role, office, password_hash, is_active_user, created_at) "
                     "VALUES (?, ?, ?, ?, 'x', 1, ?)", [u + (now,) for u in users])
    conn.executemany("INSERT INTO organisations (name, name_key, type, country, level, sanctions_flag, reputational_flag, "
                     "created_at) VALUES (?1, lower(?1), 'national_ngo', 'Liberia', 'country', 0, 0, ?2)", [(f"Partner {n}", now) for n in range(N_PARTNERS)])
    rng, states, weights = random.Random(2027), list(MIX), list(MIX.values())
    active_every = max(1, int(total * MIX["active"] / due)) if due else 0
    case_sql = f"INSERT INTO cases ({', '.join(CASE_COLUMNS)}) VALUES ({', '.join('?' * len(CASE_COLUMNS))})"
    review_sql = "INSERT INTO reviews (case_id, due_on, opened_at, opened_by, reason) VALUES (?, ?, ?, ?, ?)"
    made_due, seen_active = 0, 0
    for chunk in range(1, total + 1, 50_000):
        rows, reviews = [], []
        for i in range(chunk, min(chunk + 50_000, total + 1)):
            state = rng.choices(states, weights)[0]
            is_due = False
            if state == "active":
                seen_active += 1
                is_due = bool(active_every) and made_due < due and seen_active % active_every == 0
                made_due += is_due
            row, review = _case(i, state, rng, is_due)
            rows.append(row)
            if review:
                reviews.append(review)
        conn.executemany(case_sql, rows)
        conn.executemany(review_sql, reviews)
        conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    if made_due != due:
        raise RuntimeError(f"made {made_due} due cases, wanted {due}")
    tmp.rename(path)
