"""The API, the step forms and the engine read values alike: one parser per kind of value, one message."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.models import Case
from tests.factories import VETTING, proposal

ISO_MESSAGE = "'XYZ' is not an ISO 4217 currency code such as USD or EUR"


def test_a_currency_outside_iso_4217_is_refused_by_name_through_the_api_and_the_form(api, client, users, sign_in):
    response = api("officer").post("/api/v1/cases", json={"data": proposal(currency="XYZ")})
    assert response.status_code == 422 and response.json["fields"] == {"currency": ISO_MESSAGE}
    sign_in(users["officer"])
    page = client.post("/cases/new", data=proposal(currency="XYZ"))
    assert page.status_code == 422 and ISO_MESSAGE.replace("'", "&#39;") in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


@pytest.mark.parametrize("amount", ["12,500.50", 12500.5, "12500.50"])
def test_an_amount_reads_the_same_however_it_is_written(api, amount):
    response = api("officer").post("/api/v1/cases", json={"data": proposal(amount=amount, currency="eur")})
    assert response.status_code == 201, response.json
    assert response.json["case"]["facts"]["amount"] == "12500.50"
    assert response.json["case"]["facts"]["currency"] == "EUR"


def test_a_criterion_affirmed_with_a_word_that_is_not_yes_or_no_is_refused(api, cases):
    case = cases.in_state("proposed")
    response = api("reviewer").post(f"/api/v1/cases/{case.id}/transitions",
                                    json={"trigger": "vet", "data": {**VETTING, "good_governance": "perhaps"}})
    assert response.status_code == 422
    assert response.json["fields"] == {"good_governance": "'perhaps' is not yes or no"}
    agreed = api("reviewer").post(f"/api/v1/cases/{case.id}/transitions",
                                  json={"trigger": "vet", "data": {**VETTING, "good_governance": "yes"}})
    assert agreed.status_code == 200, agreed.json
