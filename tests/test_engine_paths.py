"""Whole journeys through the engine: every transition of DESIGN.md, its history, dates and side effects."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from caseflow.clock import frozen_at
from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord, Notification, Review
from caseflow.workflow import Actor, Conflict, CaseNotFound, InvalidData, NotAllowed, current_workflow
from caseflow.workflow.integrity import BypassedEngine
from tests.factories import EXIT, REVIEW, VETTING, agreement

MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


def history(case_id):
    return db.session.scalars(select(HistoryRecord).where(HistoryRecord.case_id == case_id)
                              .order_by(HistoryRecord.seq)).all()


def fire(users, case, trigger, who, data, **kwargs):
    return current_workflow().fire(case.id, trigger, Actor.of(users[who]), data, **kwargs)


def test_a_partnership_lives_from_proposal_to_discontinuation(app, users, cases):
    with frozen_at(MONDAY):
        case = cases.propose(proposed_start=(MONDAY.date() + dt.timedelta(days=30)).isoformat(),
                             proposed_end="2028-03-01")
        fire(users, case, "vet", "reviewer", VETTING)
        cases.attach_signed_agreement(case)
        fire(users, case, "agree", "officer", agreement(review_interval_months=3, proposed_end="2028-03-31"))
    with frozen_at(MONDAY + dt.timedelta(days=30)):
        fire(users, case, "activate", "officer", {"actual_start": "2026-04-01"})
        fire(users, case, "amend", "officer", {"proposed_end": "2028-06-30", "reason": "Extended by a year's grant."})
    with frozen_at(dt.datetime(2026, 7, 1, 6, tzinfo=dt.timezone.utc)):
        current_workflow().fire(case.id, "start_review", Actor.system("reviews_due"), {"reason": "Due."})
    with frozen_at(dt.datetime(2026, 7, 8, 15, tzinfo=dt.timezone.utc)):
        fire(users, case, "complete_review", "reviewer2", REVIEW)
        fire(users, case, "begin_exit", "reviewer", {**EXIT, "completion_date": "2026-10-01"})
    with frozen_at(dt.datetime(2026, 10, 2, tzinfo=dt.timezone.utc)):
        outcome = fire(users, case, "discontinue", "reviewer", {"reason": "exit_completed", "narrative": "Handed over."})

    records = history(case.id)
    assert [(r.trigger, r.from_state, r.to_state) for r in records] == [
        ("propose", None, "proposed"), ("vet", "proposed", "vetted"), ("agree", "vetted", "agreed"),
        ("activate", "agreed", "active"), ("amend", "active", "active"), ("start_review", "active", "under_review"),
        ("complete_review", "under_review", "active"), ("begin_exit", "active", "exiting"),
        ("discontinue", "exiting", "discontinued")]
    assert [r.seq for r in records] == list(range(1, 10))
    assert records[5].actor == "system:reviews_due" and records[1].actor == users["reviewer"].email
    assert outcome.seq == 9 and outcome.to_state == "discontinued"
    amendment = json.loads(records[4].data)
    assert amendment["changes"]["proposed_end"] == ["2028-03-31", "2028-06-30"]
    assert amendment["changes"]["exit_deadline"] == ["2028-03-31", "2028-06-30"]
    assert json.loads(records[0].data)["changes"]["title"] == [None, "Birth registration in Liberia"]

    case = db.session.get(Case, case.id)
    assert (case.state, case.version, case.history_seq, case.history_head) == ("discontinued", 9, 9, records[-1].hash)
    assert case.closure_reason == "exit_completed" and case.exit_completion_due == dt.date(2026, 10, 1)
    review = db.session.scalars(select(Review).where(Review.case_id == case.id)).one()
    assert (review.due_on, review.opened_by, review.outcome, review.progress) == (
        dt.date(2026, 7, 1), "system:reviews_due", "complete_review", "on_track")


def test_activation_and_reviews_set_the_derived_dates(app, users, cases):
    with frozen_at(MONDAY):
        case = cases.in_state("agreed", proposed_start="2026-03-01", proposed_end="2027-12-31")
        assert case.exit_deadline == dt.date(2027, 12, 31)
        fire(users, case, "activate", "officer", {"actual_start": "2026-03-02"})
        assert db.session.get(Case, case.id).next_review_due == dt.date(2026, 6, 2)
        fire(users, case, "start_review", "officer", {"reason": "Partner asked for it."})
        fire(users, case, "complete_review", "reviewer2", {**REVIEW, "next_review_on": "2026-05-15"})
        assert db.session.get(Case, case.id).next_review_due == dt.date(2026, 5, 15)
        fire(users, case, "start_review", "reviewer", {"reason": "Ad hoc."})
        fire(users, case, "complete_review", "reviewer2", REVIEW)
        assert db.session.get(Case, case.id).next_review_due == dt.date(2026, 6, 2)


def test_rejection_and_discontinuation_from_each_open_state(app, users, cases):
    rejected = cases.propose()
    fire(users, rejected, "reject", "reviewer", {"reason": "Failed vetting: no audited accounts."})
    assert db.session.get(Case, rejected.id).closure_reason == "failed_vetting"
    for state in ("vetted", "agreed", "active", "under_review", "exiting"):
        case = cases.in_state(state)
        fire(users, case, "discontinue", "reviewer", {"reason": "partner_withdrew", "narrative": "Withdrew."})
        assert db.session.get(Case, case.id).state == "discontinued"


def test_begin_exit_from_a_review(app, users, cases):
    case = cases.in_state("under_review")
    fire(users, case, "begin_exit", "reviewer2", {**EXIT, "completion_date": "2099-01-01"})
    review = db.session.scalars(select(Review).where(Review.case_id == case.id)).one()
    assert review.outcome == "begin_exit" and review.completed_at is not None


def test_roles_may_fire_only_their_triggers(app, users, cases):
    case = cases.propose()
    for who, message in (("officer", "An officer may not vet."), ("auditor", "An auditor may not vet."),
                         ("admin", "An admin may not vet.")):
        with pytest.raises(NotAllowed) as refused:
            fire(users, case, "vet", who, VETTING)
        assert refused.value.message == message
    with pytest.raises(NotAllowed):
        current_workflow().propose(Actor.of(users["reviewer"]), {})
    with pytest.raises(NotAllowed):
        current_workflow().fire(case.id, "vet", Actor.system("reviews_due"), VETTING)
    wf, active = current_workflow(), cases.in_state("active")
    assert [t.trigger for t in wf.triggers_for(active, Actor.of(users["officer"]))] == ["amend", "start_review", "request_release"]
    assert [t.trigger for t in wf.triggers_for(active, Actor.of(users["auditor"]))] == []


def test_bad_data_is_refused_per_field_and_changes_nothing(app, users, cases):
    case = cases.in_state("agreed")
    with pytest.raises(InvalidData) as refused:
        fire(users, case, "activate", "officer", {"actual_start": "first of May", "colour": "blue"})
    assert refused.value.errors == {"actual_start": "'first of May' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31",
                                    "colour": "is not a field of this step"}
    with pytest.raises(InvalidData) as refused:
        fire(users, case, "fly", "officer", {})
    assert "trigger" in refused.value.errors
    with pytest.raises(CaseNotFound):
        current_workflow().fire(99999, "activate", Actor.of(users["officer"]), {"actual_start": "2026-01-01"})
    assert db.session.get(Case, case.id).version == 3


def test_a_trigger_from_the_wrong_state_or_a_stale_version_is_a_conflict(app, users, cases):
    case = cases.in_state("active")
    with pytest.raises(Conflict, match="Active: 'Vet' cannot be done from there"):
        fire(users, case, "vet", "reviewer", VETTING)
    with pytest.raises(Conflict, match="moved on while you worked"):
        fire(users, case, "start_review", "reviewer", {"reason": "x"}, expected_version=case.version - 1)
    fire(users, case, "start_review", "reviewer", {"reason": "x"}, expected_version=case.version)


def test_an_error_inside_the_write_leaves_no_partial_write(app, users, cases, monkeypatch):
    from caseflow.workflow import store

    case = cases.in_state("active")
    before = (case.version, case.history_head, len(history(case.id)))
    notes = db.session.scalar(select(func.count()).select_from(Notification))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "open_review", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        fire(users, case, "start_review", "reviewer", {"reason": "x"})
    case = db.session.get(Case, case.id)
    assert (case.state, case.version, case.history_head, len(history(case.id))) == ("active", *before)
    assert db.session.scalar(select(func.count()).select_from(Notification)) == notes
    assert db.session.scalar(select(func.count()).select_from(Review).where(Review.case_id == case.id)) == 0


def test_a_database_error_mid_write_is_sqlalchemys_and_leaves_nothing_behind(app, users, cases):
    """The engine's statements run on the driver, yet a failure still comes out as SQLAlchemy's class."""
    case = cases.in_state("active")
    before = (case.version, case.history_head, len(history(case.id)))
    # A notification already holding the key the step's own notice would take makes its insert fail.
    taken = f"transition:{case.id}:{case.history_seq + 1}:{users['officer'].id}"
    db.session.add(Notification(user_id=users["officer"].id, case_id=case.id, kind="test", message="in the way",
                                dedup_key=taken))
    db.session.commit()
    with pytest.raises(IntegrityError):
        fire(users, case, "start_review", "reviewer", {"reason": "x"})
    case = db.session.get(Case, case.id)
    assert (case.state, case.version, case.history_head, len(history(case.id))) == ("active", *before)
    assert db.session.scalar(select(func.count()).select_from(Review).where(Review.case_id == case.id)) == 0
    # The connection went back to the pool clean: the next step on it goes through.
    db.session.execute(delete(Notification).where(Notification.dedup_key == taken))
    db.session.commit()
    assert fire(users, case, "start_review", "reviewer", {"reason": "x"}).to_state == "under_review"


def test_the_owner_and_reviewer_hear_of_moves_others_make(app, users, cases):
    case = cases.in_state("vetted")
    notes = db.session.scalars(select(Notification).where(Notification.case_id == case.id)).all()
    assert [(n.user_id, n.kind) for n in notes] == [(users["officer"].id, "transition:vet")]
    assert "Vet by reviewer@example.org; now Vetted" in notes[0].message


def test_the_state_column_cannot_be_assigned_around_the_engine(app, users, cases):
    case = cases.in_state("active")
    case.state = "discontinued"
    with pytest.raises(BypassedEngine, match="state of a case change only by firing a trigger"):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Case, case.id).state == "active"
    db.session.add(Case(title="Sneaky", partner_id=case.partner_id, cooperation_form="formal_partnership",
                        office="x", owner_id=users["officer"].id, state="active"))
    with pytest.raises(BypassedEngine, match="created by the workflow engine only"):
        db.session.commit()
    db.session.rollback()


def test_the_engine_refuses_to_run_over_pending_changes(app, users, cases):
    case = cases.in_state("active")
    users["officer"].name = "Renamed but not committed"
    with pytest.raises(RuntimeError, match="owns its transaction"):
        fire(users, case, "start_review", "reviewer", {"reason": "x"})
    db.session.rollback()


def test_a_step_reads_the_clock_once_so_its_dates_agree_however_fast_the_clock_runs(app, users, cases, monkeypatch):
    # As under the load run's moving clock: every reading of the clock a day after the last.
    from caseflow.workflow import engine
    from caseflow.workflow.chain_verify import verify_chains

    now = dt.datetime.now(dt.timezone.utc)
    readings = iter(now + dt.timedelta(days=n) for n in range(1000))
    monkeypatch.setattr(engine, "utcnow", lambda: next(readings))
    case = cases.propose()
    fire(users, case, "vet", "reviewer", VETTING)
    case = db.session.get(Case, case.id)
    first, second = history(case.id)
    assert case.created_at == first.at and case.updated_at == second.at
    assert verify_chains(db.session, case_id=case.id).ok
