"""A step's data is validated and typed before the engine touches the database; bad values name their field."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from caseflow.workflow.definition import FieldSpec
from caseflow.workflow.errors import InvalidData
from caseflow.workflow.step_data import canonical_json, validate_step_data

FIELDS = (
    FieldSpec("title", "text", "Title", required=True, max_length=20),
    FieldSpec("amount", "decimal", "Amount"),
    FieldSpec("months", "integer", "Months", min=1, max=36),
    FieldSpec("partner_id", "partner", "Partner"),
    FieldSpec("start", "date", "Start"),
    FieldSpec("risk", "choice", "Risk", choices={"low": "Low", "high": "High"}),
    FieldSpec("agreed", "affirm", "Agreed"),
    FieldSpec("currency", "currency", "Currency"),
)


def errors_for(**raw) -> dict[str, str]:
    with pytest.raises(InvalidData) as refused:
        validate_step_data(FIELDS, {"title": "A title", **raw})
    return refused.value.errors


def test_good_data_comes_back_typed():
    clean = validate_step_data(FIELDS, {"title": " A title ", "amount": "9000.5", "months": "3", "start": "2026-05-01",
                                        "risk": "low", "agreed": "on", "currency": "eur"})
    assert clean == {"title": "A title", "amount": Decimal("9000.50"), "months": 3, "partner_id": None,
                     "start": dt.date(2026, 5, 1), "risk": "low", "agreed": True, "currency": "EUR"}


@pytest.mark.parametrize("raw, field, message", [
    ({"title": ""}, "title", "is required"),
    ({"title": "x" * 21}, "title", "has 21 characters; at most 20 are allowed"),
    ({"title": "nul\x00byte"}, "title", "must not contain NUL characters"),
    ({"amount": "lots"}, "amount", "'lots' is not a number"),
    ({"amount": "-1"}, "amount", "'-1' is not a number of zero or more"),
    ({"amount": "1e40"}, "amount", "'1e40' is too large: at most 999,999,999,999.99"),
    ({"amount": "NaN"}, "amount", "'NaN' is not a number of zero or more"),
    ({"months": "0"}, "months", "0 is outside 1 to 36"),
    ({"months": "2.5"}, "months", "'2.5' is not a whole number"),
    ({"partner_id": "99999999999"}, "partner_id", "'99999999999' is too large: at most 2,147,483,647"),
    ({"start": "31/12/2026"}, "start", "'31/12/2026' is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31"),
    ({"risk": "extreme"}, "risk", "must be one of low, high"),
    ({"agreed": "perhaps"}, "agreed", "'perhaps' is not yes or no"),
    ({"currency": "euro"}, "currency", "'euro' is not an ISO 4217 currency code such as USD or EUR"),
    ({"currency": "XYZ"}, "currency", "'XYZ' is not an ISO 4217 currency code such as USD or EUR"),
    ({"colour": "blue"}, "colour", "is not a field of this step"),
])
def test_bad_values_are_named_with_their_field(raw, field, message):
    assert errors_for(**raw)[field] == message


def test_the_canonical_form_is_stable():
    value = {"b": Decimal("1.50"), "a": dt.date(2026, 1, 2), "é": "ü"}
    assert canonical_json(value) == '{"a":"2026-01-02","b":"1.50","é":"ü"}'
