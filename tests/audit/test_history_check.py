"""The scheduler verifies every chain once a day and alerts the auditors and admins to a broken one."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from caseflow.clock import frozen_at
from caseflow.extensions import db
from caseflow.jobs import history_check, run_all
from caseflow.jobs.mail import subject_of
from caseflow.models import Case, HistoryRecord, Notification, User

MORNING = dt.datetime(2031, 3, 3, 6, tzinfo=dt.timezone.utc)
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)


@pytest.fixture
def check(app):
    """Run the history check as the scheduler's tick would: `check(moment)` returns its result."""

    def run(moment: dt.datetime):
        with frozen_at(moment):
            (result,) = run_all(moment, holder="test", only=("history_check",))
        return result

    return run


@pytest.fixture
def totals(demo) -> str:
    """What a check of the intact demo history finds."""
    cases, records = db.session.query(Case).count(), db.session.query(HistoryRecord).count()
    return f"verified {cases} chains, {records} records: intact"


def _alerts() -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.kind == "history_broken")
                                   .order_by(Notification.id)))


def _record(case: Case, seq: int) -> HistoryRecord:
    return db.session.scalar(select(HistoryRecord).where(HistoryRecord.case_id == case.id, HistoryRecord.seq == seq))


def test_an_intact_history_is_verified_once_a_day(check, totals):
    first = check(MORNING)
    assert first.detail == totals + ", checkpoint #1 signed" and (first.failed, first.notified) == (0, 0)
    assert check(MORNING + 23 * HOUR).detail == "skipped: verified as of 2031-03-03 06:00 UTC"
    assert check(MORNING + DAY).detail == totals + ", checkpoint #2 signed"
    assert _alerts() == []


def test_a_check_in_small_chunks_counts_every_chain_and_finds_a_break_in_a_late_one(check, totals, tamper,
                                                                                   monkeypatch):
    monkeypatch.setattr(history_check, "CHUNK", 3)
    assert check(MORNING).detail == totals + ", checkpoint #1 signed"
    last_case = db.session.scalar(select(Case).order_by(Case.id.desc()))
    record = _record(last_case, 1)
    tamper(record.id)
    found = check(MORNING + DAY).detail
    assert f"broken at case {last_case.id} record #1 (id {record.id})" in found


def test_a_check_dated_far_ahead_does_not_stop_the_daily_one(check, totals):
    check(MORNING + 400 * DAY)  # `caseflow sweep --at` a year ahead, say
    assert check(MORNING).detail == totals + ", checkpoint #2 signed"


def test_a_failed_check_is_tried_again_after_an_hour_not_at_every_tick(check, totals, monkeypatch):
    def database_gone(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("the database went away"))

    monkeypatch.setattr(history_check, "verify_chains", database_gone)
    assert check(MORNING).failed == 1
    assert check(MORNING + 10 * dt.timedelta(minutes=1)).detail == \
        "skipped: the last check failed; it is tried again hourly"
    monkeypatch.undo()
    assert check(MORNING + HOUR).detail == totals + ", checkpoint #1 signed"


def test_a_tampered_record_alerts_every_active_auditor_and_admin_each_day_until_mended(demo, check, tamper):
    case = db.session.scalar(select(Case).where(Case.state == "active").order_by(Case.id))
    record = _record(case, 2)
    tamper(record.id)
    gone = db.session.scalar(select(User).where(User.role == "admin"))
    gone.is_active_user = False
    db.session.commit()
    told = set(db.session.scalars(select(User.id).where(User.role.in_(("auditor", "admin")),
                                                        User.is_active_user.is_(True))))
    named = f"case {case.id} record #2 (id {record.id}): its content does not match its hash"

    result = check(MORNING)
    assert result.failed == 1 and result.detail.endswith(f"broken at {named}")
    assert told and {n.user_id for n in _alerts()} == told and gone.id not in told
    assert all(n.case_id == case.id and named in n.message for n in _alerts())
    assert subject_of("history_broken", case.id) == f"[caseflow] CF-{case.id:06d} History broken"

    check(MORNING + 2 * HOUR)  # skipped: no second alert the same day
    assert len(_alerts()) == len(told)
    check(MORNING + DAY)  # still broken the next day: told again
    assert len(_alerts()) == 2 * len(told)


def test_the_verify_page_shows_the_schedulers_last_check(check, totals, tamper, sign_in):
    client = sign_in("auditor")
    assert 'data-last-check="none"' in client.get("/audit/verify").get_data(as_text=True)

    check(MORNING)
    with frozen_at(MORNING + HOUR):
        page = client.get("/audit/verify").get_data(as_text=True)
    assert 'data-last-check="intact"' in page and f"Last check, as of 2031-03-03 06:00:00 UTC: {totals}, checkpoint #1 signed." in page
    with frozen_at(MORNING + 3 * DAY):
        page = client.get("/audit/verify").get_data(as_text=True)
    assert 'data-last-check="stale"' in page and "is the scheduler running?" in page

    record = db.session.scalar(select(HistoryRecord).order_by(HistoryRecord.id))
    tamper(record.id)
    check(MORNING + DAY)
    page = client.get("/audit/verify").get_data(as_text=True)
    assert 'data-last-check="broken"' in page and f"record #1 (id {record.id})" in page


def test_the_check_appears_in_the_scheduler_status(check, totals, runner):
    check(MORNING)
    assert totals in runner.invoke(args=["scheduler", "status"]).output
