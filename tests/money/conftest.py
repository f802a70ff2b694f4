"""A vetted case whose signed agreement is attached, ready for the officer to record it with a budget."""
from __future__ import annotations

import pytest

from tests.api.conftest import api, secrets  # noqa: F401 - the token fixtures of the API stories

#: An illustrative budget: the organisation's cash in euros, its supplies in dollars, the partner's staff in pounds.
BUDGET = [
    {"party": "organisation", "kind": "cash", "currency": "EUR", "amount": "5000", "description": "Registrars' kits"},
    {"party": "organisation", "kind": "supplies", "currency": "USD", "amount": "2000.50"},
    {"party": "partner", "kind": "staff", "currency": "GBP", "amount": "1000", "description": "Two registrars"},
]


@pytest.fixture
def vetted(cases):
    """A vetted case, its signed agreement attached: the officer's next step is the agreement."""
    case = cases.in_state("vetted")
    cases.attach_signed_agreement(case)
    return case
