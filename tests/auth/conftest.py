"""Helpers for the sign-in tests: real sign-ins through the form, and cookies carried to other clients."""
from __future__ import annotations

import pytest
from flask import g

from tests.factories import PASSWORD


def forget_cached_user() -> None:
    """Forget the user Flask-Login cached on `g`: the tests' app context outlives each request."""
    g.pop("_login_user", None)


def signed_in(client) -> bool:
    """Tell whether `client` is signed in (a page that needs a session answers 200, not a redirect)."""
    forget_cached_user()
    return client.get("/cases").status_code == 200


@pytest.fixture
def log_in(client):
    """log_in(email, password=PASSWORD, other=None, remember=False, **environ): sign in through the form."""

    def post(email, password=PASSWORD, other=None, remember=False, **environ):
        forget_cached_user()
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return (other or client).post("/login", data=data, environ_base=environ)

    return post


def copy_cookie(source, target, name: str) -> str:
    """Copy the cookie `name` of the test client `source` into `target`; return its value."""
    cookie = source.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    target.set_cookie(name, cookie.value)
    return cookie.value
