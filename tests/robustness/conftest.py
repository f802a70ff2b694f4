"""The fuzz test's world: a case in each state with its documents, comments and notifications, and a signed-in
client per role holding a real CSRF token (CSRF protection is on here, unlike the rest of the tests)."""
from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field

import pytest
from flask import g

from caseflow.api import tokens
from caseflow.extensions import db
from caseflow.models import Case, Document, Notification, Organisation, User
from tests.conftest import sign_in_as

ROLES = ("officer", "reviewer", "auditor", "admin", None)  # None: nobody signed in
STATES = ("proposed", "vetted", "agreed", "active", "under_review", "exiting", "discontinued")
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RUNS: list[tuple[str, Counter]] = []  # (test id, counts) for the summary at the end of the run


@dataclass
class Stats:
    """What a fuzz run sent and got back."""

    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())


class World:
    """The users, their clients, tokens and the rows whose ids the fuzzer puts in paths."""

    def __init__(self, app, users, cases):
        app.config["WTF_CSRF_ENABLED"] = True
        self.app, self.users = app, users
        for state in STATES:
            cases.in_state(state)
        case = db.session.get(Case, 1)
        cases.attach_signed_agreement(case)
        for key in ("officer", "reviewer"):
            db.session.add(Notification(user_id=users[key].id, case_id=case.id, kind="review_due",
                                        message="A review is due.", dedup_key=f"fuzz-{key}"))
        db.session.commit()
        self.ids = sorted({row for model in (Case, Document, Notification, Organisation, User)
                           for row in db.session.scalars(db.select(model.id))} | {1, 2})
        self.api_secrets = {role: tokens.issue(users[role], "fuzz")[1] for role in ROLES if role}
        self.clients = {role: app.test_client() for role in ROLES}
        self._tokens: dict[str | None, tuple[str | None, str]] = {}
        self.stats = Stats()

    def client(self, role: str | None):
        """The role's client, signed in again (a fuzzed sign-out or sign-in may have changed it)."""
        client = self.clients[role]
        # The tests' app context outlives requests: Flask-Login and Flask-WTF cache the user and the token in g.
        g.pop("_login_user", None)
        g.pop("csrf_token", None)
        if role is None:
            with client.session_transaction() as session:
                session.pop("_user_id", None)
        else:
            user = db.session.get(User, self.users[role].id)
            sign_in_as(client, user)
        return client

    def csrf_token(self, role: str | None) -> str:
        """A real CSRF token for the role's session, read from a page as a browser would."""
        client = self.clients[role]
        with client.session_transaction() as session:
            raw = session.get("csrf_token")
        cached = self._tokens.get(role)
        if cached is None or cached[0] != raw or raw is None:
            g.pop("_login_user", None)
            g.pop("csrf_token", None)
            page = client.get("/login" if role is None else "/", follow_redirects=True).get_data(as_text=True)
            with client.session_transaction() as session:
                raw = session.get("csrf_token")
            cached = (raw, CSRF_INPUT.search(page).group(1))
            self._tokens[role] = cached
        return cached[1]


@pytest.fixture
def world(app, users, cases):
    return World(app, users, cases)


def pytest_terminal_summary(terminalreporter):
    for test_id, statuses in RUNS:
        total = sum(statuses.values())
        server_errors = sum(n for status, n in statuses.items() if status >= 500)
        classes = Counter()
        for status, n in statuses.items():
            classes[f"{status // 100}xx"] += n
        by_class = ", ".join(f"{name}: {n}" for name, n in sorted(classes.items()))
        terminalreporter.write_line(f"fuzz {test_id}: {total} requests, {server_errors} answered 5xx ({by_class})")
        if os.environ.get("CASEFLOW_FUZZ_EXAMPLES"):
            terminalreporter.write_line("  by status: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
