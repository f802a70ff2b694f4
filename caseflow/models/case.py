"""A partnership, moved through its states by the workflow engine."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.extensions import db
from caseflow.models.types import UTCDateTime, now_utc

COOPERATION_FORMS = {"formal_partnership": "Formal partnership", "collaborative_relationship": "Collaborative relationship"}
RESOURCE_KINDS = {"none": "None", "cash": "Cash", "in_kind": "In-kind"}


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_state_next_review_due", "state", "next_review_due"),
        Index("ix_cases_state_exit_deadline", "state", "exit_deadline"),
        Index("ix_cases_state_proposed_start", "state", "proposed_start"),
        Index("ix_cases_state_exit_completion_due", "state", "exit_completion_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    partner_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    objectives: Mapped[str | None] = mapped_column(Text)
    results_for_children: Mapped[str | None] = mapped_column(Text)
    cooperation_form: Mapped[str] = mapped_column(String(40))
    resources: Mapped[str] = mapped_column(String(20), default="none")
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    office: Mapped[str] = mapped_column(String(120), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(default=1)

    proposed_start: Mapped[dt.date | None] = mapped_column(Date)
    proposed_end: Mapped[dt.date | None] = mapped_column(Date)
    actual_start: Mapped[dt.date | None] = mapped_column(Date)
    next_review_due: Mapped[dt.date | None] = mapped_column(Date)
    exit_deadline: Mapped[dt.date | None] = mapped_column(Date)
    exit_completion_due: Mapped[dt.date | None] = mapped_column(Date)
    review_interval_months: Mapped[int | None]

    agreement_type: Mapped[str | None] = mapped_column(String(40))
    agreement_reference: Mapped[str | None] = mapped_column(String(80))
    agreement_signed_on: Mapped[dt.date | None] = mapped_column(Date)
    contributions: Mapped[str | None] = mapped_column(Text)
    roles_responsibilities: Mapped[str | None] = mapped_column(Text)
    operational_targets: Mapped[str | None] = mapped_column(Text)
    monitoring_arrangement: Mapped[str | None] = mapped_column(Text)
    exit_conditions: Mapped[str | None] = mapped_column(Text)
    agreement_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    exit_plan: Mapped[str | None] = mapped_column(Text)
    closure_reason: Mapped[str | None] = mapped_column(String(40))

    # The head of the history chain, kept on the row so a transition needs no extra read.
    history_seq: Mapped[int] = mapped_column(default=0)
    history_head: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    partner: Mapped["Organisation"] = relationship(back_populates="cases")  # noqa: F821
    owner: Mapped["User"] = relationship(foreign_keys=[owner_id])  # noqa: F821
    proposed_by: Mapped["User | None"] = relationship(foreign_keys=[proposed_by_id])  # noqa: F821
    reviewer: Mapped["User | None"] = relationship(foreign_keys=[reviewer_id])  # noqa: F821
    agreement_recorded_by: Mapped["User | None"] = relationship(foreign_keys=[agreement_recorded_by_id])  # noqa: F821

    @property
    def reference(self) -> str:
        """The case number people quote: CF-000042."""
        return f"CF-{self.id:06d}"

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.state}>"
