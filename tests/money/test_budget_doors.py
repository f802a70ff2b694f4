"""The budget through each door: the agreement's web form and the API's step endpoint read it alike."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from caseflow.extensions import db
from caseflow.models import BudgetLine, Case
from tests.factories import agreement
from tests.money.conftest import BUDGET
from tests.ui.conftest import text_of


def _form(data: dict, lines: list[dict]) -> dict:
    """The agreement as a browser sends it: each budget cell as budget-<row>-<cell>."""
    sent = {k: v for k, v in data.items() if v is not None}
    for n, line in enumerate(lines):
        sent.update({f"budget-{n}-{cell}": value for cell, value in line.items()})
    return sent


def test_the_officer_records_the_budget_in_the_agreement_form(client, users, vetted, sign_in):
    sign_in(users["officer"])
    page = text_of(client.get(f"/cases/{vetted.id}/agree"))
    assert "Budget: each party&#39;s contributions" in page and 'name="budget-5-amount"' in page
    response = client.post(f"/cases/{vetted.id}/agree", data={**_form(agreement(), BUDGET), "version": vetted.version})
    assert response.status_code == 302
    assert db.session.get(Case, vetted.id).organisation_cash_usd == Decimal("5400.00")
    assert len(db.session.scalars(select(BudgetLine)).all()) == 3


def test_a_bad_amount_is_shown_beside_its_cell_and_nothing_changes(client, users, vetted, sign_in):
    sign_in(users["officer"])
    bad = [{**BUDGET[0], "amount": "lots"}]
    response = client.post(f"/cases/{vetted.id}/agree", data={**_form(agreement(), bad), "version": vetted.version})
    assert response.status_code == 422 and "&#39;lots&#39; is not a number" in text_of(response)
    assert db.session.get(Case, vetted.id).state == "vetted"


def test_a_half_filled_line_is_named_by_its_row(client, users, vetted, sign_in):
    sign_in(users["officer"])
    half = [BUDGET[0], {"party": "partner", "kind": "staff", "currency": "GBP", "amount": ""}]
    response = client.post(f"/cases/{vetted.id}/agree", data={**_form(agreement(), half), "version": vetted.version})
    assert response.status_code == 422 and "row 2, amount: is required" in text_of(response)
    assert db.session.scalars(select(BudgetLine)).all() == []


def test_the_api_takes_the_budget_as_a_list_of_lines(api, cases, vetted):
    response = api("officer").post(f"/api/v1/cases/{vetted.id}/transitions",
                                   json={"trigger": "agree", "data": agreement(budget=BUDGET)})
    assert response.status_code == 200 and response.json["case"]["state"] == "agreed"
    assert db.session.get(Case, vetted.id).organisation_cash_usd == Decimal("5400.00")


def test_the_api_names_the_budget_when_a_line_is_bad(api, cases, vetted):
    for budget, words in (([{**BUDGET[0], "currency": "AUD"}], "row 1, currency: AUD has no USD rate"),
                          ("five thousand", "must be a list of rows"),
                          ([BUDGET[1]] * 41, "has 41 rows; at most 40 are allowed")):
        response = api("officer").post(f"/api/v1/cases/{vetted.id}/transitions",
                                       json={"trigger": "agree", "data": agreement(budget=budget)})
        assert response.status_code == 422 and response.json["fields"]["budget"].startswith(words)
    assert db.session.get(Case, vetted.id).state == "vetted"


def test_the_openapi_document_shows_the_budgets_lines(api):
    schemas = api().get("/api/v1/openapi.json").json["components"]["schemas"]
    budget = schemas["AgreeData"]["properties"]["budget"]
    assert budget["type"] == ["array", "null"] and budget["maxItems"] == 40
    assert budget["items"]["required"] == ["party", "kind", "currency", "amount"]
    assert "AUD" not in budget["items"]["properties"]["currency"]["enum"]
