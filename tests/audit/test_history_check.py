"""The scheduler verifies every chain once a day and alerts the auditors and admins to a broken one."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from caseflow.clock import frozen_at
from caseflow.extensions import db
from caseflow.jobs import run_all
from caseflow.jobs.mail import subject_of
from caseflow.models import Case, HistoryRecord, Notification, User

MORNING = dt.datetime(2031, 3, 3, 6, tzinfo=dt.timezone.utc)


@pytest.fixture
def check(app):
    """Run the history check as the scheduler's tick would: `check(moment)` returns its result."""

    def run(moment: dt.datetime):
        with frozen_at(moment):
            (result,) = run_all(moment, holder="test", only=("history_check",))
        return result

    return run


def _alerts() -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.kind == "history_broken")
                                   .order_by(Notification.id)))


def test_an_intact_history_is_verified_once_a_day(demo, check):
    cases, records = db.session.query(Case).count(), db.session.query(HistoryRecord).count()

    first = check(MORNING)
    assert first.detail == f"verified {cases} chains, {records} records: intact"
    assert (first.failed, first.notified) == (0, 0)
    assert check(MORNING + dt.timedelta(hours=23)).detail == ""  # checked within the day: skipped
    assert check(MORNING + dt.timedelta(days=1)).detail.startswith("verified ")
    assert _alerts() == []


def test_a_tampered_record_alerts_every_auditor_and_admin_each_day_until_mended(demo, check, tamper):
    case = db.session.scalar(select(Case).where(Case.state == "active").order_by(Case.id))
    record = db.session.scalar(select(HistoryRecord).where(HistoryRecord.case_id == case.id, HistoryRecord.seq == 2))
    tamper(record.id)
    named = f"case {case.id} record #2 (id {record.id}): its content does not match its hash"

    result = check(MORNING)
    assert result.failed == 1 and f"broken at {named}" in result.detail
    alerted = {db.session.get(User, n.user_id).role for n in _alerts()}
    assert alerted == {"auditor", "admin"}
    assert all(n.case_id == case.id and named in n.message for n in _alerts())
    assert subject_of("history_broken", case.id) == f"[caseflow] CF-{case.id:06d} History broken"

    check(MORNING + dt.timedelta(hours=2))  # skipped: no second alert the same day
    assert len(_alerts()) == 2
    check(MORNING + dt.timedelta(days=1))  # still broken the next day: told again
    assert len(_alerts()) == 4


def test_the_verify_page_shows_the_schedulers_last_check(demo, check, tamper, sign_in):
    client = sign_in("auditor")
    assert 'data-last-check="none"' in client.get("/audit/verify").get_data(as_text=True)

    check(MORNING)
    page = client.get("/audit/verify").get_data(as_text=True)
    assert 'data-last-check="intact"' in page and "2031-03-03 06:00" in page and ": intact." in page

    record = db.session.scalar(select(HistoryRecord).order_by(HistoryRecord.id))
    tamper(record.id)
    check(MORNING + dt.timedelta(days=1))
    page = client.get("/audit/verify").get_data(as_text=True)
    assert 'data-last-check="broken"' in page and f"record #1 (id {record.id})" in page


def test_the_check_appears_in_the_scheduler_status(demo, check, runner):
    check(MORNING)
    status = runner.invoke(args=["scheduler", "status"]).output
    assert "history_check" in status and "verified " in status
