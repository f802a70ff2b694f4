"""A case's budget and instalments as of a moment come from its history alone, like its other facts."""
from __future__ import annotations

import datetime as dt

from caseflow.audit.replay import Step, replay

T0 = dt.datetime(2026, 3, 1, 10, tzinfo=dt.timezone.utc)
PLANNED = {"position": 1, "due_on": "2026-04-01", "currency": "USD", "amount": "1500.00", "status": "planned",
           "requested_by_id": None, "released_by_id": None}


def test_the_rows_a_step_wrote_are_those_of_the_moment():
    steps = [Step(1, T0, "agreed", {"changes": {"organisation_cash_usd": [None, "5400.00"]},
                                    "tables": {"budget_lines": [{"position": 1, "amount": "5000.00"}],
                                               "instalments": [PLANNED]}}),
             Step(2, T0 + dt.timedelta(days=40), "active",
                  {"changes": {}, "tables": {"instalments": [{**PLANNED, "status": "requested", "requested_by_id": 1}]}})]
    agreed = replay(steps, T0 + dt.timedelta(days=1))
    assert agreed.tables["instalments"][0]["status"] == "planned" and agreed.facts["organisation_cash_usd"] == "5400.00"
    later = replay(steps, T0 + dt.timedelta(days=41))
    assert later.tables["instalments"][0]["status"] == "requested"
    assert later.tables["budget_lines"] == [{"position": 1, "amount": "5000.00"}]  # untouched by the request
