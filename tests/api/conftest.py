"""API test helpers: a token per role and a client that sends it."""
from __future__ import annotations

import pytest

from caseflow.api import tokens


class ApiClient:
    """The Flask test client, sending a bearer token for one user."""

    def __init__(self, client, secret: str | None):
        self.client, self.secret = client, secret

    def _headers(self, headers):
        sent = {"Authorization": f"Bearer {self.secret}"} if self.secret else {}
        return {**sent, **(headers or {})}

    def get(self, path, headers=None, **kwargs):
        return self.client.get(path, headers=self._headers(headers), **kwargs)

    def post(self, path, json=None, headers=None, **kwargs):
        return self.client.post(path, json=json, headers=self._headers(headers), **kwargs)


@pytest.fixture
def secrets(users):
    """A fresh token secret for each user key: officer, reviewer, reviewer2, auditor, admin..."""
    return {key: tokens.issue(user, "tests")[1] for key, user in users.items()}


@pytest.fixture
def api(client, secrets):
    """`api("reviewer").get("/api/v1/cases")`: requests as that user."""
    return lambda key=None: ApiClient(client, secrets[key] if key else None)
