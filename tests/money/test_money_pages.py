"""Where people see the money: the case page and the API's case show the budget per party in USD, the
instalments and the released total against the budget."""
from __future__ import annotations

import datetime as dt

from caseflow.clock import today
from caseflow.extensions import db
from caseflow.models import Case
from tests.factories import agreement
from tests.money.conftest import BUDGET
from tests.ui.conftest import text_of


def _running(cases, vetted):
    wf, officer = cases.workflow, cases.actor("officer")
    instalments = [{"due_on": (today() + dt.timedelta(days=90 * n)).isoformat(), "currency": "USD", "amount": "1350"}
                   for n in range(4)]
    wf.fire(vetted.id, "agree", officer, agreement(budget=BUDGET, instalments=instalments,
                                                   shared_risks_benefits="Delays are shared."))
    wf.fire(vetted.id, "activate", officer, {"actual_start": today().isoformat()})
    wf.fire(vetted.id, "request_release", officer, {"instalment": 1})
    wf.fire(vetted.id, "approve_release", cases.actor("reviewer"), {})
    wf.fire(vetted.id, "request_release", officer, {"instalment": 2})
    return vetted


def test_the_case_page_shows_the_budget_and_where_each_instalment_stands(client, users, cases, vetted, sign_in):
    case = _running(cases, vetted)
    sign_in(users["auditor"])
    page = text_of(client.get(f"/cases/{case.id}"))
    assert "Budget and instalments" in page and "Registrars&#39; kits" in page
    assert "5,000.00 EUR" in page and "5,400.00" in page  # the euro line and its USD
    assert "The organisation, total in USD" in page and "7,400.50" in page and "The partner, total in USD" in page
    assert "Released: <strong>1,350.00 USD</strong>" in page and "cash budget of 5,400.00 USD (25%)" in page
    assert "requested 1,350.00 USD, still planned 2,700.00 USD" in page
    assert page.count(">Planned<") == 2 and ">Requested<" in page and ">Released<" in page
    assert "Delays are shared." in page


def test_a_case_without_a_budget_shows_none(client, users, cases, sign_in):
    case = cases.in_state("active")
    sign_in(users["officer"])
    assert "Budget and instalments" not in text_of(client.get(f"/cases/{case.id}"))


def test_the_api_reads_the_money_of_a_case(api, cases, vetted):
    case = _running(cases, vetted)
    money = api("auditor").get(f"/api/v1/cases/{case.id}").json["money"]
    assert money["budget_usd"] == "5400.00" and money["released_usd"] == "1350.00"
    assert money["requested_usd"] == "1350.00" and money["planned_usd"] == "2700.00"
    assert [l["currency"] for l in money["lines"]] == ["EUR", "USD", "GBP"] and money["lines"][0]["usd"] == "5400.00"
    assert money["totals"]["organisation"] == "7400.50"
    assert [i["status"] for i in money["instalments"]] == ["released", "requested", "planned", "planned"]


def test_the_release_steps_take_their_forms_on_the_case_page(client, users, cases, vetted, sign_in):
    case = _running(cases, vetted)  # instalment 2 waits for approval
    sign_in(users["officer"])
    assert client.get(f"/cases/{case.id}/approve_release").status_code == 403  # a reviewer's step
    refused = client.post(f"/cases/{case.id}/request_release", data={"instalment": "3", "version": "99"})
    assert refused.status_code in (409, 422)
    sign_in(users["reviewer"])
    page = text_of(client.get(f"/cases/{case.id}"))
    assert f"/cases/{case.id}/approve_release" in page
    approved = client.post(f"/cases/{case.id}/approve_release", data={"note": "Report seen.",
                                                                      "version": db.session.get(Case, case.id).version})
    assert approved.status_code == 302
    assert "Released: <strong>2,700.00 USD</strong>" in text_of(client.get(f"/cases/{case.id}"))
