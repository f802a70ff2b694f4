"""Fixtures for the audit tests: the demo data (signing in is `sign_in` in tests/conftest.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from caseflow.clock import set_clock, today


@pytest.fixture
def demo(app, runner):
    """Load the demo partners, users and cases (walked through the engine with a set clock)."""
    # The demo stamps today's steps at fixed hours (up to 15:00 UTC); run the clock at the end of
    # today so "now" is after every demo record whatever the hour the tests run.
    set_clock(dt.datetime.combine(today(), dt.time(23, 0), tzinfo=dt.timezone.utc))
    result = runner.invoke(args=["demo", "--quiet"])
    assert result.exit_code == 0, result.output
    return result
