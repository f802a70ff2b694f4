"""A session ends by itself after an idle hour or a long day; people change their own password; behind a
proxy, the sign-in limits count the people's addresses, not the proxy's."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from caseflow import create_app
from caseflow.clock import set_clock
from caseflow.config import ConfigError
from caseflow.extensions import db
from caseflow.models import User
from tests.auth.conftest import forget_cached_user, signed_in
from tests.factories import PASSWORD, make_users

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
NEW = "a much longer new password"


def at(**delta) -> None:
    set_clock(T0 + dt.timedelta(**delta))


def change(client, current=PASSWORD, new=NEW, confirm=None):
    forget_cached_user()
    return client.post("/account/password", data={"current_password": current, "new_password": new,
                                                  "confirm": new if confirm is None else confirm})


def test_an_hour_without_a_request_ends_the_session_and_the_sign_in_page_says_why(client, users, log_in):
    at(minutes=0)
    log_in("officer@example.org")
    at(minutes=59)
    assert signed_in(client)
    at(minutes=59 + 61)
    forget_cached_user()
    answer = client.get("/cases?state=active")
    assert answer.status_code == 302 and "/login?next=/cases?state%3Dactive" in answer.headers["Location"]
    assert "signed out after 1 hour without activity" in client.get("/login").get_data(as_text=True)
    assert not signed_in(client)


def test_a_busy_session_still_ends_twelve_hours_after_sign_in(client, users, log_in):
    at(minutes=0)
    log_in("reviewer@example.org")
    for minutes in range(50, 12 * 60, 50):  # a request every 50 minutes all day long
        at(minutes=minutes)
        assert signed_in(client), minutes
    at(hours=12, minutes=1)
    assert not signed_in(client)


def test_keep_me_signed_in_outlasts_an_idle_hour(client, users, log_in):
    at(minutes=0)
    log_in("officer@example.org", remember=True)
    at(hours=20)
    assert signed_in(client)


def test_the_idle_and_longest_spans_are_settings_refused_when_not_positive(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEFLOW_SESSION_IDLE_MINUTES", "0")
    with pytest.raises(ConfigError, match="CASEFLOW_SESSION_IDLE_MINUTES must be at least 1"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "CHECK_DATABASE_ON_START": False})


def test_a_user_changes_their_password_and_every_other_session_ends(app, client, users, log_in):
    log_in("officer@example.org")
    phone = app.test_client()
    log_in("officer@example.org", other=phone)
    page = client.get("/account/password").get_data(as_text=True)
    assert 'name="current_password"' in page and 'autocomplete="new-password"' in page
    answer = change(client)
    assert answer.status_code == 303
    assert signed_in(client) and not signed_in(phone)
    assert log_in("officer@example.org", other=app.test_client()).status_code == 401  # the old password
    assert log_in("officer@example.org", NEW, other=app.test_client()).status_code == 302


@pytest.mark.parametrize("current, new, confirm, field, message", [
    ("wrong password", NEW, None, "current_password", "This is not your current password."),
    (PASSWORD, "short", None, "new_password", "10 to 200 characters"),
    (PASSWORD, NEW, NEW + "!", "confirm", "The two new passwords differ."),
    (PASSWORD, PASSWORD, None, "new_password", "Choose a password other than the current one."),
    (PASSWORD, "x" * 201, None, "new_password", "10 to 200 characters"),
])
def test_a_refused_change_says_why_beside_the_field_and_changes_nothing(client, users, log_in, current, new,
                                                                      confirm, field, message):
    log_in("officer@example.org")
    hash_before = db.session.get(User, users["officer"].id).password_hash
    answer = change(client, current, new, confirm)
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, users["officer"].id).password_hash == hash_before
    assert signed_in(client)


def test_wrong_current_passwords_count_as_failed_sign_ins(client, users, log_in):
    at(minutes=0)
    log_in("officer@example.org")
    for _ in range(4):
        change(client, current="guess")
    db.session.expire_all()
    assert db.session.get(User, users["officer"].id).failed_sign_ins == 4
    answer = change(client)  # the right one, during the wait it earned
    assert answer.status_code == 422 and "wait a few minutes" in answer.get_data(as_text=True)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/account/password").status_code == 302


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_in_any_field_is_an_answer_not_a_crash(client, users, log_in, text):
    log_in("auditor@example.org")
    answer = change(client, current=text, new=text, confirm=text)
    assert answer.status_code in (303, 422)


@pytest.fixture
def app_behind_a_proxy(database_url):
    def build(count):
        return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "t",
                           "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
                           "CASEFLOW_LOGIN_LIMIT": "2 per minute", "CASEFLOW_ENV": "testing",
                           "CASEFLOW_PROXY_COUNT": count})
    return build


@pytest.mark.parametrize("count, other_address_limited", [(1, False), (0, True)])
def test_behind_a_proxy_the_limit_counts_each_forwarded_address(app_behind_a_proxy, log_in, count,
                                                                other_address_limited):
    app = app_behind_a_proxy(count)
    with app.app_context():
        make_users()
        client = app.test_client()

        def attempt(address):
            return log_in("admin@example.org", "wrong", other=client,
                          HTTP_X_FORWARDED_FOR=address, REMOTE_ADDR="10.0.0.1").status_code

        assert [attempt("203.0.113.5"), attempt("203.0.113.5")] == [401, 401]
        assert attempt("203.0.113.5") == 429
        # Without trusting the proxy every person shares its address, and one person's failures block all.
        assert (attempt("198.51.100.7") == 429) is other_address_limited
        db.session.remove()
        db.engine.dispose()
