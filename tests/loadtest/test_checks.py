"""The load run's checks find what they look for: they are run here on cases made through the engine."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from caseflow.clock import frozen_at
from caseflow.extensions import db
from caseflow.jobs.firing import reviews_due
from loadtest import checks


def test_a_healthy_database_passes_every_check(app, cases):
    case = cases.in_state("active")
    seq = db.session.execute(text("SELECT history_seq FROM cases WHERE id = :id"), {"id": case.id}).scalar()
    due = case.next_review_due
    with frozen_at(dt.datetime.combine(due, dt.time(6), tzinfo=dt.timezone.utc)):
        reviews_due(dt.datetime.combine(due, dt.time(6), tzinfo=dt.timezone.utc))
    with db.engine.connect() as conn:
        assert checks.state_matches_last_record(conn) == []
        assert checks.sweeps_fired_once(conn) == []
        assert checks.nothing_left_due(conn, due) == []
        # Every record but the sweep's is a person's step: all of them answered as accepted here.
        accepted = {(r.case_id, r.seq): r.trigger for r in conn.execute(text(
            "SELECT case_id, seq, trigger FROM history_records WHERE actor NOT LIKE 'system:%'"))}
        assert checks.history_matches_answers(conn, accepted, 0) == []
        assert len(accepted) == seq  # propose, vet, agree, activate: the review's record is the sweep's


def test_each_check_names_what_it_finds(app, cases):
    case = cases.in_state("active")
    with db.engine.connect() as conn:
        assert checks.nothing_left_due(conn, case.next_review_due) == [f"case {case.id}: review due but still waiting"]
        missing = checks.history_matches_answers(conn, {(case.id, 99): "vet"}, 0)
        assert f"case {case.id}: accepted vet (record #99) is not in the history" in missing
        assert any("answers no accepted request" in line for line in missing)
    assert checks.conflicts_answered([(200, 409), (409, 409)]) == []
    assert checks.conflicts_answered([(200, 200)]) == ["a conflict pair was answered 200 and 200"]
