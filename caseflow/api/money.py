"""The money of a case as the API shows it (caseflow/money/summary.py): amounts as decimal text, in USD where named."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from caseflow.money.summary import MoneySummary, money_of
from caseflow.workflow import current_workflow

_AMOUNT = {"required": True, "metadata": {"description": "A decimal number as text."}}


class BudgetLineOut(ma.Schema):
    position = fields.Integer(required=True)
    party = fields.String(required=True)
    kind = fields.String(required=True)
    currency = fields.String(required=True)
    amount = fields.Decimal(as_string=True, **_AMOUNT)
    usd = fields.Decimal(as_string=True, **_AMOUNT)
    description = fields.String(required=True, allow_none=True)


class InstalmentOut(ma.Schema):
    position = fields.Integer(required=True)
    due_on = fields.Date(required=True)
    currency = fields.String(required=True)
    amount = fields.Decimal(as_string=True, **_AMOUNT)
    usd = fields.Decimal(as_string=True, **_AMOUNT)
    status = fields.String(required=True, metadata={"description": "planned, requested or released"})


class Money(ma.Schema):
    """A case's budget and instalments; the released total never exceeds `budget_usd`, the organisation's cash."""

    lines = fields.List(fields.Nested(BudgetLineOut), required=True)
    totals = fields.Dict(keys=fields.String(), values=fields.Decimal(as_string=True), required=True,
                         metadata={"description": "Each party's total in USD."})
    budget_usd = fields.Decimal(as_string=True, required=True, allow_none=True)
    released_usd = fields.Decimal(as_string=True, **_AMOUNT)
    requested_usd = fields.Decimal(as_string=True, **_AMOUNT)
    planned_usd = fields.Decimal(as_string=True, **_AMOUNT)
    instalments = fields.List(fields.Nested(InstalmentOut), required=True)


def money_payload(case) -> dict | None:
    """The case's money for the Money schema, or None when its agreement has none."""
    summary: MoneySummary | None = money_of(case, current_workflow().definition.usd_rates)
    if summary is None:
        return None
    return {"lines": [{**_columns(line, "position", "party", "kind", "currency", "amount", "description"), "usd": usd}
                      for line, usd in summary.lines],
            "totals": {party: kinds["total"] for party, kinds in summary.totals.items() if party != "all"},
            "budget_usd": summary.budget_usd, "released_usd": summary.released_usd,
            "requested_usd": summary.status_usd("requested"), "planned_usd": summary.status_usd("planned"),
            "instalments": [{**_columns(i, "position", "due_on", "currency", "amount", "status"), "usd": usd}
                            for i, usd in summary.instalments]}


def _columns(row, *names) -> dict:
    return {name: getattr(row, name) for name in names}
