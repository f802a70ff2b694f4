"""What the case page and the API show of a case's money: its budget per party in USD, its instalments
(planned, requested, released) and the released total against the organisation's cash budget."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import bindparam, cast, literal, null, select, union_all

from caseflow.extensions import db
from caseflow.models import BudgetLine, Instalment
from caseflow.money.budget import in_usd, totals_usd


@dataclass(frozen=True)
class MoneySummary:
    lines: list  # (a budget line's row, its amount in USD), in position order
    totals: dict  # party -> kind -> USD, party -> "total", "all" -> "total" (budget.totals_usd)
    instalments: list  # (an instalment's row, its amount in USD), in position order
    budget_usd: Decimal | None  # the organisation's cash: what may be released
    released_usd: Decimal

    def status_usd(self, status: str) -> Decimal:
        """The instalments of `status` (planned, requested, released) in USD."""
        return sum((usd for i, usd in self.instalments if i.status == status), Decimal("0.00"))

    @property
    def released_share(self) -> float | None:
        """Released / budget, 0 to 1; None without a budget."""
        return float(self.released_usd / self.budget_usd) if self.budget_usd else None


def money_of(case, rates: dict[str, float]) -> MoneySummary | None:
    """The case's money as stored, or None when its agreement has neither a budget nor instalments."""
    lines, instalments = [], []
    if "has_money" in case.__dict__ and not case.has_money:  # read with the case (undefer): none to read
        return None
    # One statement for both tables: the API's answer to a step reads it, and each round trip counts there.
    for row in db.session.execute(_MONEY_ROWS, {"case_id": case.id}):
        (lines if row.row == "line" else instalments).append(row)
    if not lines and not instalments:
        return None
    return MoneySummary(lines=[(line, in_usd(line.amount, line.currency, rates)) for line in lines], totals=totals_usd(lines, rates),
                        instalments=[(i, in_usd(i.amount, i.currency, rates)) for i in instalments],
                        budget_usd=case.organisation_cash_usd, released_usd=case.released_usd or Decimal("0.00"))


def _money_rows():
    """Budget lines and instalments of one case, in position order, as rows with the columns the pages show."""
    def absent(type_):
        return cast(null(), type_)

    lines = select(literal("line").label("row"), BudgetLine.position, BudgetLine.party, BudgetLine.kind,
                   BudgetLine.currency, BudgetLine.amount, BudgetLine.description,
                   absent(Instalment.due_on.type).label("due_on"), absent(Instalment.status.type).label("status")
                   ).where(BudgetLine.case_id == bindparam("case_id"))
    planned = select(literal("instalment"), Instalment.position, absent(BudgetLine.party.type),
                     absent(BudgetLine.kind.type), Instalment.currency, Instalment.amount,
                     absent(BudgetLine.description.type), Instalment.due_on, Instalment.status
                     ).where(Instalment.case_id == bindparam("case_id"))
    both = union_all(lines, planned).subquery()
    return select(both).order_by(both.c.row, both.c.position)


_MONEY_ROWS = _money_rows()
