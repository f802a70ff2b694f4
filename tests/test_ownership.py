"""Who may act on which case: an officer acts on the cases they own, through the engine, the pages and the API;
a reviewer or an admin reassigns a case's owner or reviewer, as a step in its history."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from caseflow.audit.replay import changes_of
from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord, Notification
from caseflow.workflow import Actor, GuardFailed, NotAllowed, current_workflow
from caseflow.workflow.chain_verify import verify_chains
from tests.ui.conftest import text_of


def _records(case_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(HistoryRecord).where(HistoryRecord.case_id == case_id))


def _reassign(users, case, who, **data):
    return current_workflow().fire(case.id, "reassign", Actor.of(users[who]), {"reason": "Leave.", **data})


@pytest.mark.parametrize(("state", "trigger", "data"), [
    ("vetted", "agree", {}), ("agreed", "activate", {"actual_start": "2026-01-01"}),
    ("active", "amend", {"contributions": "More.", "reason": "Budget"}), ("active", "start_review", {"reason": "Ad hoc"}),
])
def test_an_officer_may_not_act_on_another_officers_case(app, users, cases, state, trigger, data):
    case = cases.in_state(state)  # owned by 'officer'
    before, records = case.version, _records(case.id)
    with pytest.raises(NotAllowed) as refused:
        current_workflow().fire(case.id, trigger, Actor.of(users["officer2"]), data)
    assert refused.value.status == 403 and "an officer acts only on the cases they own" in refused.value.message
    assert db.session.get(Case, case.id).version == before and _records(case.id) == records
    wf = current_workflow()
    assert wf.triggers_for(case, Actor.of(users["officer2"])) == []
    assert not wf.may_fire(case, trigger, Actor.of(users["officer2"]))
    assert wf.may_fire(case, trigger, Actor.of(users["officer"]))


def test_reviewers_and_the_scheduler_act_on_any_case(app, users, cases):
    case = cases.in_state("active", by="officer2")
    current_workflow().fire(case.id, "start_review", Actor.of(users["reviewer"]), {"reason": "Ad hoc"})
    other = cases.in_state("active", by="officer2")
    current_workflow().fire(other.id, "start_review", Actor.system("reviews_due"), {"reason": "Due"})
    assert {db.session.get(Case, c.id).state for c in (case, other)} == {"under_review"}


def test_the_step_pages_refuse_an_officer_who_does_not_own_the_case(client, users, cases, sign_in):
    case = cases.in_state("active")
    sign_in("officer2")
    assert client.get(f"/cases/{case.id}/amend").status_code == 403
    refused = client.post(f"/cases/{case.id}/start_review", data={"reason": "Mine now", "version": case.version})
    assert refused.status_code == 403 and "not yours" in text_of(refused)
    page = text_of(client.get(f"/cases/{case.id}"))
    assert f"/cases/{case.id}/amend" not in page and f"/cases/{case.id}/start_review" not in page
    assert db.session.get(Case, case.id).version == case.version
    sign_in("officer")
    assert client.get(f"/cases/{case.id}/amend").status_code == 200


def test_the_cli_refuses_an_officer_who_does_not_own_the_case(runner, users, cases):
    case = cases.in_state("active")
    args = ["fire", str(case.id), "start_review", "--set", "reason=Ad hoc"]
    refused = runner.invoke(args=[*args, "--as", users["officer2"].email])
    assert refused.exit_code != 0 and "acts only on the cases they own" in refused.output
    assert runner.invoke(args=[*args, "--as", users["officer"].email]).exit_code == 0


@pytest.mark.parametrize("who", ["reviewer", "admin"])
def test_a_reviewer_or_admin_reassigns_the_owner_and_the_new_owner_acts(app, users, cases, who):
    case = cases.in_state("active")
    outcome = _reassign(users, case, who, owner=users["officer2"].id)
    assert (outcome.from_state, outcome.to_state) == ("active", "active")
    stored = db.session.get(Case, case.id)
    db.session.refresh(stored)
    assert stored.owner_id == users["officer2"].id and stored.state == "active"
    record = db.session.scalar(select(HistoryRecord).where(HistoryRecord.case_id == case.id, HistoryRecord.seq == outcome.seq))
    assert record.trigger == "reassign" and record.actor == users[who].email
    assert changes_of(record.data) == {"owner_id": [users["officer"].id, users["officer2"].id]}
    assert json.loads(record.data)["fields"]["reason"] == "Leave."
    assert verify_chains(db.session, case_id=case.id).ok
    told = db.session.scalars(select(Notification.user_id).where(
        Notification.case_id == case.id, Notification.kind == "transition:reassign")).all()
    assert {users["officer"].id, users["officer2"].id} <= set(told)  # the old owner and the new
    wf = current_workflow()
    wf.fire(case.id, "amend", Actor.of(users["officer2"]), {"contributions": "More.", "reason": "Budget"})
    with pytest.raises(NotAllowed):
        wf.fire(case.id, "amend", Actor.of(users["officer"]), {"contributions": "Less.", "reason": "Budget"})


@pytest.mark.parametrize("state", ["proposed", "vetted", "agreed", "under_review", "exiting"])
def test_reassigning_keeps_the_case_in_its_state(app, users, cases, state):
    case = cases.in_state(state)
    _reassign(users, case, "reviewer2", reviewer=users["reviewer2"].id)
    stored = db.session.get(Case, case.id)
    db.session.refresh(stored)
    assert stored.state == state and stored.reviewer_id == users["reviewer2"].id


def test_a_discontinued_case_is_not_reassigned(app, users, cases):
    case = cases.in_state("discontinued")
    with pytest.raises(Exception) as refused:
        _reassign(users, case, "reviewer", owner=users["officer2"].id)
    assert refused.value.status == 409


@pytest.mark.parametrize(("data", "why"), [
    ({}, "Name a new owner or a new reviewer."),
    ({"owner": "reviewer"}, "The new owner must be an active officer."),
    ({"reviewer": "officer2"}, "The new reviewer must be an active reviewer."),
    ({"owner": "officer"}, "The case already has this owner and reviewer: nothing to reassign."),
    ({"owner": 999999}, "The new owner must be an active officer."),
])
def test_a_reassignment_names_an_active_officer_or_reviewer(app, users, cases, data, why):
    case = cases.in_state("active")
    data = {k: users[v].id if isinstance(v, str) else v for k, v in data.items()}
    with pytest.raises(GuardFailed) as refused:
        _reassign(users, case, "reviewer", **data)
    assert dict(refused.value.reasons)["reassignment_valid"] == why
    assert db.session.get(Case, case.id).version == case.version


def test_a_former_officer_is_not_a_new_owner(app, users, cases):
    case = cases.in_state("active")
    users["officer2"].is_active_user = False
    db.session.commit()
    with pytest.raises(GuardFailed):
        _reassign(users, case, "admin", owner=users["officer2"].id)


@pytest.mark.parametrize("who", ["officer", "auditor"])
def test_officers_and_auditors_do_not_reassign(app, users, cases, who):
    case = cases.in_state("active")
    with pytest.raises(NotAllowed):
        _reassign(users, case, who, owner=users["officer2"].id)


def test_the_reassign_page_offers_active_officers_and_reviewers(client, users, cases, sign_in):
    case = cases.in_state("active")
    sign_in("admin")
    form = text_of(client.get(f"/cases/{case.id}/reassign"))
    assert "Otto Officer" in form and "Raj Reviewer" in form and "Ada Auditor" not in form
    done = client.post(f"/cases/{case.id}/reassign", data={"owner": str(users["officer2"].id), "reviewer": "",
                                                            "reason": "Olu moved to Dakar.", "version": case.version})
    assert done.status_code == 302
    page = text_of(client.get(f"/cases/{case.id}"))
    assert "Changed new owner: <del>Olu Officer</del> → Otto Officer" in page
    sign_in("auditor")
    assert client.get(f"/cases/{case.id}/reassign").status_code == 403
