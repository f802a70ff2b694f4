"""A partner in the directory for the partner tests."""
from __future__ import annotations

import pytest

from caseflow.extensions import db
from caseflow.models import Organisation


@pytest.fixture
def tostan(app):
    """Tostan, a national NGO in Senegal, already in the directory."""
    partner = Organisation(name="Tostan", type="national_ngo", country="Senegal", level="country")
    db.session.add(partner)
    db.session.commit()
    return partner
