"""Reading and moving cases through the API, with every refusal a JSON error."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord
from tests.factories import VETTING, proposal


def test_an_officer_proposes_a_partnership(api):
    response = api("officer").post("/api/v1/cases", json={"data": proposal(), "comment": "From the CRM."})
    assert response.status_code == 201
    case = response.json["case"]
    assert response.headers["Location"] == f"/api/v1/cases/{case['id']}" == case["url"]
    assert case["state"] == "proposed" and case["version"] == 1 and case["owner"]["email"] == "officer@example.org"
    assert response.json["outcome"]["trigger"] == "propose" and response.json["outcome"]["to"] == "proposed"
    record = db.session.scalar(select(HistoryRecord).where(HistoryRecord.case_id == case["id"]))
    assert record.comment == "From the CRM." and record.actor == "officer@example.org"


def test_a_proposal_with_bad_fields_names_each_one(api):
    response = api("officer").post("/api/v1/cases", json={"data": proposal(title="", proposed_end="soon")})
    assert response.status_code == 422
    assert response.json["error"] == "InvalidData"
    assert set(response.json["fields"]) == {"title", "proposed_end"}
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


@pytest.mark.parametrize("role", ["reviewer", "auditor", "admin"])
def test_only_officers_propose(api, role):
    response = api(role).post("/api/v1/cases", json={"data": proposal()})
    assert response.status_code == 403 and response.json["error"] == "NotAllowed"


def test_reading_a_case_shows_its_facts_and_what_the_caller_may_do(api, cases):
    case = cases.in_state("proposed")
    as_reviewer = api("reviewer").get(f"/api/v1/cases/{case.id}").json
    assert as_reviewer["facts"]["amount"] == "9000.00" and as_reviewer["partner"]["name"] == "Plan International"
    assert [t["trigger"] for t in as_reviewer["allowed_triggers"]] == ["vet", "reject", "reassign"]
    risk = next(f for f in as_reviewer["allowed_triggers"][0]["fields"] if f["name"] == "reputational_risk")
    assert risk["type"] == "choice" and risk["required"] and {"value": "high", "label": "High"} in risk["choices"]
    assert api("auditor").get(f"/api/v1/cases/{case.id}").json["allowed_triggers"] == []
    assert api("officer").get(f"/api/v1/cases/{case.id}").json["allowed_triggers"] == []


def test_an_unknown_case_is_404(api):
    for path in ("/api/v1/cases/999", "/api/v1/cases/999/history"):
        response = api("officer").get(path)
        assert response.status_code == 404 and response.json["error"] == "CaseNotFound"
    # An id no id column can hold matches no route (caseflow.routing): a JSON 404 too.
    assert api("officer").get("/api/v1/cases/99999999999").status_code == 404
    fired = api("reviewer").post("/api/v1/cases/999/transitions", json={"trigger": "vet", "data": VETTING})
    assert fired.status_code == 404


def test_a_reviewer_vets_with_the_version_they_saw(api, cases):
    case = cases.in_state("proposed")
    seen = api("reviewer").get(f"/api/v1/cases/{case.id}").json["version"]
    response = api("reviewer").post(f"/api/v1/cases/{case.id}/transitions",
                                    json={"trigger": "vet", "data": VETTING, "expected_version": seen,
                                          "comment": "Checked the audit."})
    assert response.status_code == 200
    assert response.json["outcome"] == {**response.json["outcome"], "from": "proposed", "to": "vetted",
                                        "seq": 2, "version": seen + 1}
    assert response.json["case"]["state"] == "vetted" and response.json["case"]["reviewer"]["email"] == "reviewer@example.org"


def test_a_stale_version_is_a_conflict_and_changes_nothing(api, cases):
    case = cases.in_state("proposed")
    response = api("reviewer").post(f"/api/v1/cases/{case.id}/transitions",
                                    json={"trigger": "vet", "data": VETTING, "expected_version": case.version - 1})
    assert response.status_code == 409 and response.json["error"] == "Conflict"
    assert "moved on" in response.json["message"]
    assert db.session.get(Case, case.id).state == "proposed"


def test_a_trigger_that_does_not_apply_to_the_state_is_a_conflict(api, cases):
    case = cases.in_state("active")
    response = api("reviewer").post(f"/api/v1/cases/{case.id}/transitions", json={"trigger": "vet", "data": VETTING})
    assert response.status_code == 409 and "cannot be done from there" in response.json["message"]


def test_a_guard_refuses_with_its_reasons(api, cases):
    case = cases.in_state("proposed")
    half_vetted = {**VETTING, "good_governance": False, "reputational_risk": "high"}
    response = api("reviewer").post(f"/api/v1/cases/{case.id}/transitions", json={"trigger": "vet", "data": half_vetted})
    assert response.status_code == 422 and response.json["error"] == "GuardFailed"
    assert {g["guard"] for g in response.json["guards"]} == {"criteria_affirmed", "reputational_risk_acceptable"}
    assert all(g["reason"] for g in response.json["guards"])


def test_field_errors_are_422_with_each_field(api, cases):
    case = cases.in_state("proposed")
    response = api("reviewer").post(f"/api/v1/cases/{case.id}/transitions",
                                    json={"trigger": "vet", "data": {**VETTING, "reputational_risk": "none", "colour": "red"}})
    assert response.status_code == 422
    assert response.json["fields"] == {"reputational_risk": "must be one of low, medium, high",
                                       "colour": "is not a field of this step"}


@pytest.mark.parametrize("body, field", [
    ({"data": {}}, "trigger"),
    ({"trigger": "vet", "expected_version": "3"}, "expected_version"),
    ({"trigger": "vet", "expected_version": True}, "expected_version"),
    ({"trigger": "vet", "data": ["low"]}, "data"),
    ({"trigger": "vet", "data": {"notes": {"nested": 1}}}, "notes"),  # a step field is named as its form names it
    ({"trigger": "vet", "data": {"notes": "a\x00b"}}, "notes"),
    ({"trigger": "vet", "comment": 5}, "comment"),
    ({"trigger": "vet", "force": True}, "force"),
])
def test_wrongly_typed_members_are_422(api, cases, body, field):
    case = cases.in_state("proposed")
    response = api("reviewer").post(f"/api/v1/cases/{case.id}/transitions", json=body)
    assert response.status_code == 422 and field in response.json["fields"]


@pytest.mark.parametrize("data, content_type, status", [
    ("{not json", "application/json", 400),
    ("[1, 2]", "application/json", 400),
    ('{"trigger": "vet", "data": {"amount": NaN}}', "application/json", 400),
    ("trigger=vet", "application/x-www-form-urlencoded", 415),
])
def test_malformed_bodies_are_refused_with_json(api, cases, data, content_type, status):
    case = cases.in_state("proposed")
    response = api("reviewer").post(f"/api/v1/cases/{case.id}/transitions", data=data,
                                    headers={"Content-Type": content_type})
    assert response.status_code == status and response.is_json and response.json["message"]


def test_an_out_of_range_number_is_422_not_a_server_error(api):
    response = api("officer").post("/api/v1/cases", json={"data": proposal(amount="1e40")})
    assert response.status_code == 422 and response.json["error"] == "InvalidData"


def test_an_auditor_changes_nothing(api, cases):
    case = cases.in_state("proposed")
    response = api("auditor").post(f"/api/v1/cases/{case.id}/transitions", json={"trigger": "vet", "data": VETTING})
    assert response.status_code == 403 and response.json["error"] == "NotAllowed"
    assert db.session.get(Case, case.id).version == case.version


def test_an_officer_may_not_fire_a_reviewers_step(api, cases):
    case = cases.in_state("proposed")
    response = api("officer").post(f"/api/v1/cases/{case.id}/transitions", json={"trigger": "vet", "data": VETTING})
    assert response.status_code == 403 and response.json["error"] == "NotAllowed"


def test_history_lists_records_in_order_with_the_chain_head(api, cases):
    case = cases.in_state("active")
    first = api("auditor").get(f"/api/v1/cases/{case.id}/history?limit=3").json
    assert [r["trigger"] for r in first["items"]] == ["propose", "vet", "agree"] and first["total"] == 4
    assert first["next"] == f"/api/v1/cases/{case.id}/history?limit=3&offset=3"
    rest = api("auditor").get(first["next"]).json
    assert [r["trigger"] for r in rest["items"]] == ["activate"] and rest["next"] is None
    assert rest["items"][0]["prev_hash"] == first["items"][-1]["hash"]
    assert rest["head"] == {"seq": 4, "hash": rest["items"][0]["hash"]}
    assert first["items"][1]["data"]["fields"]["reputational_risk"] == "low"
    assert first["items"][0]["data"]["changes"]["title"] == [None, "Birth registration in Liberia"]
