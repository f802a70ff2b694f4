"""A partner's name is one name whatever its case and surrounding spaces: "Tostan" is " tostan "."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from caseflow.extensions import db
from caseflow.imports.service import import_file, load_file
from caseflow.models import Case, Organisation
from caseflow.workflow import Actor, GuardFailed, current_workflow
from tests.factories import proposal
from tests.imports.conftest import CASE_HEADER, PARTNER_HEADER, case_row, files, partner_row  # noqa: F401

SAME_AS_TOSTAN = ["tostan", "TOSTAN", " Tostan", "Tostan ", "  tOsTaN\t"]


def _partners() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation))


def _new_partner(name: str) -> dict:
    return proposal(partner_name=name, partner_type="national_ngo", partner_country="Senegal", partner_level="country")


@pytest.mark.parametrize("name", SAME_AS_TOSTAN)
def test_proposing_a_new_partner_under_a_known_name_is_refused(users, tostan, name):
    with pytest.raises(GuardFailed, match="exists already: choose it from the list"):
        current_workflow().propose(Actor.of(users["officer"]), _new_partner(name))
    assert _partners() == 1 and db.session.scalar(select(func.count()).select_from(Case)) == 0


@settings(max_examples=25, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.builds(lambda flips, before, after: before + "".join(c.upper() if f else c.lower()
                                                                      for c, f in zip("tostan", flips)) + after,
                      st.lists(st.booleans(), min_size=6, max_size=6),
                      st.text(" \t\n", max_size=3), st.text(" \t\n", max_size=3)))
def test_any_case_and_spacing_of_a_known_name_is_that_partner(users, tostan, name):
    with pytest.raises(GuardFailed):
        current_workflow().propose(Actor.of(users["officer"]), _new_partner(name))
    assert _partners() == 1


def test_the_propose_page_refuses_a_known_name_written_otherwise(client, users, sign_in, tostan):
    sign_in(users["officer"])
    response = client.post("/cases/new", data=_new_partner(" tostan "))
    assert response.status_code == 422
    assert "exists already: choose it from the list" in response.get_data(as_text=True) and _partners() == 1


def test_the_api_refuses_a_known_name_written_otherwise(client, users, tostan):
    from caseflow.api import tokens

    secret = tokens.issue(users["officer"], "tests")[1]
    response = client.post("/api/v1/cases", json={"data": _new_partner("TOSTAN ")},
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422 and response.json["guards"][0]["guard"] == "partner_given"
    assert _partners() == 1


def test_a_new_partner_is_stored_under_its_tidied_name(users):
    outcome = current_workflow().propose(Actor.of(users["officer"]), _new_partner("  Save   the  Children "))
    partner = db.session.get(Case, outcome.case_id).partner
    assert partner.name == "Save the Children" and partner.name_key == "save the children"


def test_the_database_refuses_a_second_tostan_however_it_is_written(app, tostan):
    db.session.add(Organisation(name=" TOSTAN", type="national_ngo", level="country"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # Core inserts get the key from the name too.
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(insert(Organisation.__table__), {"name": "tostan", "type": "national_ngo", "level": "country"})
    assert _partners() == 1


def test_the_import_matches_a_known_partner_whatever_its_spacing(users, tostan, files):  # noqa: F811
    path = files.xlsx("tostan.xlsx", {
        "Partners": (PARTNER_HEADER, [partner_row("  TOSTAN  ", type="National NGO", country="Senegal")]),
        "Partnerships": (CASE_HEADER, [case_row(partner="tostan ")]),
    })
    report = import_file(load_file(path), users["admin"])
    assert report.problems == [] and report.written and report.matched_partners == ["Tostan"]
    assert _partners() == 1


def test_the_import_treats_inner_spacing_as_one_name(users, files):  # noqa: F811
    path = files.xlsx("spacing.xlsx", {
        "Partners": (PARTNER_HEADER, [partner_row("Kisumu  Youth Radio"), partner_row("kisumu youth  radio")]),
        "Partnerships": (CASE_HEADER, [case_row(partner="Kisumu Youth Radio")]),
    })
    report = import_file(load_file(path), users["admin"])
    assert not report.written and any("appears more than once" in str(p) for p in report.problems)
    assert _partners() == 0
