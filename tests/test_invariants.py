"""Each state's invariants hold on every write path: a flagged partner's case is not agreed or run; money and
dates make sense; `caseflow check` reports every stored case that breaks one."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from caseflow.clock import frozen_at, today
from caseflow.extensions import db
from caseflow.jobs.firing import activation
from caseflow.models import Case, HistoryRecord, Organisation
from caseflow.workflow import Actor, GuardFailed, current_workflow
from caseflow.workflow.definition import DefinitionError
from tests.factories import EXIT, REVIEW, agreement, proposal
from tests.test_engine_guards import fire, refused
from tests.test_workflow_definition import DEFINITION, _broken, _line_of, _load


def flag(case, sanctions=True):
    partner = db.session.get(Organisation, case.partner_id)
    partner.sanctions_flag = sanctions
    db.session.commit()


def midday(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.timezone.utc)


def proposal_refused(users, **overrides) -> dict[str, str]:
    """Propose expecting a refusal; check no case or partner was stored; return {rule: reason}."""
    with pytest.raises(GuardFailed) as failure:
        current_workflow().propose(Actor.of(users["officer"]), proposal(**overrides))
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0
    return dict(failure.value.reasons)


# -- the definition ------------------------------------------------------------------------------
def test_every_state_lists_its_invariants_in_the_definition():
    invariants = _load(DEFINITION).invariants
    assert "small_scale_within_limit" in invariants["agreed"] and "started_after_signing" in invariants["active"]
    assert "partner_not_flagged" in invariants["agreed"] and "partner_not_flagged" in invariants["active"]
    assert "partner_not_flagged" not in invariants["under_review"] + invariants["exiting"]
    assert invariants["discontinued"] == ("closure_reason_given",)


def test_an_unknown_invariant_is_refused_naming_its_line(tmp_path):
    path = _broken(tmp_path, "invariants: [closure_reason_given]", "invariants: [closure_reason_given, happy_ending]")
    with pytest.raises(DefinitionError) as refused_:
        _load(path)
    line = _line_of(path, "- name: discontinued")
    assert str(refused_.value) == f"{path} line {line}: state 'discontinued': invariant 'happy_ending' does not exist"


# -- finding 2: a flagged partner's case -----------------------------------------------------------
def test_a_flagged_partners_case_cannot_be_agreed(app, users, cases):
    case = cases.in_state("vetted")
    cases.attach_signed_agreement(case)
    flag(case)
    reason = refused(users, case, "agree", "officer", agreement())["partner_not_flagged"]
    assert reason == "The partner carries a blocking flag (sanctions): a partnership with it cannot be agreed."
    flag(case, False)
    fire(users, case, "agree", "officer", agreement())


def test_a_flagged_partners_case_cannot_be_activated_by_a_person_or_the_sweep(app, users, cases):
    case = cases.in_state("agreed")
    flag(case)
    assert "blocking flag" in refused(users, case, "activate", "officer", {"actual_start": today().isoformat()})[
        "partner_not_flagged"]
    result = activation(midday(today()))
    assert result.fired == 0 and result.failed == 1 and "blocking flag (sanctions)" in result.failures[0]
    assert db.session.get(Case, case.id, populate_existing=True).state == "agreed"


def test_a_flagged_partners_case_cannot_be_amended_or_continued_at_review(app, users, cases):
    active = cases.in_state("active")
    reviewed = cases.in_state("under_review")
    flag(active)
    assert "partner_not_flagged" in refused(users, active, "amend", "officer",
                                            {"operational_targets": "Twice as many.", "reason": "New funding."})
    assert "partner_not_flagged" in refused(users, reviewed, "complete_review", "reviewer2", REVIEW)


def test_a_flagged_partners_case_can_still_be_reviewed_exited_and_discontinued(app, users, cases):
    case = cases.in_state("active")
    other = cases.in_state("agreed")
    flag(case)
    fire(users, case, "start_review", "reviewer", {"reason": "The partner was flagged for sanctions."})
    fire(users, case, "begin_exit", "reviewer2", {**EXIT, "completion_date": (today() + dt.timedelta(days=30)).isoformat()})
    fire(users, other, "discontinue", "reviewer", {"reason": "violation", "narrative": "Sanctions (para 57)."})
    assert db.session.get(Case, case.id).state == "exiting" and db.session.get(Case, other.id).state == "discontinued"


# -- finding 3: money and dates --------------------------------------------------------------------
@pytest.mark.parametrize("resources", ["cash", "in_kind"])
def test_cash_or_in_kind_needs_an_amount(app, users, resources):
    reasons = proposal_refused(users, resources=resources, amount=None)
    assert reasons == {"amount_when_resources": "Cash or in-kind resources are transferred, so give their amount."}
    assert "amount_when_resources" in proposal_refused(users, resources=resources, amount="0")


def test_a_collaborative_relationship_transfers_no_resources(app, users):
    reason = proposal_refused(users, cooperation_form="collaborative_relationship")["collaboration_moves_no_resources"]
    assert reason.startswith("A collaborative relationship transfers no resources (paras 12, 51)")


def test_a_proposal_ends_after_it_starts_and_starts_from_today(app, users):
    start = today() + dt.timedelta(days=10)
    reasons = proposal_refused(users, proposed_start=start.isoformat(), proposed_end=start.isoformat())
    assert reasons["end_after_start"] == f"The end date {start} must come after the start date {start}."
    yesterday = today() - dt.timedelta(days=1)
    assert proposal_refused(users, proposed_start=yesterday.isoformat())["start_not_in_past"] == (
        f"The proposed start {yesterday} lies in the past: propose a start from today on.")


def test_a_small_scale_agreement_without_an_amount_cannot_be_agreed(app, users, cases):
    case = cases.in_state("vetted", resources="none", amount=None)
    reason = refused(users, case, "agree", "officer", agreement(agreement_type="ssfa"))["small_scale_within_limit"]
    assert reason.startswith("A small-scale funding agreement needs an amount, so that its limit of 10,000 USD")


def test_an_agreement_is_not_signed_in_the_future(app, users, cases):
    case = cases.in_state("vetted")
    cases.attach_signed_agreement(case)
    later = today() + dt.timedelta(days=1)
    assert refused(users, case, "agree", "officer", agreement(agreement_signed_on=later.isoformat()))[
        "signed_not_in_future"] == f"The agreement cannot be signed in the future ({later})."


def test_a_partnership_does_not_start_before_its_agreement_was_signed(app, users, cases):
    start = today()
    case = cases.in_state("agreed", proposed_start=start.isoformat())
    signed_late = midday(start + dt.timedelta(days=40))
    with frozen_at(signed_late):
        # An agreement recorded (and signed) weeks after the proposed start.
        late = cases.in_state("vetted", title="Late signature", proposed_start=start.isoformat())
        cases.attach_signed_agreement(late)
        fire(users, late, "agree", "officer", agreement())
        assert "started_after_signing" in refused(users, late, "activate", "officer",
                                                  {"actual_start": start.isoformat()})
        result = activation(signed_late)
    assert result.fired == 2 and result.failed == 0
    assert db.session.get(Case, late.id).actual_start == signed_late.date()
    assert db.session.get(Case, case.id).actual_start == start


def test_only_an_exiting_case_is_discontinued_as_exit_completed(app, users, cases):
    case = cases.in_state("active")
    done = {"reason": "exit_completed", "narrative": "Done."}
    assert refused(users, case, "discontinue", "reviewer", done)["exit_completed_only_when_exiting"].startswith(
        "Only a case that is exiting")
    fire(users, case, "begin_exit", "reviewer", {**EXIT, "completion_date": (today() + dt.timedelta(days=30)).isoformat()})
    fire(users, case, "discontinue", "reviewer", done)


# -- caseflow check ----------------------------------------------------------------------------------
def test_check_reports_every_stored_case_that_breaks_an_invariant_of_its_state(app, users, cases, runner):
    sound = cases.in_state("active")
    capped = cases.in_state("active", title="Small grant", currency="USD", amount="9000")
    flagged = cases.in_state("agreed", title="Flagged later")  # the same partner as the others
    assert runner.invoke(args=["check"]).exit_code == 0
    capped.agreement_type, capped.amount = "ssfa", Decimal("25000")  # a row written before the rule, or by hand
    db.session.commit()
    flag(flagged)
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"{capped.reference} (Active) small_scale_within_limit: A small-scale funding agreement may not exceed " \
           "10,000 USD; this one is 25,000.00 USD." in lines
    assert any(line.startswith(f"{flagged.reference} (Agreed) partner_not_flagged: The partner carries") for line in lines)
    assert any(line.startswith(f"{sound.reference} (Active) partner_not_flagged") for line in lines)
    assert "broken invariant(s), listed above" in result.output


def test_check_finds_nothing_wrong_in_the_demo_data(app, runner):
    assert runner.invoke(args=["demo", "--quiet"]).exit_code == 0
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert "every case satisfies its state's invariants" in result.output


def test_a_refused_step_changes_nothing(app, users, cases):
    case = cases.in_state("agreed")
    flag(case)
    before = db.session.get(Case, case.id).version
    records = db.session.scalar(select(func.count()).select_from(HistoryRecord))
    with pytest.raises(GuardFailed):
        fire(users, case, "activate", "officer", {"actual_start": today().isoformat()})
    assert db.session.get(Case, case.id, populate_existing=True).version == before
    assert db.session.scalar(select(func.count()).select_from(HistoryRecord)) == records
