"""The money a partnership's agreement moves: its budget's contribution lines and its planned instalments."""
from __future__ import annotations

from decimal import Decimal

import datetime as dt

from sqlalchemy import Date, ForeignKey, Numeric, String, UniqueConstraint, exists
from sqlalchemy.orm import Mapped, column_property, mapped_column

from caseflow.extensions import db
from caseflow.models.case import Case

#: Who contributes (para 48: each partner's contributions).
PARTIES = {"organisation": "The organisation", "partner": "The partner"}
#: What a contribution is.
CONTRIBUTION_KINDS = {"cash": "Cash", "supplies": "Supplies or in-kind", "staff": "Staff", "other": "Other"}
#: Where an instalment stands: planned by the agreement, requested by the officer, released by a second person.
INSTALMENT_STATUSES = {"planned": "Planned", "requested": "Requested", "released": "Released"}


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


class Instalment(db.Model):
    """One planned disbursement of the agreement, and where its release stands. Every step that changes one
    (agree, request_release, approve_release, reject_release) records all of the case's instalments in its
    history record, so verify rebuilds them."""

    __tablename__ = "instalments"
    __table_args__ = (UniqueConstraint("case_id", "position", name="uq_instalments_case_id_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    position: Mapped[int]  # its number in the plan, from 1: what the officer names when requesting it
    due_on: Mapped[dt.date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(20), default="planned")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


# Whether a case has money rows at all, read in the same statement as the case where asked for (undefer): the
# API's answer to a step then reads the rows only for a case that has some (each round trip counts there).
Case.has_money = column_property(
    exists().where(BudgetLine.case_id == Case.id) | exists().where(Instalment.case_id == Case.id), deferred=True)
