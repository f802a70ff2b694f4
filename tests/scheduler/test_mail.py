"""Notifications are e-mailed through SMTP when MAIL_SERVER is set: each one exactly once."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from caseflow.clock import frozen_at
from caseflow.extensions import db
from caseflow.jobs.mail import deliver_mail
from caseflow.models import Notification
from tests.scheduler.conftest import at
from tests.scheduler.smtp_sink import SmtpSink


@pytest.fixture
def sink(app):
    with SmtpSink() as server:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_SENDER="caseflow@example.org")
        yield server


@pytest.fixture
def due_case(cases):
    """An active partnership whose review falls due on 1 April 2027 and which ends on 1 June 2027."""
    return cases.in_state("active", at=at(2027, 1, 1), proposed_start="2026-12-25", proposed_end="2027-06-01")


def _all_notifications() -> list[Notification]:
    db.session.rollback()
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def test_each_notification_is_mailed_once(app, users, due_case, sweep, sink):
    sweep(at(2027, 4, 2))  # starts the review (the engine tells the owner) and sends the exit notice
    sweep(at(2027, 4, 2, 7))
    sweep(at(2027, 4, 3))

    notes = _all_notifications()
    kinds = sorted(n.kind for n in notes)
    assert "exit_notice" in kinds and "transition:start_review" in kinds
    assert len(sink.messages) == len(notes)
    assert sorted(m["Message-ID"] for m in sink.messages) == sorted(f"<notification-{n.id}@caseflow>" for n in notes)
    assert all(n.emailed_at is not None for n in notes)
    notice = next(m for m in sink.messages if "Exit approaching" in m["Subject"])
    assert notice["To"] == "Olu Officer <officer@example.org>"
    assert "ends on 2027-06-01" in notice.get_content()


def test_two_deliveries_at_once_mail_each_notification_once(app, due_case, sweep, sink):
    with frozen_at(at(2027, 4, 2)):
        app.config["MAIL_SERVER"] = None
        sweep(at(2027, 4, 2))
        app.config["MAIL_SERVER"] = "127.0.0.1"
        start, counts = threading.Barrier(2), []

        def deliver():
            with app.app_context():
                start.wait()
                counts.append(deliver_mail(at(2027, 4, 2)).notified)
                db.session.remove()

        threads = [threading.Thread(target=deliver) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

    notes = _all_notifications()
    assert notes and sum(counts) == len(notes) == len(sink.messages)
    assert len({m["Message-ID"] for m in sink.messages}) == len(notes)


def test_without_a_mail_server_notifications_stay_in_the_app(app, due_case, sweep):
    results = sweep(at(2027, 4, 2))
    assert results["mail"].notified == 0
    notes = _all_notifications()
    assert notes and all(n.emailed_at is None for n in notes)


def test_an_unreachable_mail_server_leaves_the_mail_for_the_next_run(app, due_case, sweep):
    with SmtpSink() as closed:
        port = closed.port
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    results = sweep(at(2027, 4, 2))
    assert results["mail"].failed >= 1 and results["mail"].notified == 0
    assert all(n.emailed_at is None for n in _all_notifications())
