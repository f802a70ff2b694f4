"""The money a partnership's agreement moves: its budget's contribution lines."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseflow.extensions import db

#: Who contributes (para 48: each partner's contributions).
PARTIES = {"organisation": "The organisation", "partner": "The partner"}
#: What a contribution is.
CONTRIBUTION_KINDS = {"cash": "Cash", "supplies": "Supplies or in-kind", "staff": "Staff", "other": "Other"}


class BudgetLine(db.Model):
    """One contribution of the agreed budget. Written by the engine (the agree step's record_budget effect)
    in the step's transaction, and rebuilt from the history by verify: the step's record holds every line."""

    __tablename__ = "budget_lines"
    __table_args__ = (UniqueConstraint("case_id", "position", name="uq_budget_lines_case_id_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    position: Mapped[int]  # the line's place in the agreement, from 1
    party: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    description: Mapped[str | None] = mapped_column(String(200))
