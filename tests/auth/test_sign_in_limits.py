"""Failed sign-ins are limited per account as well as per address: after a few failures the account
waits, longer each time up to a window, whatever address the attempts come from; an admin lifts it."""
from __future__ import annotations

import datetime as dt

import pytest

from caseflow import create_app
from caseflow.clock import set_clock
from caseflow.extensions import db
from caseflow.models import User
from tests.factories import PASSWORD, make_users

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


def at(seconds: float) -> None:
    set_clock(T0 + dt.timedelta(seconds=seconds))


@pytest.fixture
def limited_app(database_url):
    """An app whose per-address limiter is on (10 failures a minute), as in production."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "t",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
                      "CASEFLOW_LOGIN_LIMIT": "10 per minute", "CASEFLOW_ENV": "testing"})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_thirty_wrong_passwords_from_thirty_addresses_hold_the_account_back_whatever_the_address(limited_app, log_in):
    make_users()
    client = limited_app.test_client()
    at(0)
    codes = [log_in("admin@example.org", "wrong", other=client, REMOTE_ADDR=f"203.0.113.{n}").status_code
             for n in range(1, 31)]
    assert codes == [401] * 30  # no single address reached the per-address limit
    assert log_in("admin@example.org", other=client, REMOTE_ADDR="198.51.100.7").status_code == 401
    at(15 * 60 + 1)  # the lockout window has passed since the last failure
    assert log_in("admin@example.org", other=client, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_the_first_failures_cost_nothing_then_each_one_makes_the_account_wait_twice_as_long(client, users, log_in):
    at(0)
    for _ in range(3):
        assert log_in("officer@example.org", "wrong").status_code == 401
    assert log_in("officer@example.org").status_code == 302  # three failures: no wait, and the count starts over
    client.post("/logout")
    waits = []
    for failure in range(1, 8):
        log_in("officer@example.org", "wrong")
        blocked_until = db.session.get(User, users["officer"].id).sign_in_blocked_until
        waits.append(None if blocked_until is None else (blocked_until - T0).total_seconds())
        if blocked_until is not None:
            at((blocked_until - T0).total_seconds())  # wait it out, then fail again
    assert waits[:3] == [None, None, None]
    assert [b - a for a, b in zip([0] + waits[3:], waits[3:])] == [1, 2, 4, 8]


def test_the_wait_never_exceeds_the_lockout_window(app, users):
    from caseflow.auth.signin import delay_after

    assert [delay_after(n).total_seconds() for n in (1, 3, 4, 5, 13, 14, 40, 10**6)] == [0, 0, 1, 2, 512, 900, 900, 900]


def test_the_right_password_during_the_wait_is_refused_and_the_attempt_does_not_lengthen_it(client, users, log_in):
    at(0)
    for _ in range(4):
        log_in("reviewer@example.org", "wrong")
    blocked_until = db.session.get(User, users["reviewer"].id).sign_in_blocked_until
    assert blocked_until == T0 + dt.timedelta(seconds=1)
    at(0.5)
    assert log_in("reviewer@example.org").status_code == 401
    assert log_in("reviewer@example.org", "wrong again").status_code == 401
    assert db.session.get(User, users["reviewer"].id).sign_in_blocked_until == blocked_until
    at(1)
    assert log_in("reviewer@example.org").status_code == 302
    assert db.session.get(User, users["reviewer"].id).failed_sign_ins == 0


def test_an_admin_lets_a_held_back_account_sign_in_again_on_the_users_page(app, client, users, log_in, sign_in):
    at(0)
    for _ in range(4):
        log_in("auditor@example.org", "wrong")
    assert log_in("auditor@example.org").status_code == 401
    admin = sign_in(users["admin"], app.test_client())
    assert "Reset 4 failed sign-ins" in admin.get("/admin/users").text
    assert admin.post(f"/admin/users/{users['auditor'].id}/sign-in-failures").status_code == 302
    assert log_in("auditor@example.org").status_code == 302


def test_a_non_admin_cannot_reset_failed_sign_ins(app, users, sign_in):
    officer = sign_in(users["officer"], app.test_client())
    assert officer.post(f"/admin/users/{users['auditor'].id}/sign-in-failures").status_code == 403


def test_an_admin_lets_a_held_back_account_sign_in_again_on_the_command_line(runner, users, log_in):
    at(0)
    for _ in range(4):
        log_in("auditor@example.org", "wrong")
    result = runner.invoke(args=["user", "reset-sign-in", "Auditor@example.org"])
    assert result.exit_code == 0 and "4 failed sign-in(s) cleared" in result.output
    assert log_in("auditor@example.org").status_code == 302
    unknown = runner.invoke(args=["user", "reset-sign-in", "nobody@example.org"])
    assert unknown.exit_code != 0 and "no user nobody@example.org" in unknown.output


def test_failed_sign_ins_made_at_the_same_moment_all_count(app, users):
    import threading

    app.config["CASEFLOW_SIGN_IN_FREE_FAILURES"] = 1000  # count only; no waits in the way
    barrier, codes = threading.Barrier(6), []

    def fail_once():
        client = app.test_client()
        barrier.wait(timeout=30)
        codes.append(client.post("/login", data={"email": "officer@example.org", "password": "wrong"}).status_code)

    threads = [threading.Thread(target=fail_once) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    db.session.expire_all()
    assert codes == [401] * 6 and db.session.get(User, users["officer"].id).failed_sign_ins == 6
