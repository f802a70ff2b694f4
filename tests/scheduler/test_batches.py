"""Sweeps work in batches (clearing what each loaded), and leave the caller's own objects alone."""
from __future__ import annotations

from caseflow.extensions import db
from caseflow.jobs import batches as batching
from caseflow.models import Case
from tests.scheduler.conftest import at, history


def test_a_sweep_goes_through_every_batch_and_keeps_the_callers_objects(app, cases, sweep, monkeypatch):
    monkeypatch.setattr(batching, "BATCH_SIZE", 2)
    ids = [cases.in_state("active", at=at(2027, 1, 1)).id for _ in range(5)]
    db.session.expunge_all()
    mine = db.session.get(Case, ids[0])

    result = sweep(at(2027, 4, 5), "reviews_due")["reviews_due"]

    assert result.fired == 5  # three batches of at most two
    assert all(history(case_id)[-1] == ("start_review", "system:reviews_due") for case_id in ids)
    assert mine in db.session and mine.state == "under_review"  # still attached, and refreshed by the engine
    assert {key[1][0] for key in db.session.identity_map.keys() if key[0] is Case} == {ids[0]}
