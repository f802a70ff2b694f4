"""The API keeps the engine's ownership rule: an officer fires steps on the cases they own; reviewers and
admins reassign (tests/test_ownership.py has the engine's side)."""
from __future__ import annotations

from caseflow.extensions import db
from caseflow.models import Case


def test_the_api_refuses_an_officer_who_does_not_own_the_case(api, users, cases):
    case = cases.in_state("agreed")
    read = api("officer2").get(f"/api/v1/cases/{case.id}").json
    assert read["allowed_triggers"] == []
    answer = api("officer2").post(f"/api/v1/cases/{case.id}/transitions",
                                  json={"trigger": "activate", "data": {"actual_start": case.proposed_start.isoformat()}})
    assert answer.status_code == 403 and answer.json["error"] == "NotAllowed"
    assert db.session.get(Case, case.id).state == "agreed"
    mine = api("officer").get(f"/api/v1/cases/{case.id}").json
    assert [t["trigger"] for t in mine["allowed_triggers"]] == ["activate"]


def test_the_api_reassigns(api, users, cases):
    case = cases.in_state("under_review")
    answer = api("admin").post(f"/api/v1/cases/{case.id}/transitions", json={
        "trigger": "reassign", "data": {"reviewer": users["reviewer2"].id, "reason": "Rita is away."},
        "expected_version": case.version})
    assert answer.status_code == 200 and answer.json["outcome"]["to"] == "under_review"
    assert answer.json["case"]["reviewer"]["email"] == users["reviewer2"].email
    assert api("auditor").post(f"/api/v1/cases/{case.id}/transitions", json={
        "trigger": "reassign", "data": {"reviewer": users["reviewer"].id, "reason": "x"}}).status_code == 403
