"""Sweeps fire in batches: one transaction per batch of due cases, each case in a savepoint of it. A case
refused or failed is undone alone; a batch cut short (an error that is no case's own, a killed process)
leaves nothing, and the next run does it once."""
from __future__ import annotations

import multiprocessing
import os
import signal

from sqlalchemy import select

from caseflow.clock import frozen_at
from caseflow.extensions import db
from caseflow.jobs import batches as batching
from caseflow.models import Case, Notification, Review
from caseflow.workflow.chain_verify import verify_chains
from tests.scheduler.conftest import at, commits_during, history

DUE = at(2027, 4, 5)  # the reviews of cases active since 1 January 2027 have fallen due


def _due_cases(cases, n: int) -> list[int]:
    return [cases.in_state("active", at=at(2027, 1, 1)).id for _ in range(n)]


def _reviews_started(case_id: int) -> int:
    return sum(1 for trigger, _ in history(case_id) if trigger == "start_review")


def test_a_sweep_goes_through_every_batch_and_keeps_the_callers_objects(app, cases, sweep, monkeypatch):
    monkeypatch.setattr(batching, "BATCH_SIZE", 2)
    app.config["CASEFLOW_SWEEP_BATCH_SIZE"] = 2
    ids = _due_cases(cases, 5)
    db.session.expunge_all()
    mine = db.session.get(Case, ids[0])

    result = sweep(DUE, "reviews_due")["reviews_due"]

    assert result.fired == 5  # three batches of at most two
    assert all(history(case_id)[-1] == ("start_review", "system:reviews_due") for case_id in ids)
    assert mine in db.session and mine.state == "under_review"  # still attached, and refreshed by the engine
    assert {key[1][0] for key in db.session.identity_map.keys() if key[0] is Case} == {ids[0]}


def test_ten_due_cases_in_batches_of_four_are_three_commits(app, cases, sweep):
    app.config["CASEFLOW_SWEEP_BATCH_SIZE"] = 4
    ids = _due_cases(cases, 10)
    db.session.commit()  # the factory's last read ends here, not in the count

    commits = commits_during(lambda: sweep(DUE, "reviews_due"))

    # The run's log begun, the due cases read, three batches, the sweep's row finished, the log ended.
    assert commits == 1 + 1 + 3 + 1 + 1
    assert [_reviews_started(case_id) for case_id in ids] == [1] * 10


def test_a_case_whose_write_fails_in_the_database_is_undone_alone(app, users, cases, sweep):
    first, broken, last = _due_cases(cases, 3)
    case = db.session.get(Case, broken)
    before = (case.version, case.history_head, len(history(broken)))
    # A notification already holding the key of the step's own notice to the owner: its INSERT fails after
    # the case row and the history record were written in the batch's transaction.
    db.session.add(Notification(user_id=users["officer"].id, case_id=broken, kind="test", message="in the way",
                                dedup_key=f"transition:{broken}:{case.history_seq + 1}:{users['officer'].id}"))
    db.session.commit()

    result = sweep(DUE, "reviews_due")["reviews_due"]

    assert (result.fired, result.failed) == (2, 1)
    assert [db.session.get(Case, c).state for c in (first, broken, last)] == ["under_review", "active", "under_review"]
    case = db.session.get(Case, broken, populate_existing=True)
    assert (case.version, case.history_head, len(history(broken))) == before
    assert db.session.scalar(select(Review).where(Review.case_id == broken)) is None
    assert verify_chains(db.session).ok


def test_an_error_mid_batch_undoes_the_batch_and_the_next_run_does_it_once(app, cases, sweep, monkeypatch):
    from caseflow.workflow import store

    app.config["CASEFLOW_SWEEP_BATCH_SIZE"] = 2
    ids = _due_cases(cases, 5)
    opened, real = [], store.open_review

    def the_disk_fills_at_the_third_review(conn, values):
        opened.append(values["case_id"])
        if len(opened) == 3:
            raise RuntimeError("disk full")
        real(conn, values)

    monkeypatch.setattr(store, "open_review", the_disk_fills_at_the_third_review)
    result = sweep(DUE, "reviews_due")["reviews_due"]
    assert (result.fired, result.failed) == (2, 1) and "RuntimeError: disk full" in result.summary()
    assert [_reviews_started(case_id) for case_id in ids] == [1, 1, 0, 0, 0]  # the first batch was committed

    monkeypatch.setattr(store, "open_review", real)
    assert sweep(DUE, "reviews_due")["reviews_due"].fired == 3
    assert [_reviews_started(case_id) for case_id in ids] == [1] * 5
    assert verify_chains(db.session).ok


def sweep_and_die_in_the_second_batch(url: str) -> None:
    """A scheduler process killed (SIGKILL) after the third case's writes, in its second batch of two."""
    from caseflow import create_app
    from caseflow.jobs import run_all
    from caseflow.workflow import store

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test", "CASEFLOW_ENV": "testing",
                      "CASEFLOW_SWEEP_BATCH_SIZE": 2})
    opened, real = [], store.open_review

    def open_then_die(conn, values):
        real(conn, values)
        opened.append(values["case_id"])
        if len(opened) == 3:
            os.kill(os.getpid(), signal.SIGKILL)

    store.open_review = open_then_die
    with app.app_context(), frozen_at(DUE):
        run_all(DUE, holder="killed", only=("reviews_due",))


def test_a_scheduler_killed_mid_batch_leaves_the_batch_to_the_next_which_fires_it_once(app, cases, sweep):
    ids = _due_cases(cases, 5)
    db.session.commit()
    killed = multiprocessing.get_context("spawn").Process(
        target=sweep_and_die_in_the_second_batch, args=(app.config["SQLALCHEMY_DATABASE_URI"],))
    killed.start()
    killed.join(120)
    assert killed.exitcode == -signal.SIGKILL
    db.session.rollback()
    assert [_reviews_started(case_id) for case_id in ids] == [1, 1, 0, 0, 0]

    assert sweep(DUE, "reviews_due")["reviews_due"].fired == 3  # the standby's next run
    assert [_reviews_started(case_id) for case_id in ids] == [1] * 5
    assert verify_chains(db.session).ok
