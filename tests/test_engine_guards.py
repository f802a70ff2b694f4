"""Each guard of the workflow, refusing with its reason and then passing; a refusal changes nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from caseflow.clock import frozen_at, today
from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord, Organisation
from caseflow.workflow import Actor, GuardFailed, current_workflow
from tests.factories import EXIT, REVIEW, VETTING, agreement, proposal


def fire(users, case, trigger, who, data):
    return current_workflow().fire(case.id, trigger, Actor.of(users[who]), data)


def refused(users, case, trigger, who, data) -> dict[str, str]:
    """Fire expecting a refusal; check nothing changed; return {guard: reason}."""
    before = db.session.get(Case, case.id).version
    records = db.session.scalar(select(func.count()).select_from(HistoryRecord).where(HistoryRecord.case_id == case.id))
    with pytest.raises(GuardFailed) as failure:
        fire(users, case, trigger, who, data)
    assert db.session.get(Case, case.id).version == before
    assert db.session.scalar(select(func.count()).select_from(HistoryRecord)
                             .where(HistoryRecord.case_id == case.id)) == records
    return dict(failure.value.reasons)


def promote(user, role):
    user.role = role
    db.session.commit()


def test_a_proposal_needs_a_partner(app, users):
    wf, officer = current_workflow(), Actor.of(users["officer"])
    data = proposal()
    del data["partner_name"]
    with pytest.raises(GuardFailed, match="give the new partner's name"):
        wf.propose(officer, data)
    with pytest.raises(GuardFailed, match="chosen partner does not exist"):
        wf.propose(officer, {**proposal(), "partner_id": 4242})
    first = wf.propose(officer, proposal())
    with pytest.raises(GuardFailed, match="exists already: choose it"):
        wf.propose(officer, proposal())
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1
    assert db.session.get(Case, first.case_id).partner.name == "Plan International"


def test_vetting_needs_every_criterion_affirmed(app, users, cases):
    case = cases.propose()
    reasons = refused(users, case, "vet", "reviewer", {**VETTING, "good_governance": False})
    assert "not affirmed: Conforms to good governance" in reasons["criteria_affirmed"]
    fire(users, case, "vet", "reviewer", VETTING)


def test_a_flagged_partner_cannot_be_vetted(app, users, cases):
    case = cases.propose()
    case.partner.sanctions_flag = True
    db.session.commit()
    assert "blocking flag (sanctions)" in refused(users, case, "vet", "reviewer", VETTING)["partner_not_flagged"]
    case.partner.sanctions_flag = False
    db.session.commit()
    fire(users, case, "vet", "reviewer", VETTING)


def test_a_high_reputational_risk_cannot_be_vetted(app, users, cases):
    case = cases.propose()
    assert "reputational_risk_acceptable" in refused(users, case, "vet", "reviewer", {**VETTING, "reputational_risk": "high"})
    fire(users, case, "vet", "reviewer", {**VETTING, "reputational_risk": "medium"})


def test_the_proposer_never_vets_it(app, users, cases):
    case = cases.propose(by="officer2")
    promote(users["officer2"], "reviewer")
    assert "you proposed this partnership" in refused(users, case, "vet", "officer2", VETTING)["not_the_proposer"]
    fire(users, case, "vet", "reviewer", VETTING)


def test_the_agreements_recorder_never_completes_its_review(app, users, cases):
    case = cases.in_state("under_review")
    promote(users["officer"], "reviewer")
    assert "recorded this partnership's agreement" in refused(
        users, case, "complete_review", "officer", REVIEW)["not_the_agreement_recorder"]
    fire(users, case, "complete_review", "reviewer", REVIEW)


def test_resources_need_a_written_agreement(app, users, cases):
    case = cases.in_state("vetted")
    cases.attach_signed_agreement(case)
    reasons = refused(users, case, "agree", "officer", agreement(agreement_reference=None, agreement_signed_on=None))
    assert reasons["written_agreement_when_resources"] == (
        "A written agreement is required because resources are transferred; give its reference and signing date.")
    assert "informal collaboration cannot be recorded" in refused(
        users, case, "agree", "officer", agreement(agreement_type="informal"))["written_agreement_when_resources"]
    fire(users, case, "agree", "officer", agreement())


def test_an_informal_collaboration_without_resources_needs_no_written_agreement(app, users, cases):
    case = cases.in_state("vetted", cooperation_form="collaborative_relationship", resources="none", amount=None)
    fire(users, case, "agree", "officer", agreement(agreement_type="informal", agreement_reference=None,
                                                   agreement_signed_on=None))


@pytest.mark.parametrize("amount, currency, allowed", [
    ("10000", "USD", True), ("10000.01", "USD", False), ("9000", "EUR", True), ("9500", "EUR", False)])
def test_a_small_scale_funding_agreement_stays_within_10000_usd(app, users, cases, amount, currency, allowed):
    case = cases.in_state("vetted", amount=amount, currency=currency)
    cases.attach_signed_agreement(case)
    if allowed:
        fire(users, case, "agree", "officer", agreement(agreement_type="ssfa"))
    else:
        reason = refused(users, case, "agree", "officer", agreement(agreement_type="ssfa"))["small_scale_within_limit"]
        assert reason.startswith("A small-scale funding agreement may not exceed 10,000 USD")


def test_an_agreement_needs_an_exit_strategy_and_a_review_interval(app, users, cases):
    case = cases.in_state("vetted")
    cases.attach_signed_agreement(case)
    reasons = refused(users, case, "agree", "officer", agreement(exit_conditions=None, review_interval_months=None))
    assert reasons == {
        "exit_strategy_defined": "The agreement needs an exit strategy (para 56): give exit conditions.",
        "review_interval_set": "The agreement needs a review interval in months (para 54)."}
    ends_early = (db.session.get(Case, case.id).proposed_start - dt.timedelta(days=1)).isoformat()
    assert "must come after the start date" in refused(
        users, case, "agree", "officer", agreement(proposed_end=ends_early))["end_after_start"]
    fire(users, case, "agree", "officer", agreement())


def test_activation_waits_for_the_start_date(app, users, cases):
    start = today() + dt.timedelta(days=10)
    case = cases.in_state("agreed", proposed_start=start.isoformat())
    assert start.isoformat() in refused(users, case, "activate", "officer", {"actual_start": today().isoformat()})["start_date_reached"]
    with frozen_at(dt.datetime.combine(start, dt.time(8), tzinfo=dt.timezone.utc)):
        fire(users, case, "activate", "officer", {"actual_start": start.isoformat()})


def test_an_amendment_must_change_something(app, users, cases):
    case = cases.in_state("active")
    assert "amendment_changes_something" in refused(users, case, "amend", "officer", {"reason": "Nothing, really."})
    fire(users, case, "amend", "officer", {"operational_targets": "Twice as many.", "reason": "New funding."})


def test_little_or_no_progress_cannot_continue(app, users, cases):
    case = cases.in_state("under_review")
    reason = refused(users, case, "complete_review", "reviewer2",
                     {**REVIEW, "progress": "little_or_no_progress"})["progress_allows_continuing"]
    assert "(para 57)" in reason
    fire(users, case, "begin_exit", "reviewer2", {**EXIT, "completion_date": (today() + dt.timedelta(days=30)).isoformat()})


def test_an_exit_cannot_complete_in_the_past(app, users, cases):
    case = cases.in_state("active")
    yesterday = (today() - dt.timedelta(days=1)).isoformat()
    assert "completion_after_today" in refused(users, case, "begin_exit", "reviewer", {**EXIT, "completion_date": yesterday})


def test_every_refusing_guard_speaks_at_once(app, users, cases):
    case = cases.propose()
    reasons = refused(users, case, "vet", "reviewer", {**VETTING, "no_breach_of_norms": False, "reputational_risk": "high"})
    assert set(reasons) == {"criteria_affirmed", "reputational_risk_acceptable"}
