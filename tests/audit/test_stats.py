"""Time in each state and review timeliness, on a small history made with a moving clock."""
from __future__ import annotations

import datetime as dt

import pytest

from caseflow.audit.stats import review_timeliness, time_in_states
from caseflow.clock import frozen_at, set_clock
from caseflow.extensions import db
from caseflow.models import Case
from tests.factories import REVIEW, VETTING, agreement, proposal

GRACE = 14


def _on(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T10:00:00+00:00")


@pytest.fixture
def history(app, cases):
    """Two cases: Monrovia's reviews are on time, late and overdue; Geneva's is open, in time, after an amendment."""
    wf = cases.workflow

    def step(day, case_id, trigger, who, data):
        with frozen_at(_on(day)):
            if trigger == "agree":  # funded: the signed agreement must be attached first
                cases.attach_signed_agreement(db.session.get(Case, case_id), by=who)
            return wf.fire(case_id, trigger, cases.actor(who), data() if callable(data) else data)

    with frozen_at(_on("2026-01-01")):
        monrovia = wf.propose(cases.actor("officer"), proposal()).case_id
    step("2026-01-03", monrovia, "vet", "reviewer", VETTING)
    step("2026-01-06", monrovia, "agree", "officer", agreement)  # signed on the day
    step("2026-01-08", monrovia, "activate", "officer", {"actual_start": "2026-01-08"})  # review due 2026-04-08
    step("2026-04-08", monrovia, "start_review", "reviewer", {"reason": "Due."})
    step("2026-04-20", monrovia, "complete_review", "reviewer", REVIEW)  # 12 days after due: on time
    step("2026-07-20", monrovia, "start_review", "reviewer", {"reason": "Due."})  # due 2026-07-20
    step("2026-08-10", monrovia, "complete_review", "reviewer", REVIEW)  # 21 days after due: late
    step("2026-11-10", monrovia, "start_review", "reviewer", {"reason": "Due."})  # due 2026-11-10, left open

    with frozen_at(_on("2026-09-01")):
        geneva = wf.propose(cases.actor("officer2"), proposal(
            office="Geneva", partner_name="Fondation Enfance", partner_type="foundation")).case_id
    step("2026-09-03", geneva, "vet", "reviewer2", VETTING)
    step("2026-09-05", geneva, "agree", "officer2", agreement)
    step("2026-09-07", geneva, "activate", "officer2", {"actual_start": "2026-09-07"})  # review due 2026-12-07
    step("2026-10-01", geneva, "amend", "officer2", {"operational_targets": "More.", "reason": "Scaled up."})
    step("2026-11-20", geneva, "start_review", "officer2", {"reason": "Ad hoc."})
    set_clock(_on("2026-12-01"))
    return monrovia, geneva


def _times(dimension):
    return {(t.key, t.state): (t.stays, round(t.mean_days, 2), round(t.median_days, 2))
            for t in time_in_states(db.session, dimension)}


def test_days_in_each_state_per_office(history):
    assert _times("office") == {
        ("Monrovia", "proposed"): (1, 2.0, 2.0), ("Monrovia", "vetted"): (1, 3.0, 3.0),
        ("Monrovia", "agreed"): (1, 2.0, 2.0),
        ("Monrovia", "active"): (3, 91.0, 91.0),  # 90, 91 and 92 days between reviews
        ("Monrovia", "under_review"): (2, 16.5, 16.5),  # 12 and 21 days; the open review is still running
        ("Geneva", "proposed"): (1, 2.0, 2.0), ("Geneva", "vetted"): (1, 2.0, 2.0), ("Geneva", "agreed"): (1, 2.0, 2.0),
        ("Geneva", "active"): (1, 74.0, 74.0),  # one stay: the amendment does not split it
    }


def test_days_in_each_state_per_partner_type(history):
    times = _times("partner_type")
    assert times[("international_ngo", "active")] == (3, 91.0, 91.0)
    assert times[("foundation", "active")] == (1, 74.0, 74.0)


def test_reviews_on_time_late_and_overdue(history):
    by_office = {t.key: (t.on_time, t.late, t.overdue, t.open_in_time, t.closed_by_exit)
                 for t in review_timeliness(db.session, "office", GRACE)}
    assert by_office == {"Monrovia": (1, 1, 1, 0, 0), "Geneva": (0, 0, 0, 1, 0)}
    by_type = {t.key: (t.on_time, t.late, t.overdue) for t in review_timeliness(db.session, "partner_type", GRACE)}
    assert by_type == {"international_ngo": (1, 1, 1), "foundation": (0, 0, 0)}


def test_a_review_done_on_the_last_day_of_grace_is_on_time(app, cases):
    with frozen_at(_on("2026-01-01")):
        case = cases.in_state("under_review")
    due = case.next_review_due
    with frozen_at(dt.datetime.combine(due + dt.timedelta(days=GRACE), dt.time(23, 59), tzinfo=dt.timezone.utc)):
        cases.workflow.fire(case.id, "complete_review", cases.actor("reviewer2"), REVIEW)
    [row] = review_timeliness(db.session, "office", GRACE)
    assert (row.on_time, row.late) == (1, 0)


def test_stats_page_shows_the_figures(history, sign_in):
    page = sign_in("auditor").get("/audit/stats").get_data(as_text=True)
    assert "Monrovia" in page and "Foundation" in page
    assert "91.0 / 91.0 (3)" in page and "16.5 / 16.5 (2)" in page and "74.0 / 74.0 (1)" in page
