"""An officer records the agreement with its budget: the lines are stored beside the case, in its history,
and rebuilt by verify; the small-scale cap is read from the organisation's cash."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from caseflow.extensions import db
from caseflow.models import BudgetLine, Case, HistoryRecord
from caseflow.workflow import GuardFailed, InvalidData
from caseflow.workflow.chain_verify import verify_chains
from tests.factories import agreement
from tests.money.conftest import BUDGET


def _lines(case_id: int) -> list[BudgetLine]:
    return db.session.scalars(select(BudgetLine).where(BudgetLine.case_id == case_id)
                              .order_by(BudgetLine.position)).all()


def test_the_agreed_budget_is_stored_line_by_line_hashed_and_verified(cases, vetted):
    cases.workflow.fire(vetted.id, "agree", cases.actor("officer"), agreement(
        budget=BUDGET, shared_risks_benefits="Both carry the delay risk.", national_alignment="The national civil registration plan."))
    case = db.session.get(Case, vetted.id)
    assert case.state == "agreed" and case.organisation_cash_usd == Decimal("5400.00")  # 5,000 EUR at 1.08
    assert case.shared_risks_benefits == "Both carry the delay risk." and case.national_alignment.startswith("The national")
    lines = _lines(case.id)
    assert [(l.position, l.party, l.kind, l.currency, l.amount) for l in lines] == [
        (1, "organisation", "cash", "EUR", Decimal("5000.00")), (2, "organisation", "supplies", "USD", Decimal("2000.50")),
        (3, "partner", "staff", "GBP", Decimal("1000.00"))]
    record = db.session.scalar(select(HistoryRecord).where(HistoryRecord.case_id == case.id, HistoryRecord.trigger == "agree"))
    recorded = json.loads(record.data)["tables"]["budget_lines"]
    assert [r["amount"] for r in recorded] == ["5000.00", "2000.50", "1000.00"]
    assert verify_chains(db.session, case_id=case.id).ok


def test_a_budget_line_changed_behind_the_engines_back_is_named_by_verify(cases, vetted):
    cases.workflow.fire(vetted.id, "agree", cases.actor("officer"), agreement(budget=BUDGET))
    db.session.execute(text("UPDATE budget_lines SET amount = 50000 WHERE position = 1"))
    db.session.commit()
    result = verify_chains(db.session, case_id=vetted.id)
    assert not result.ok and "budget_lines row" in result.broken.reason and "'5000.00'" in result.broken.reason


def test_a_removed_budget_line_is_named_by_verify(cases, vetted):
    cases.workflow.fire(vetted.id, "agree", cases.actor("officer"), agreement(budget=BUDGET))
    db.session.execute(text("DELETE FROM budget_lines WHERE position = 3"))
    db.session.commit()
    broken = verify_chains(db.session).broken
    assert broken.case_id == vetted.id and "2 rows in budget_lines but its history says 3" in broken.reason


def test_a_small_scale_agreement_is_capped_on_the_organisations_cash(cases, vetted):
    over = [{"party": "organisation", "kind": "cash", "currency": "EUR", "amount": "9500"},  # 10,260 USD
            {"party": "partner", "kind": "cash", "currency": "USD", "amount": "50000"}]
    with pytest.raises(GuardFailed) as refused:
        cases.workflow.fire(vetted.id, "agree", cases.actor("officer"), agreement(agreement_type="ssfa", budget=over))
    assert "10,260.00 USD" in str(refused.value.reasons) and "organisation's cash" in str(refused.value.reasons)
    assert db.session.get(Case, vetted.id).state == "vetted" and _lines(vetted.id) == []
    within = [{**over[0], "amount": "9000"}, over[1]]  # 9,720 USD; the partner's money does not count
    cases.workflow.fire(vetted.id, "agree", cases.actor("officer"), agreement(agreement_type="ssfa", budget=within))
    assert db.session.get(Case, vetted.id).organisation_cash_usd == Decimal("9720.00")


def test_a_small_scale_agreement_without_a_budget_is_still_judged_on_its_amount(cases, vetted):
    cases.workflow.fire(vetted.id, "agree", cases.actor("officer"), agreement(agreement_type="ssfa"))
    case = db.session.get(Case, vetted.id)
    assert case.state == "agreed" and case.organisation_cash_usd is None and _lines(case.id) == []


@pytest.mark.parametrize("line, message", [
    ({"amount": "0"}, "row 1, amount: 0.00 is less than 0.01"),
    ({"amount": "-5"}, "row 1, amount: '-5' is not a number of zero or more"),
    ({"amount": "5000000000"}, "row 1, amount: 5,000,000,000.00 is more than 1,000,000,000"),
    ({"currency": "XYZ"}, "row 1, currency: 'XYZ' is not an ISO 4217 currency code"),
    ({"currency": "AUD"}, "row 1, currency: AUD has no USD rate in the workflow definition"),
    ({"party": "donor"}, "row 1, party: must be one of organisation, partner"),
    ({"amount": None}, "row 1, amount: is required"),
])
def test_a_bad_budget_line_is_refused_naming_its_row_and_cell_and_nothing_changes(cases, vetted, line, message):
    with pytest.raises(InvalidData) as refused:
        cases.workflow.fire(vetted.id, "agree", cases.actor("officer"), agreement(budget=[{**BUDGET[0], **line}]))
    assert refused.value.errors["budget"].startswith(message)
    assert db.session.get(Case, vetted.id).state == "vetted" and _lines(vetted.id) == []


def test_more_lines_than_the_definition_allows_are_refused(cases, vetted):
    with pytest.raises(InvalidData) as refused:
        cases.workflow.fire(vetted.id, "agree", cases.actor("officer"), agreement(budget=[BUDGET[1]] * 41))
    assert refused.value.errors == {"budget": "has 41 rows; at most 40 are allowed"}


def test_the_largest_budget_fits_its_columns(cases, vetted):
    """40 lines of the largest amount in the dearest currency, each described at full length in non-Latin text."""
    largest = {"party": "organisation", "kind": "cash", "currency": "GBP", "amount": "1000000000", "description": "ጥ" * 200}
    cases.workflow.fire(vetted.id, "agree", cases.actor("officer"), agreement(budget=[largest] * 40))
    case = db.session.get(Case, vetted.id)
    assert case.organisation_cash_usd == Decimal("50800000000.00") and len(_lines(case.id)) == 40
    assert _lines(case.id)[-1].description == "ጥ" * 200 and verify_chains(db.session, case_id=case.id).ok
