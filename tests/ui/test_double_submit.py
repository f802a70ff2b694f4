"""A step form sent twice (a double click, a reload, a resend) is done once, and the second lands on the first's
result with a message, not an error."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.idempotency import fingerprint
from caseflow.jobs import run_all
from caseflow.models.idempotency import KEY_LIFETIME
from caseflow.models import Case, HistoryRecord, IdempotencyKey
from tests.factories import VETTING, proposal
from tests.ui.conftest import text_of


def drawn_token(page: str) -> str:
    """The one-time submission token the page's form was drawn with."""
    return re.search(r'name="submission" type="hidden" value="([^"]+)"', page).group(1)


def cases_stored() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Case))


def test_a_proposal_sent_twice_makes_one_case_and_lands_on_it(client, users, sign_in, ngo):
    sign_in(users["officer"])
    token = drawn_token(text_of(client.get("/cases/new")))
    data = {**proposal(partner=ngo), "submission": token}
    first = client.post("/cases/new", data=data)
    again = client.post("/cases/new", data=data)
    assert first.status_code == again.status_code == 302 and again.location == first.location
    assert cases_stored() == 1
    case = db.session.scalar(select(Case))
    page = text_of(client.get(again.location))
    assert f"sent twice; the first was taken: {case.reference} waits for vetting" in page


def test_two_forms_drawn_separately_are_two_proposals(client, users, sign_in, ngo):
    sign_in(users["officer"])
    for _ in range(2):
        token = drawn_token(text_of(client.get("/cases/new")))
        assert client.post("/cases/new", data={**proposal(partner=ngo), "submission": token}).status_code == 302
    assert cases_stored() == 2


def test_a_refused_proposal_keeps_its_token_for_the_corrected_one(client, users, sign_in, ngo):
    sign_in(users["officer"])
    token = drawn_token(text_of(client.get("/cases/new")))
    refused = client.post("/cases/new", data={**proposal(partner=ngo), "title": "", "submission": token})
    assert refused.status_code == 422 and drawn_token(text_of(refused)) == token
    fixed = client.post("/cases/new", data={**proposal(partner=ngo), "submission": token})
    assert fixed.status_code == 302 and cases_stored() == 1


def test_one_officers_token_is_not_another_officers(client, users, sign_in, ngo):
    sign_in(users["officer"])
    token = drawn_token(text_of(client.get("/cases/new")))
    client.post("/cases/new", data={**proposal(partner=ngo), "submission": token})
    sign_in(users["officer2"])
    client.post("/cases/new", data={**proposal(partner=ngo), "submission": token})
    assert cases_stored() == 2


def test_a_vetting_sent_twice_is_taken_once_and_the_second_is_told_so(client, users, cases, sign_in):
    case = cases.propose()
    sign_in(users["reviewer"])
    page = text_of(client.get(f"/cases/{case.id}/vet"))
    data = {**{k: ("y" if v is True else v) for k, v in VETTING.items()}, "version": case.version,
            "submission": drawn_token(page)}
    first = client.post(f"/cases/{case.id}/vet", data=data)
    again = client.post(f"/cases/{case.id}/vet", data=data)
    assert first.status_code == again.status_code == 302 and again.location == f"/cases/{case.id}"
    assert "sent twice; the first was taken" in text_of(client.get(again.location))
    vets = select(func.count()).where(HistoryRecord.case_id == case.id, HistoryRecord.trigger == "vet")
    assert db.session.scalar(vets) == 1 and db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def vetting_form(case, token: str) -> dict:
    return {**{k: ("y" if v is True else v) for k, v in VETTING.items()}, "version": case.version, "submission": token}


def test_a_second_submission_that_reaches_the_step_is_undone_with_it_and_lands_on_the_first(client, users, cases,
                                                                                             sign_in):
    # The first submission's step and key commit while the second is already past the page's checks: the second's
    # key is refused inside its own step, which is rolled back whole.
    case = cases.propose()
    sign_in(users["reviewer"])
    token = drawn_token(text_of(client.get(f"/cases/{case.id}/vet")))
    db.session.add(IdempotencyKey(user_id=users["reviewer"].id, key=f"form:{token}", method="POST",
                                  path=f"/cases/{case.id}/vet", fingerprint=fingerprint("POST", f"/cases/{case.id}/vet", b""),
                                  status=303, body="This form was sent twice; the first was taken.",
                                  location=f"/cases/{case.id}"))
    db.session.commit()
    again = client.post(f"/cases/{case.id}/vet", data=vetting_form(case, token))
    assert again.status_code == 302 and again.location == f"/cases/{case.id}"
    assert "sent twice; the first was taken" in text_of(client.get(again.location))
    db.session.rollback()
    assert db.session.get(Case, case.id).state == "proposed"  # the step went with the refused key
    assert db.session.scalar(select(func.count()).where(HistoryRecord.case_id == case.id)) == 1


def test_a_step_the_engine_refuses_keeps_no_key_and_the_same_form_goes_through_later(client, users, cases, sign_in):
    case = cases.propose()
    sign_in(users["reviewer"])
    token = drawn_token(text_of(client.get(f"/cases/{case.id}/vet")))
    refused = client.post(f"/cases/{case.id}/vet", data={**vetting_form(case, token), "version": case.version + 7})
    assert refused.status_code == 409 and "moved on" in text_of(refused)
    assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    assert client.post(f"/cases/{case.id}/vet", data=vetting_form(case, token)).status_code == 302
    db.session.rollback()
    assert db.session.get(Case, case.id).state == "vetted"


def test_a_token_copied_into_another_cases_form_is_refused_with_a_message(client, users, cases, sign_in):
    first, second = cases.propose(), cases.propose()
    sign_in(users["reviewer"])
    token = drawn_token(text_of(client.get(f"/cases/{first.id}/vet")))
    assert client.post(f"/cases/{first.id}/vet", data=vetting_form(first, token)).status_code == 302
    copied = client.post(f"/cases/{second.id}/vet", data=vetting_form(second, token))
    assert copied.status_code == 409 and "sent already" in text_of(copied)
    db.session.rollback()
    assert db.session.get(Case, second.id).state == "proposed"


def test_the_sweeps_forget_form_keys_a_day_old(client, users, cases, sign_in):
    case = cases.propose()
    sign_in(users["reviewer"])
    token = drawn_token(text_of(client.get(f"/cases/{case.id}/vet")))
    client.post(f"/cases/{case.id}/vet", data=vetting_form(case, token))
    run_all(utcnow() + KEY_LIFETIME - dt.timedelta(minutes=1), "tests")
    assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1
    run_all(utcnow() + KEY_LIFETIME + dt.timedelta(minutes=1), "tests")
    assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
