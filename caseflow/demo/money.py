"""The demo's budgets and instalments: for fictional partners only (docs/demo.md), every figure illustrative.

A fictional partnership that moves resources is agreed with a budget built from its `amount`: the
organisation's contribution (cash, or supplies for an in-kind transfer), the partner's staff at a fifth
of it, and, for cash, four equal instalments a quarter apart from the start. A running one has its
first instalment requested by its officer and released by a reviewer on its start day.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

ILLUSTRATIVE = "Illustrative figure (demo data)"
RUNNING_TARGETS = ("active", "under_review", "exiting", "discontinued")


def agreement_money(spec: dict, start: dt.date) -> dict:
    """The agree step's budget, instalments, shared risks and national alignment for a fictional partnership."""
    amount, currency = Decimal(spec["amount"]), spec.get("currency") or "USD"
    cash = spec["resources"] == "cash"
    budget = [{"party": "organisation", "kind": "cash" if cash else "supplies", "currency": currency,
               "amount": str(amount), "description": ILLUSTRATIVE},
              {"party": "partner", "kind": "staff", "currency": currency, "amount": str((amount / 5).quantize(Decimal("0.01"))),
               "description": ILLUSTRATIVE}]
    quarter = (amount / 4).quantize(Decimal("0.01"))
    instalments = [{"due_on": start + dt.timedelta(days=91 * n), "currency": currency, "amount": str(quarter)}
                   for n in range(4)] if cash else []
    return {"budget": budget, "instalments": instalments,
            "shared_risks_benefits": "Illustrative: delays and their costs are shared; both partners report the results.",
            "national_alignment": "Illustrative: the activities follow the national sector plan and its ministry leads."}


def releases_first(spec: dict) -> bool:
    """Whether the demo releases the partnership's first instalment on its start day."""
    return spec["resources"] == "cash" and spec["target"] in RUNNING_TARGETS
