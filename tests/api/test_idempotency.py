"""Idempotency-Key on API writes: a repeat gets the first answer and writes nothing, on every write route."""
from __future__ import annotations

import datetime as dt
import io
import json
import threading

import pytest

from sqlalchemy import func, select

from caseflow.clock import set_clock, utcnow
from caseflow.extensions import db
from caseflow.idempotency import KEY_LIFETIME, claim, fingerprint
from caseflow.models import Case, Document, HistoryRecord, IdempotencyKey, Organisation
from tests.documents.conftest import PDF
from tests.factories import VETTING
from tests.factories import proposal as valid_proposal


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def keyed(key: str) -> dict:
    return {"Idempotency-Key": key}


@pytest.fixture
def proposal(app):
    """proposal(**overrides): a valid proposal with one stored partner, so that it can be sent many times."""
    partner = Organisation(name="Plan International", type="international_ngo", country="Liberia", level="global")
    db.session.add(partner)
    db.session.commit()
    return lambda **overrides: valid_proposal(partner, **overrides)


def test_proposing_twice_with_one_key_makes_one_case_and_answers_the_first_answer(api, proposal):
    officer, body = api("officer"), {"data": proposal(), "comment": "From the CRM."}
    first = officer.post("/api/v1/cases", json=body, headers=keyed("crm-4711"))
    again = officer.post("/api/v1/cases", json=body, headers=keyed("crm-4711"))
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert count(Case) == 1 and count(HistoryRecord) == 1


def test_without_a_key_every_post_is_a_new_proposal(api, proposal):
    officer = api("officer")
    officer.post("/api/v1/cases", json={"data": proposal()})
    officer.post("/api/v1/cases", json={"data": proposal()})
    assert count(Case) == 2


def test_the_same_key_with_another_body_is_refused_naming_the_header(api, proposal):
    officer = api("officer")
    officer.post("/api/v1/cases", json={"data": proposal()}, headers=keyed("k1"))
    other = officer.post("/api/v1/cases", json={"data": proposal(title="Another one")}, headers=keyed("k1"))
    assert other.status_code == 422 and other.json["error"] == "IdempotencyKeyReused"
    assert "Idempotency-Key" in other.json["fields"] and count(Case) == 1


def test_the_same_body_in_another_key_order_is_the_same_request(api, proposal):
    officer, data = api("officer"), proposal()
    officer.post("/api/v1/cases", json={"data": data, "comment": "c"}, headers=keyed("k1"))
    again = officer.post("/api/v1/cases", json={"comment": "c", "data": dict(reversed(list(data.items())))},
                         headers=keyed("k1"))
    assert again.status_code == 201 and count(Case) == 1


def test_keys_belong_to_one_user(api, proposal):
    api("officer").post("/api/v1/cases", json={"data": proposal()}, headers=keyed("shared"))
    theirs = api("officer2").post("/api/v1/cases", json={"data": proposal()}, headers=keyed("shared"))
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert count(Case) == 2


def test_a_key_is_forgotten_after_its_lifetime(api, proposal):
    # Starts in a week, so that the same proposal is still valid when it is sent again a day later.
    start = utcnow().date() + dt.timedelta(days=7)
    officer = api("officer")
    body = {"data": proposal(proposed_start=start.isoformat(), proposed_end=(start + dt.timedelta(days=730)).isoformat())}
    officer.post("/api/v1/cases", json=body, headers=keyed("k1"))
    set_clock(utcnow() + KEY_LIFETIME - dt.timedelta(minutes=1))
    assert officer.post("/api/v1/cases", json=body, headers=keyed("k1")).headers.get("Idempotent-Replayed")
    set_clock(utcnow() + dt.timedelta(minutes=2))
    later = officer.post("/api/v1/cases", json=body, headers=keyed("k1"))
    assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
    assert count(Case) == 2 and count(IdempotencyKey) == 1


def test_a_refused_request_leaves_its_key_free_for_the_corrected_one(api, proposal):
    officer = api("officer")
    refused = officer.post("/api/v1/cases", json={"data": proposal(title="")}, headers=keyed("k1"))
    assert refused.status_code == 422 and count(IdempotencyKey) == 0
    fixed = officer.post("/api/v1/cases", json={"data": proposal()}, headers=keyed("k1"))
    assert fixed.status_code == 201 and count(Case) == 1


def test_firing_a_step_twice_with_one_key_takes_it_once(api, cases):
    case = cases.in_state("proposed")
    reviewer, body = api("reviewer"), {"trigger": "vet", "data": VETTING}
    first = reviewer.post(f"/api/v1/cases/{case.id}/transitions", json=body, headers=keyed("vet-1"))
    again = reviewer.post(f"/api/v1/cases/{case.id}/transitions", json=body, headers=keyed("vet-1"))
    assert first.status_code == again.status_code == 200 and again.json == first.json
    vets = select(func.count()).where(HistoryRecord.case_id == case.id, HistoryRecord.trigger == "vet")
    assert db.session.scalar(vets) == 1


def test_one_key_on_another_route_is_another_request(api, cases):
    first, second = cases.in_state("proposed"), cases.in_state("proposed")
    reviewer, body = api("reviewer"), {"trigger": "vet", "data": VETTING}
    reviewer.post(f"/api/v1/cases/{first.id}/transitions", json=body, headers=keyed("vet"))
    other = reviewer.post(f"/api/v1/cases/{second.id}/transitions", json=body, headers=keyed("vet"))
    assert other.status_code == 422 and "Idempotency-Key" in other.json["fields"]
    db.session.rollback()
    assert db.session.get(Case, second.id).state == "proposed"


def test_uploading_twice_with_one_key_stores_one_document(api, client, secrets, cases):
    case = cases.in_state("vetted")

    def send():
        return client.post(f"/api/v1/cases/{case.id}/documents", content_type="multipart/form-data",
                           data={"kind": "signed_agreement", "file": (io.BytesIO(PDF), "PCA-1.pdf")},
                           headers={"Authorization": f"Bearer {secrets['officer']}", **keyed("upload-1")})

    first, again = send(), send()
    assert first.status_code == again.status_code == 201 and again.json == first.json
    assert count(Document) == 1


def test_a_bad_key_is_refused_naming_the_header(api, proposal):
    for key in ("   ", "x" * 256, "clé"):
        response = api("officer").post("/api/v1/cases", json={"data": proposal()},
                                       headers={"Idempotency-Key": key.encode().decode("latin-1")})
        assert response.status_code == 422 and "Idempotency-Key" in response.json["fields"]
    assert count(Case) == 0


def test_a_repeat_while_the_first_still_runs_is_told_to_retry(api, users, proposal):
    body = {"data": proposal()}
    sent = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    assert claim(users["officer"].id, "k1", "POST", "/api/v1/cases", fingerprint("POST", "/api/v1/cases", sent)) is None
    response = api("officer").post("/api/v1/cases", json=body, headers=keyed("k1"))
    assert response.status_code == 409 and response.headers["Retry-After"] == "1"
    assert response.json["error"] == "IdempotencyKeyInFlight" and count(Case) == 0


def test_two_requests_with_one_key_at_once_write_once(app, api, secrets, proposal):
    body, barrier, answers = {"data": proposal()}, threading.Barrier(4), []
    api("officer").get("/api/v1/cases")  # the token's last use is recorded now, not by the racers

    def send():
        with app.app_context():
            barrier.wait(timeout=30)
            try:
                response = app.test_client().post("/api/v1/cases", json=body, headers={
                    "Authorization": f"Bearer {secrets['officer']}", **keyed("race")})
                answers.append(response.status_code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(answers) == 4 and set(answers) <= {201, 409} and 201 in answers
    assert count(Case) == 1
