"""Helpers for the web pages' tests (signing in is `sign_in` in tests/conftest.py)."""
from __future__ import annotations

import pytest


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
