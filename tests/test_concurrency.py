"""Writers racing on one case, as threads and as processes: exactly one wins, the others hear it moved on,
and the history stays a single unbroken chain."""
from __future__ import annotations

import multiprocessing
import os
import threading

import pytest
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord
from caseflow.workflow import Actor
from caseflow.workflow.chain_verify import verify_chains
from tests.concurrency_worker import fire_in_process, outcome_of_firing
from tests.factories import VETTING

# Each race is repeated; raise CASEFLOW_CONCURRENCY_ROUNDS for a soak run.
ROUNDS = int(os.environ.get("CASEFLOW_CONCURRENCY_ROUNDS", 4))


def race_in_threads(app, case_id, trigger, actors, data, version):
    barrier = threading.Barrier(len(actors))
    results = []

    def writer(actor):
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                results.append(outcome_of_firing(case_id, trigger, actor, data, version))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(actor,)) for actor in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(results)


def assert_one_step_was_taken(case_id, version_before):
    db.session.rollback()
    case = db.session.get(Case, case_id)
    seqs = db.session.scalars(select(HistoryRecord.seq).where(HistoryRecord.case_id == case_id)
                              .order_by(HistoryRecord.seq)).all()
    assert case.version == version_before + 1
    assert seqs == list(range(1, case.history_seq + 1))
    result = verify_chains(db.session, case_id=case_id)
    assert result.ok, result.broken


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_eight_threads_starting_one_review_with_the_same_version(app, users, cases, round_):
    case = cases.in_state("active")
    # officer2 does not own the case, so may not race for it (see tests/test_ownership.py).
    actors = [Actor.of(users[k]) for k in ("officer", "officer", "reviewer", "reviewer2")] * 2
    results = race_in_threads(app, case.id, "start_review", actors, {"reason": "Everyone at once."}, case.version)
    assert results == ["conflict"] * 7 + ["won"]
    assert_one_step_was_taken(case.id, case.version)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_reviewers_vetting_at_once_without_a_version(app, users, cases, round_):
    case = cases.propose()
    actors = [Actor.of(users["reviewer"]), Actor.of(users["reviewer2"])]
    results = race_in_threads(app, case.id, "vet", actors, VETTING, None)
    assert results == ["conflict", "won"]
    assert_one_step_was_taken(case.id, case.version)


@pytest.mark.parametrize("round_", range(max(1, ROUNDS // 2)))
def test_four_processes_firing_on_one_case(app, users, cases, round_):
    case = cases.in_state("active")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.commit()
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(4), context.Queue()
    emails = [users[k].email for k in ("officer", "officer", "reviewer", "reviewer2")]
    processes = [context.Process(target=fire_in_process, args=(url, case.id, "start_review", email,
                                                               {"reason": "From another process."}, case.version,
                                                               barrier, results))
                 for email in emails]
    for p in processes:
        p.start()
    outcomes = sorted(results.get(timeout=120) for _ in processes)
    for p in processes:
        p.join(timeout=30)
    assert outcomes == ["conflict"] * 3 + ["won"]
    assert_one_step_was_taken(case.id, case.version)
