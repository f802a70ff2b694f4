"""The load run's checks, read from the database once the deployment has stopped moving."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from sqlalchemy import text


def state_matches_last_record(conn) -> list[str]:
    """Cases whose state is not the destination of their last history record."""
    rows = conn.execute(text(
        "SELECT c.id, c.state, h.to_state FROM cases c LEFT JOIN history_records h "
        "ON h.case_id = c.id AND h.seq = c.history_seq WHERE h.to_state IS NULL OR h.to_state <> c.state")).all()
    return [f"case {r.id} is {r.state} but its last record says {r.to_state}" for r in rows]


def sweeps_fired_once(conn) -> list[str]:
    """Sweep steps fired twice for the same reason on the same case (a review or a deadline fired twice)."""
    rows = conn.execute(text("SELECT case_id, trigger, data FROM history_records WHERE actor LIKE 'system:%'")).all()
    seen = Counter((r.case_id, r.trigger, _reason(r.trigger, json.loads(r.data))) for r in rows)
    return [f"case {case_id}: {trigger} fired {count} times for {reason}"
            for (case_id, trigger, reason), count in seen.items() if count > 1]


def _reason(trigger: str, data: dict) -> str:
    # What makes a sweep's step due: the review date, the exit deadline, the start date.
    return str(data.get("reason") or data.get("handover") or data.get("actual_start") or data)


def nothing_left_due(conn, today: dt.date) -> list[str]:
    """Cases whose review, exit deadline or start had come by the last sweep but were not acted on."""
    checks = {
        "review due": "state = 'active' AND next_review_due <= :today",
        "exit deadline passed": "state IN ('active', 'under_review') AND exit_deadline <= :today",
        "start date come": "state = 'agreed' AND proposed_start <= :today",
    }
    problems = []
    for what, where in checks.items():
        ids = conn.execute(text(f"SELECT id FROM cases WHERE {where} ORDER BY id LIMIT 5"), {"today": today}).scalars().all()
        problems += [f"case {i}: {what} but still waiting" for i in ids]
    return problems


def history_matches_answers(conn, accepted: dict, after_id: int) -> list[str]:
    """Every accepted request is in the history, and every person's record since the start is an accepted request."""
    rows = conn.execute(text("SELECT case_id, seq, trigger FROM history_records WHERE id > :after "
                             "AND actor NOT LIKE 'system:%'"), {"after": after_id}).all()
    recorded = {(r.case_id, r.seq): r.trigger for r in rows}
    problems = [f"case {c} record #{s} ({t}) answers no accepted request" for (c, s), t in recorded.items()
                if accepted.get((c, s)) != t]
    problems += [f"case {c}: accepted {t} (record #{s}) is not in the history" for (c, s), t in accepted.items()
                 if recorded.get((c, s)) != t]
    return problems


def conflicts_answered(pairs: list) -> list[str]:
    """Each deliberate conflict: at most one of the two accepted, the other (or both) answered 409."""
    return [f"a conflict pair was answered {a} and {b}" for a, b in pairs if (a, b) not in ((200, 409), (409, 409))]
