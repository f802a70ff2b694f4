"""Helpers for the web pages' tests: sign a test client in as a user."""
from __future__ import annotations

import pytest
from flask import g


def sign_in_as(client, user):
    """Make `client` signed in as `user` (and forget the user cached for the previous client)."""
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    return client


@pytest.fixture
def sign_in(client):
    """sign_in(user) signs the test client in as `user` and returns it."""
    return lambda user, other=None: sign_in_as(other or client, user)


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def ngo(app):
    """A partner in the directory, for cases proposed with an existing partner."""
    from caseflow.extensions import db
    from caseflow.models import Organisation

    partner = Organisation(name="Plan International", type="international_ngo", country="Liberia", level="global")
    db.session.add(partner)
    db.session.commit()
    return partner
