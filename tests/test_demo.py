"""The demo data is true to the seeds: real organisations only in the relationships the seeds describe, with no
invented money or failures; its backdated history neither fills the bell nor goes out by e-mail."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from caseflow.clock import utcnow
from caseflow.demo.data import USERS
from caseflow.demo.loader import load_demo
from caseflow.extensions import db
from caseflow.jobs.mail import deliver_mail
from caseflow.models import BudgetLine, Case, HistoryRecord, Instalment, Notification, Organisation, User
from tests.scheduler.smtp_sink import SmtpSink

# Seed 004 lists these as Defence for Children International's own relationships, not UNICEF's.
DCI_OWN = ("ECOSOC", "UNESCO", "ILO ", "Council of Europe", "FRA ", "Child Rights Connect", "INCO", "ACPF", "ECPAT")


def is_fictional(name: str) -> bool:
    """A made-up partner says so in its name."""
    return name.endswith("(fictional)")


@pytest.fixture
def demo(app):
    load_demo()
    db.session.rollback()


def test_demo_users_start_with_no_unread_notifications(demo):
    for spec in USERS:
        user = db.session.scalar(select(User).where(User.email == spec["email"]))
        unread = select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        assert db.session.scalar(unread) == 0, spec["email"]
    # The history's notifications are still there to read, as read.
    assert db.session.scalar(select(func.count()).select_from(Notification)) > 0


def test_the_first_mail_run_sends_nothing_of_the_backdated_history(app, demo):
    with SmtpSink() as sink:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_SENDER="caseflow@example.org")
        result = deliver_mail(utcnow())
    assert sink.messages == [] and result.notified == 0


def test_no_case_is_one_of_defence_for_childrens_own_relationships(demo):
    for case in db.session.scalars(select(Case)):
        words = f"{case.title} {case.objectives} {case.partner.name} "
        assert not [name for name in DCI_OWN if name in words], case.title
    dci = db.session.scalars(select(Case).join(Case.partner)
                             .where(Organisation.name == "Defence for Children International")).all()
    assert len(dci) == 1 and dci[0].resources == "none" and "IPJJ" in dci[0].title


def test_no_real_organisation_has_invented_money_or_a_failed_vetting(demo):
    for case in db.session.scalars(select(Case)):
        if is_fictional(case.partner.name):
            continue
        assert case.resources == "none" and case.amount is None, case.partner.name
        triggers = set(db.session.scalars(select(HistoryRecord.trigger).where(HistoryRecord.case_id == case.id)))
        assert "reject" not in triggers, case.partner.name
    mothers = db.session.scalar(select(Case).join(Case.partner).where(Organisation.name == "Mothers2Mothers"))
    assert mothers.state == "active"


def test_the_money_and_the_failures_belong_to_fictional_partners(demo):
    with_money = db.session.scalars(select(Case).where(Case.resources != "none")).all()
    rejected = db.session.scalars(select(Case).join(HistoryRecord, HistoryRecord.case_id == Case.id)
                                  .where(HistoryRecord.trigger == "reject")).all()
    flagged = db.session.scalars(select(Organisation).where(Organisation.reputational_flag.is_(True))).all()
    assert with_money and rejected and flagged
    assert all(is_fictional(c.partner.name) for c in [*with_money, *rejected])
    assert all(is_fictional(o.name) for o in flagged)


def test_running_fictional_partnerships_carry_illustrative_budgets_and_a_released_instalment(demo):
    lines = db.session.scalars(select(BudgetLine)).all()
    assert lines and all(line.description == "Illustrative figure (demo data)" for line in lines)
    assert all(is_fictional(db.session.get(Case, line.case_id).partner.name) for line in lines)
    released = db.session.scalars(select(Instalment).where(Instalment.status == "released")).all()
    assert released and all(db.session.get(Case, i.case_id).state in ("active", "under_review", "exiting", "discontinued")
                            for i in released)
    assert all(i.requested_by_id != i.released_by_id for i in released)  # four eyes


def test_loading_the_demo_again_adds_nothing_and_leaves_the_bell_quiet(demo):
    assert load_demo()["added"] == 0
    assert db.session.scalar(select(func.count()).where(Notification.read_at.is_(None))) == 0
