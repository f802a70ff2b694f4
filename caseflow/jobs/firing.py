"""The sweeps that fire timed transitions through the engine as the system actor."""
from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from flask import current_app

from sqlalchemy import bindparam, select
from sqlalchemy.exc import SQLAlchemyError

from caseflow import clock
from caseflow.extensions import db
from caseflow.jobs.batches import Keyset, batches
from caseflow.jobs.result import SweepResult
from caseflow.models import RUNNING, Case, in_state
from caseflow.reviews.due import is_review_due, review_has_come
from caseflow.workflow import Actor, CaseNotFound, Conflict, WorkflowError, current_workflow
from caseflow.workflow.transaction import batch_transaction

log = logging.getLogger("caseflow.jobs")


# Each sweep's query, built once: the day it sweeps as of is bound when it runs.
TODAY = bindparam("today")
_REVIEWS_DUE = Keyset(select(Case.id, Case.version, Case.next_review_due).where(review_has_come(TODAY)), Case.id)
_EXITS_DUE = Keyset(select(Case.id, Case.version, Case.exit_deadline).where(
    in_state(*RUNNING), Case.exit_deadline <= TODAY), Case.id)
_STARTS_DUE = Keyset(select(Case.id, Case.version, Case.proposed_start, Case.agreement_signed_on).where(
    in_state("agreed"), Case.proposed_start <= TODAY), Case.id)


def _fire_each(result: SweepResult, keyset: Keyset, today: dt.date, trigger: str, data_of: Callable,
               still_due: Callable[[Case], bool]) -> SweepResult:
    """Fire `trigger` on every row of `keyset` (id, version, ...) due on `today`, a batch of cases per
    transaction; one case refused stops nothing."""
    workflow, actor = current_workflow(), Actor.system(result.sweep)
    size = current_app.config["CASEFLOW_SWEEP_BATCH_SIZE"]
    for rows in batches(keyset, {"today": today}):
        for start in range(0, len(rows), size):
            batch = rows[start:start + size]
            try:
                _fire_batch(result, workflow, actor, trigger, batch, data_of, still_due)
            except Exception as exc:
                # Not one case's fault: the batch was rolled back whole; what the earlier ones did stays counted.
                log.exception("%s: the batch from CF-%06d was rolled back", result.sweep, batch[0].id)
                result.fail(f"the batch from CF-{batch[0].id:06d}", f"{type(exc).__name__}: {exc}".splitlines()[0])
                return result
    return result


def _fire_batch(result, workflow, actor, trigger, rows, data_of, still_due) -> None:
    """Fire on each of `rows` in one transaction, each case in a savepoint of its own, and count what the
    commit kept. A commit per case used to be most of a sweep's time; an error that is no case's own (the
    database gone) rolls the whole batch back and ends the sweep, and the next run does the batch again."""
    done, began = SweepResult(result.sweep), time.perf_counter()
    with batch_transaction():
        for row in rows:
            _fire_one(done, workflow, actor, trigger, row, data_of, still_due)
    log.debug("%s: %d cases in one transaction of %.1f ms", result.sweep, len(rows),
              (time.perf_counter() - began) * 1000)
    result.add(done)


def _fire_one(result, workflow, actor, trigger, row, data_of, still_due) -> None:
    """Fire on one due case under the version the query saw, so a second sweep meets Conflict."""
    seen, reference = row, f"CF-{row.id:06d}"
    for attempt in (1, 2):
        try:
            workflow.fire(seen.id, trigger, actor, data_of(seen), expected_version=seen.version)
            result.fired += 1
            return
        except (Conflict, CaseNotFound) as exc:
            # The engine checked the version under its lock: the case changed since the query.
            # If it is no longer due, another run (or a person) did the work: not a failure.
            # Read in the batch's transaction, after its savepoint was rolled back.
            case = db.session.execute(select(Case).where(Case.id == seen.id)
                                      .execution_options(populate_existing=True)).scalar_one_or_none()
            if case is None or not still_due(case):
                result.already += 1
                return
            if attempt == 2:
                _failed(result, reference, trigger, exc.message)
                return
            seen = case
        except WorkflowError as exc:
            _failed(result, reference, trigger, exc.message)
            return
        except SQLAlchemyError as exc:
            # The engine rolled the case back to its savepoint; the batch goes on.
            log.exception("%s: %s on %s failed in the database", result.sweep, trigger, reference)
            _failed(result, reference, trigger, str(getattr(exc, "orig", exc)).splitlines()[0])
            return


def _failed(result: SweepResult, reference: str, trigger: str, why: str) -> None:
    log.warning("%s: %s on %s refused: %s", result.sweep, trigger, reference, why)
    result.fail(reference, why)


def _timers() -> dict:
    return current_workflow().definition.timers


def reviews_due(as_of: dt.datetime) -> SweepResult:
    """Start the periodic review of every active case whose next review date has come."""
    today = as_of.date()
    return _fire_each(
        SweepResult("reviews_due"), _REVIEWS_DUE, today, "start_review",
        lambda c: {"reason": f"Periodic review due on {c.next_review_due.isoformat()}."},
        lambda c: is_review_due(c, today))


def exit_deadline(as_of: dt.datetime) -> SweepResult:
    """Begin the exit of every active or under-review case whose end date has come."""
    today, days = as_of.date(), _timers()["exit_completion_days"]

    def plan(c) -> dict:
        # The completion date must not lie in the past, even when the scheduler catches up late.
        completion = max(c.exit_deadline + dt.timedelta(days=days), today, clock.today())
        deadline = c.exit_deadline.isoformat()
        return {"handover": f"The exit deadline {deadline} has come: the programme officer must plan the "
                            "handover of the partnership's activities.",
                "sustainability": f"The exit deadline {deadline} has come: the programme officer must plan "
                                  "how the results for children are sustained after the exit.",
                "completion_date": completion}

    return _fire_each(
        SweepResult("exit_deadline"), _EXITS_DUE, today, "begin_exit", plan,
        lambda c: c.state in RUNNING and c.exit_deadline is not None and c.exit_deadline <= today)


def activation(as_of: dt.datetime) -> SweepResult:
    """Activate every agreed case whose start date has come, started on that date (or on its signing, if later)."""
    today = as_of.date()

    def start(c) -> dict:
        # A partnership starts on its agreement's signing at the earliest: an agreement signed late starts late.
        return {"actual_start": max(d for d in (c.proposed_start, c.agreement_signed_on) if d is not None)}

    return _fire_each(
        SweepResult("activation"), _STARTS_DUE, today, "activate", start,
        lambda c: c.state == "agreed" and c.proposed_start is not None and c.proposed_start <= today)
