"""An officer's year with money: agree with a budget and four instalments, activate, request the first
release; the requester cannot approve it, a reviewer does. A flagged partner or an overdue review blocks a
release, saying which; more than the budget is never released."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from caseflow.clock import frozen_at, today
from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord, Instalment, Organisation
from caseflow.workflow import GuardFailed, InvalidData, NotAllowed
from caseflow.workflow.chain_verify import verify_chains
from tests.factories import agreement
from tests.money.conftest import BUDGET  # the organisation's cash: 5,000 EUR, 5,400 USD


def plan(*amounts: str, currency: str = "USD") -> list[dict]:
    """Instalments a quarter apart from today."""
    return [{"due_on": (today() + dt.timedelta(days=90 * n)).isoformat(), "currency": currency, "amount": amount}
            for n, amount in enumerate(amounts)]


@pytest.fixture
def running(cases, vetted):
    """The case agreed with its budget and four instalments (5,300 USD of the 5,400), then activated."""
    wf, officer = cases.workflow, cases.actor("officer")
    wf.fire(vetted.id, "agree", officer, agreement(budget=BUDGET, instalments=plan("1500", "1500", "1300", "1000")))
    wf.fire(vetted.id, "activate", officer, {"actual_start": today().isoformat()})
    return db.session.get(Case, vetted.id)


def statuses(case_id: int) -> list[str]:
    return db.session.scalars(select(Instalment.status).where(Instalment.case_id == case_id)
                              .order_by(Instalment.position)).all()


def test_an_officers_first_release_takes_a_second_person(cases, running, users):
    wf = cases.workflow
    assert statuses(running.id) == ["planned"] * 4
    wf.fire(running.id, "request_release", cases.actor("officer"), {"instalment": 1, "purpose": "Registrars' kits"})
    assert statuses(running.id) == ["requested", "planned", "planned", "planned"]
    with pytest.raises(NotAllowed):  # the requester, an officer, may not approve: a reviewer does
        wf.fire(running.id, "approve_release", cases.actor("officer"), {})
    wf.fire(running.id, "approve_release", cases.actor("reviewer"), {"note": "Report seen."})
    case = db.session.get(Case, running.id)
    assert statuses(case.id)[0] == "released" and case.released_usd == Decimal("1500.00") and case.state == "active"
    released = db.session.scalars(select(Instalment).where(Instalment.position == 1)).one()
    assert (released.requested_by_id, released.released_by_id) == (users["officer"].id, users["reviewer"].id)
    triggers = db.session.scalars(select(HistoryRecord.trigger).where(HistoryRecord.case_id == case.id)
                                  .order_by(HistoryRecord.seq)).all()
    assert triggers[-2:] == ["request_release", "approve_release"]
    assert verify_chains(db.session, case_id=case.id).ok


def test_a_reviewer_who_requested_may_not_approve_it_four_eyes(cases, running):
    case = db.session.get(Case, running.id)
    cases.workflow.fire(case.id, "request_release", cases.actor("officer"), {"instalment": 2})
    # As if the reviewer had asked for it: the request names them.
    db.session.execute(Instalment.__table__.update().where(Instalment.status == "requested")
                       .values(requested_by_id=cases.users["reviewer"].id))
    db.session.commit()
    with pytest.raises(GuardFailed) as refused:
        cases.workflow.fire(case.id, "approve_release", cases.actor("reviewer"), {})
    assert "a second person approves or rejects it (four eyes)" in str(refused.value.reasons)


def test_a_rejected_request_is_planned_again(cases, running):
    wf = cases.workflow
    wf.fire(running.id, "request_release", cases.actor("officer"), {"instalment": 1})
    wf.fire(running.id, "reject_release", cases.actor("reviewer"), {"reason": "Quarterly report missing."})
    assert statuses(running.id) == ["planned"] * 4
    with pytest.raises(GuardFailed) as refused:
        wf.fire(running.id, "approve_release", cases.actor("reviewer"), {})
    assert "No instalment of this case waits for release" in str(refused.value.reasons)


def test_an_overdue_review_blocks_a_release_and_says_so(cases, running):
    due = db.session.get(Case, running.id).next_review_due
    with frozen_at(dt.datetime.combine(due + dt.timedelta(days=15), dt.time(12), tzinfo=dt.timezone.utc)):
        with pytest.raises(GuardFailed) as refused:
            cases.workflow.fire(running.id, "request_release", cases.actor("officer"), {"instalment": 1})
    assert f"the review due on {due.isoformat()} is overdue" in str(refused.value.reasons)
    assert statuses(running.id)[0] == "planned"


def test_a_flagged_partner_blocks_a_release_and_says_so(cases, running):
    # Set on the row as if flagged while the case stayed active (flagging puts active cases under review).
    partner = db.session.get(Organisation, running.partner_id)
    partner.sanctions_flag = True
    db.session.commit()
    with pytest.raises(GuardFailed) as refused:
        cases.workflow.fire(running.id, "request_release", cases.actor("officer"), {"instalment": 1})
    assert "No instalment is released while the partner is flagged (sanctions)." in str(refused.value.reasons)
    assert statuses(running.id)[0] == "planned"


def test_more_than_the_budget_is_never_released(cases, vetted):
    wf, officer = cases.workflow, cases.actor("officer")
    wf.fire(vetted.id, "agree", officer, agreement(budget=BUDGET, instalments=plan("5000", "500")))
    wf.fire(vetted.id, "activate", officer, {"actual_start": today().isoformat()})
    wf.fire(vetted.id, "request_release", officer, {"instalment": 1})
    wf.fire(vetted.id, "approve_release", cases.actor("reviewer"), {})
    with pytest.raises(InvalidData) as refused:
        wf.fire(vetted.id, "request_release", officer, {"instalment": 2})
    assert refused.value.errors["instalment"].startswith("releasing instalment 2 would bring the released total "
                                                         "to 5,500.00 USD, more than the organisation's cash budget")
    assert statuses(vetted.id) == ["released", "planned"]


@pytest.mark.parametrize("data, field, words", [
    ({"instalment": 5}, "instalment", "the agreement plans 4 instalments; there is no number 5"),
    ({"instalment": 0}, "instalment", "0 is outside 1 to 24"),
    ({"instalment": "first"}, "instalment", "'first' is not a whole number"),
    ({}, "instalment", "is required"),
])
def test_a_bad_request_names_the_field_and_changes_nothing(cases, running, data, field, words):
    version = db.session.get(Case, running.id).version
    with pytest.raises(InvalidData) as refused:
        cases.workflow.fire(running.id, "request_release", cases.actor("officer"), data)
    assert refused.value.errors[field] == words
    assert db.session.get(Case, running.id).version == version and statuses(running.id) == ["planned"] * 4


def test_one_request_at_a_time_and_never_twice(cases, running):
    wf, officer = cases.workflow, cases.actor("officer")
    wf.fire(running.id, "request_release", officer, {"instalment": 1})
    with pytest.raises(InvalidData) as refused:
        wf.fire(running.id, "request_release", officer, {"instalment": 2})
    assert refused.value.errors == {"instalment": "instalment 1 waits for approval: one at a time"}
    wf.fire(running.id, "approve_release", cases.actor("reviewer"), {})
    with pytest.raises(InvalidData) as again:
        wf.fire(running.id, "request_release", officer, {"instalment": 1})
    assert again.value.errors == {"instalment": "instalment 1 is released already"}


def test_a_bad_planned_instalment_is_refused_at_the_agreement(cases, vetted):
    with pytest.raises(InvalidData) as refused:
        cases.workflow.fire(vetted.id, "agree", cases.actor("officer"),
                            agreement(budget=BUDGET, instalments=plan("-1")))
    assert refused.value.errors["instalments"].startswith("row 1, amount:")


def test_the_release_steps_work_through_the_api(api, cases, running):
    asked = api("officer").post(f"/api/v1/cases/{running.id}/transitions",
                                json={"trigger": "request_release", "data": {"instalment": 9}})
    assert asked.status_code == 422 and "there is no number 9" in asked.json["fields"]["instalment"]
    asked = api("officer").post(f"/api/v1/cases/{running.id}/transitions",
                                json={"trigger": "request_release", "data": {"instalment": 1}})
    assert asked.status_code == 200
    approved = api("reviewer").post(f"/api/v1/cases/{running.id}/transitions",
                                    json={"trigger": "approve_release", "data": {}})
    assert approved.status_code == 200 and statuses(running.id)[0] == "released"


def test_an_instalment_marked_released_behind_the_engines_back_is_named_by_verify(cases, running):
    db.session.execute(Instalment.__table__.update().where(Instalment.position == 2).values(status="released"))
    db.session.commit()
    broken = verify_chains(db.session).broken
    assert broken.case_id == running.id and "instalments row" in broken.reason and "'planned'" in broken.reason
