"""What operators use: the sweep and status commands, the leadership, and the admin page."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from caseflow.clock import frozen_at
from caseflow.extensions import db
from caseflow.jobs.leader import leadership_for
from tests.scheduler.conftest import at, history


def test_sweep_command_runs_the_sweeps_as_of_a_time(app, runner, cases):
    case = cases.in_state("active", at=at(2027, 1, 1))
    result = runner.invoke(args=["sweep", "--at", "2027-06-01T00:00", "--only", "reviews_due"])
    assert result.exit_code == 0, result.output
    assert "reviews_due: fired 1, notified 0, failed 0" in result.output
    assert result.output.strip().splitlines()[-1].startswith("swept as of 2027-06-01 00:00 UTC: fired 1, notified 0, failed 0")
    assert history(case.id)[-1] == ("start_review", "system:reviews_due")


def test_sweep_command_refuses_bad_input_with_one_line(app, runner):
    bad_time = runner.invoke(args=["sweep", "--at", "next tuesday"])
    assert bad_time.exit_code == 1 and bad_time.output.strip() == "Error: 'next tuesday' is not a time like 2027-06-01T00:00"
    bad_sweep = runner.invoke(args=["sweep", "--only", "everything"])
    assert bad_sweep.exit_code == 2 and "everything" in bad_sweep.output


def test_status_command_shows_the_leader_and_the_last_runs(app, runner):
    before = runner.invoke(args=["scheduler", "status"])
    assert before.exit_code == 0, before.output
    assert "leader: no scheduler leads" in before.output and "reviews_due      never run" in before.output

    runner.invoke(args=["sweep", "--at", "2027-06-01T00:00"])
    leader = leadership_for("host-a:101:abcd", lease_seconds=60)
    assert leader.hold()
    after = runner.invoke(args=["scheduler", "status"])
    leader.release()
    assert "leader: host-a:101:abcd leads, lease until" in after.output
    assert "reviews_due      ran 2027-06-01 00:00:00 UTC as of 2027-06-01 00:00 by cli:" in after.output


def test_one_leader_at_a_time_and_a_lapsed_lease_is_taken_over(app):
    first, second = leadership_for("host-a:1:aa", 30), leadership_for("host-b:2:bb", 30)
    with frozen_at(at(2027, 6, 1, 12)):
        assert first.hold() and not second.hold()
        assert first.hold()  # renewing
    if db.engine.dialect.name == "postgresql":
        # The lock dies with its session: a dropped connection hands the lead over at once.
        db.session.execute(text("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = 'host-a:1:aa'"))
        db.session.commit()
        assert second.hold() and not first.hold()
    else:
        with frozen_at(at(2027, 6, 1, 12) + dt.timedelta(seconds=29)):
            assert not second.hold()
        with frozen_at(at(2027, 6, 1, 12) + dt.timedelta(seconds=31)):
            assert second.hold() and not first.hold()
    second.release()
    assert first.hold()
    first.release()


@pytest.mark.parametrize("role, status", [("admin", 200), ("officer", 403), ("reviewer", 403), ("auditor", 403)])
def test_the_scheduler_page_is_for_admins(app, client, sign_in, role, status):
    sign_in(role)
    response = client.get("/admin/scheduler")
    assert response.status_code == status
    if status == 200:
        page = response.get_data(as_text=True)
        assert "<h1 class=\"h3\">Scheduler</h1>" in page and "no scheduler leads" in page and "reviews_due" in page


def test_the_scheduler_page_shows_the_last_runs(app, client, sign_in, runner):
    runner.invoke(args=["sweep", "--at", "2027-06-01T00:00"])
    sign_in("admin")
    page = client.get("/admin/scheduler").get_data(as_text=True)
    assert "2027-06-01 00:00" in page and "Never run" not in page


def test_the_scheduler_page_needs_a_sign_in(app, client):
    assert client.get("/admin/scheduler").status_code in (302, 401)
