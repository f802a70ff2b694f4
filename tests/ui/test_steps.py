"""The step forms: proposing, recording an agreement, vetting and reviewing through the engine."""
from __future__ import annotations

import datetime as dt

from flask import g
from sqlalchemy import func, select

from caseflow import create_app
from caseflow.clock import today
from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord, Organisation
from tests.conftest import sign_in_as
from tests.factories import REVIEW, VETTING, agreement, make_users, proposal
from tests.ui.conftest import text_of


def _form(data: dict) -> dict:
    """Form-encode step data as a browser would: booleans as checkbox 'y' or absent."""
    return {k: ("y" if v is True else v) for k, v in data.items() if v is not False and v is not None}


def test_an_officer_proposes_with_a_new_partner_in_the_same_form(client, users, sign_in):
    sign_in(users["officer"])
    form = text_of(client.get("/cases/new"))
    assert "New partner&#39;s name" in form and "The clearly defined added value for children" in form
    response = client.post("/cases/new", data={**proposal(), "comment": "From the field visit"})
    assert response.status_code == 302
    case = db.session.scalar(select(Case).order_by(Case.id.desc()))
    assert response.location == f"/cases/{case.id}"
    assert case.state == "proposed" and case.partner.name == "Plan International" and case.owner_id == users["officer"].id
    assert "waits for vetting" in text_of(client.get(response.location))


def test_an_officer_proposes_with_an_existing_partner(client, users, sign_in, ngo):
    sign_in(users["officer"])
    assert "Plan International" in text_of(client.get("/cases/new"))
    data = {k: v for k, v in proposal(partner=ngo).items()}
    assert client.post("/cases/new", data=data).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_a_proposal_with_missing_fields_shows_the_errors_beside_them(client, users, sign_in):
    sign_in(users["officer"])
    response = client.post("/cases/new", data={**proposal(), "title": "", "amount": "lots"})
    page = text_of(response)
    assert response.status_code == 422
    assert "is required" in page and "&#39;lots&#39; is not a number" in page
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_a_proposal_without_any_partner_is_refused_in_words(client, users, sign_in):
    sign_in(users["officer"])
    data = {k: v for k, v in proposal().items() if not k.startswith("partner_")}
    response = client.post("/cases/new", data=data)
    assert response.status_code == 422
    assert "Choose an existing partner, or give the new partner" in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_the_agreement_form_is_built_from_the_definition_and_records_the_agreement(client, users, cases, sign_in):
    case = cases.in_state("vetted")
    sign_in(users["officer"])
    page = text_of(client.get(f"/cases/{case.id}/agree"))
    assert "Reporting, monitoring and evaluation arrangement" in page and "Para 54." in page
    assert "Register every child." in page  # the objectives are prefilled from the case
    assert f'name="version" type="hidden" value="{case.version}"' in page
    cases.attach_signed_agreement(case)  # funds are transferred: the signed agreement comes first
    response = client.post(f"/cases/{case.id}/agree", data={**_form(agreement()), "version": case.version})
    assert response.status_code == 302 and response.location == f"/cases/{case.id}"
    assert db.session.get(Case, case.id).state == "agreed"
    assert "Record the agreement: done" in text_of(client.get(response.location))


def test_a_refused_agreement_says_why_and_changes_nothing(client, users, cases, sign_in):
    case = cases.in_state("vetted")
    sign_in(users["officer"])
    data = _form(agreement(agreement_reference="", agreement_signed_on=None))
    response = client.post(f"/cases/{case.id}/agree", data={**data, "version": case.version})
    assert response.status_code == 422
    assert "A written agreement is required because" in text_of(response)
    assert db.session.get(Case, case.id).state == "vetted"


def test_a_stale_form_is_told_the_case_moved_on(client, users, cases, sign_in):
    case = cases.in_state("active")
    seen = case.version
    cases.workflow.fire(case.id, "amend", cases.actor("officer"), {"contributions": "More funds.", "reason": "Budget"})
    sign_in(users["officer"])
    response = client.post(f"/cases/{case.id}/start_review", data={"reason": "Ad hoc", "version": seen})
    assert response.status_code == 409
    assert "moved on while you worked" in text_of(response)
    assert db.session.get(Case, case.id).state == "active"


def test_a_step_from_the_wrong_state_or_role_is_refused(client, users, cases, sign_in):
    case = cases.in_state("proposed")
    sign_in(users["officer"])
    assert client.get(f"/cases/{case.id}/vet").status_code == 403
    moved = client.get(f"/cases/{case.id}/agree")
    assert moved.status_code == 409 and "is Proposed now" in text_of(moved)
    assert client.get(f"/cases/{case.id}/fly").status_code == 404
    assert client.get(f"/cases/{case.id}/propose").status_code == 404
    sign_in(users["auditor"])
    assert client.get(f"/cases/{case.id}/agree").status_code == 403


def test_a_reviewer_vets_with_the_criteria_as_checkboxes(client, users, cases, sign_in):
    case = cases.propose()
    sign_in(users["reviewer"])
    page = text_of(client.get(f"/cases/{case.id}/vet"))
    assert 'type="checkbox"' in page and "good governance" in page
    missing = client.post(f"/cases/{case.id}/vet", data={**_form({**VETTING, "good_governance": False}), "version": case.version})
    assert missing.status_code == 422 and "not affirmed" in text_of(missing)
    done = client.post(f"/cases/{case.id}/vet", data={**_form(VETTING), "version": case.version})
    assert done.status_code == 302 and db.session.get(Case, case.id).state == "vetted"


def test_the_proposer_cannot_vet_under_four_eyes(client, users, cases, sign_in):
    case = cases.propose(by="officer")
    record = db.session.scalar(select(HistoryRecord).where(HistoryRecord.case_id == case.id))
    assert record.actor == users["officer"].email
    sign_in(users["reviewer"])
    response = client.post(f"/cases/{case.id}/reject", data={"reason": "No capacity", "version": case.version})
    assert response.status_code == 302 and db.session.get(Case, case.id).state == "discontinued"


def test_a_review_with_little_progress_cannot_continue(client, users, cases, sign_in):
    case = cases.in_state("under_review")
    sign_in(users["reviewer"])
    data = {**REVIEW, "progress": "little_or_no_progress", "version": case.version}
    response = client.post(f"/cases/{case.id}/complete_review", data=data)
    assert response.status_code == 422 and "little or no progress cannot be continued" in text_of(response)
    ok = client.post(f"/cases/{case.id}/complete_review", data={**REVIEW, "version": case.version,
                     "next_review_on": (today() + dt.timedelta(days=90)).isoformat()})
    assert ok.status_code == 302 and db.session.get(Case, case.id).state == "active"


def test_forms_refuse_a_post_without_its_csrf_token(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "t",
                      "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False})
    with app.app_context():
        users = make_users()
        client = sign_in_as(app.test_client(), users["officer"])
        response = client.post("/cases/new", data=proposal())
        assert response.status_code == 400 and "security token" in text_of(response)
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0
        g.pop("_login_user", None)
        signed_out = client.post("/logout")
        assert signed_out.status_code == 400  # no token: the session stays
        db.session.remove()
        db.engine.dispose()
