"""Whatever budget lines an officer writes within the definition's bounds, they are taken whole, their totals
add up in USD, and they fit their columns on each database."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.models import BudgetLine, Case
from caseflow.money.budget import organisation_cash_usd, totals_usd
from caseflow.workflow import current_workflow
from caseflow.workflow.chain_verify import verify_chains
from caseflow.workflow.definition_loader import load_definition
from caseflow.workflow.effects import EFFECTS
from caseflow.workflow.guards import GUARDS
from caseflow.workflow.step_data import validate_step_data
from caseflow import ROOT
from tests.factories import agreement

DEFINITION = load_definition(ROOT / "workflows" / "partnership.yaml", set(GUARDS), set(EFFECTS))
BUDGET = next(f for f in DEFINITION.fields_of("agree") if f.name == "budget")
RATES = DEFINITION.usd_rates
# Text a column holds: no NUL, no lone surrogate.
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=200)
lines = st.lists(st.fixed_dictionaries({
    "party": st.sampled_from(["organisation", "partner"]),
    "kind": st.sampled_from(["cash", "supplies", "staff", "other"]),
    "currency": st.sampled_from(sorted(RATES)),
    "amount": st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**9), places=2),
    "description": TEXT.filter(lambda t: t.strip() == t),
}), min_size=1, max_size=BUDGET.max_rows)


@settings(max_examples=60, deadline=None)
@given(budget=lines)
def test_lines_within_bounds_are_taken_whole_and_add_up(budget):
    taken = validate_step_data((BUDGET,), {"budget": budget})["budget"]
    assert [line["amount"] for line in taken] == [line["amount"] for line in budget]
    totals = totals_usd(taken, RATES)
    assert totals["all"]["total"] == sum((totals[p]["total"] for p in ("organisation", "partner") if p in totals),
                                         Decimal("0.00"))
    assert organisation_cash_usd(taken, RATES) < Decimal("999999999999.99")  # Numeric(14, 2)


@settings(max_examples=10, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(budget=lines)
def test_any_budget_within_bounds_is_stored_as_written_on_each_database(cases, budget):
    case = cases.in_state("vetted")
    cases.attach_signed_agreement(case)
    current_workflow().fire(case.id, "agree", cases.actor("officer"), agreement(budget=budget))
    stored = db.session.scalars(select(BudgetLine).where(BudgetLine.case_id == case.id).order_by(BudgetLine.position)).all()
    assert [(l.currency, l.amount, l.description) for l in stored] == [
        (b["currency"], b["amount"], b["description"] or None) for b in budget]
    assert db.session.get(Case, case.id).organisation_cash_usd == organisation_cash_usd(budget, RATES)
    assert verify_chains(db.session, case_id=case.id).ok
