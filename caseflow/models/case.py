"""A partnership, moved through its states by the workflow engine."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text, literal, literal_column, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseflow.extensions import db
from caseflow.models.types import UTCDateTime, now_utc

COOPERATION_FORMS = {"formal_partnership": "Formal partnership", "collaborative_relationship": "Collaborative relationship"}
RESOURCE_KINDS = {"none": "None", "cash": "Cash", "in_kind": "In-kind"}

#: A running partnership: active, or active again once its review is done.
RUNNING = ("active", "under_review")


def _states_sql(states: tuple[str, ...]) -> str:
    """The partial indexes' WHERE, as the migration writes it: state = 'x' or state IN ('x', 'y')."""
    listed = ", ".join(f"'{s}'" for s in states)
    return f"state = {listed}" if len(states) == 1 else f"state IN ({listed})"


def _due_index(name: str, column: str, states: tuple[str, ...]) -> Index:
    """An index of (state, `column`) over the cases in `states` only (see PARTIAL_INDEXES)."""
    where = text(_states_sql(states))
    return Index(name, "state", column, sqlite_where=where, postgresql_where=where)


#: The date sweeps', notices', queue's and dashboard's indexes: (name, date column, states).
#: Each holds only the cases a query can act on: a state change touches the states it leaves and enters.
#: The state leads the key although it is fixed by the WHERE: SQLite without ANALYZE figures
#: would otherwise prefer `ix_cases_state` (an equality, guessed at 10 rows) to a range on the date.
PARTIAL_INDEXES = (
    ("ix_cases_active_next_review_due", "next_review_due", ("active",)),
    ("ix_cases_under_review_next_review_due", "next_review_due", ("under_review",)),
    ("ix_cases_running_exit_deadline", "exit_deadline", RUNNING),
    ("ix_cases_agreed_proposed_start", "proposed_start", ("agreed",)),
    ("ix_cases_exiting_exit_completion_due", "exit_completion_due", ("exiting",)),
)


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = tuple(_due_index(*index) for index in PARTIAL_INDEXES)

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
    shared_risks_benefits: Mapped[str | None] = mapped_column(Text)  # para 48
    national_alignment: Mapped[str | None] = mapped_column(Text)  # para 47: national plans and ownership
    # The organisation's cash contributions in USD at the definition's rates (the budget's record_budget
    # effect): what the small-scale cap of para 31 is checked against.
    organisation_cash_usd: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # The instalments released so far, in USD (approve_release): never more than organisation_cash_usd.
    released_usd: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
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


#: The case list's sorts (caseflow.cases.listing.SORTS), each ending in the tie-break on the id, newest first:
#: a page of fifty is then read in order, where a column alone left its ties (say the two thirds of the
#: cases with the same end date) to be sorted whole. Only a title, an end date and a transition's updated_at
#: move an entry. The review date has none: PostgreSQL then reads it for the sweeps and the queue instead
#: of the partial indexes above (tests/test_query_plans.py), and the list's review sort reads those.
SORT_INDEXES = {"ix_cases_title_id": ("title", "id DESC"), "ix_cases_proposed_end_id": ("proposed_end", "id DESC"),
                "ix_cases_updated_at_id": ("updated_at", "id")}
for _name, (_column, _tie) in SORT_INDEXES.items():
    Index(_name, Case.__table__.c[_column], literal_column(_tie))


def in_state(*states: str):
    """SQL: the case is in one of `states`, written as literals so the planner can use the partial indexes.

    A planner uses a partial index only if the query's WHERE implies the index's; PostgreSQL's
    generic plans (psycopg prepares a statement after five runs) cannot see a bound value.
    """
    if len(states) == 1:
        return Case.state == literal(states[0], literal_execute=True)
    return Case.state.in_([literal(s, literal_execute=True) for s in states])
