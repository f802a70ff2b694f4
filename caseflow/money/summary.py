"""What the case page and the API show of a case's money: its budget per party in USD, its instalments
(planned, requested, released) and the released total against the organisation's cash budget."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from caseflow.extensions import db
from caseflow.models import BudgetLine, Instalment
from caseflow.money.budget import in_usd, totals_usd


@dataclass(frozen=True)
class MoneySummary:
    lines: list  # (BudgetLine, its amount in USD), in position order
    totals: dict  # party -> kind -> USD, party -> "total", "all" -> "total" (budget.totals_usd)
    instalments: list  # (Instalment, its amount in USD), in position order
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
    lines = db.session.scalars(select(BudgetLine).where(BudgetLine.case_id == case.id).order_by(BudgetLine.position)).all()
    instalments = db.session.scalars(select(Instalment).where(Instalment.case_id == case.id)
                                     .order_by(Instalment.position)).all()
    if not lines and not instalments:
        return None
    return MoneySummary(lines=[(line, in_usd(line.amount, line.currency, rates)) for line in lines], totals=totals_usd(lines, rates),
                        instalments=[(i, in_usd(i.amount, i.currency, rates)) for i in instalments],
                        budget_usd=case.organisation_cash_usd, released_usd=case.released_usd or Decimal("0.00"))
