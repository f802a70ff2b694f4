"""Flagging a partner tells the people on its running partnerships and puts its active ones before the reviewers."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from caseflow import models
from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord, Notification, Organisation
from caseflow.clock import today
from caseflow.models import Review
from caseflow.reviews.due import queue_query
from caseflow.workflow import Actor, current_workflow
from caseflow.workflow.chain_verify import verify_chains

RUNNING = ("vetted", "agreed", "active", "under_review", "exiting")


@pytest.fixture
def partnerships(cases, tostan):
    """One partnership with Tostan in each state, by state."""
    made = {state: cases.in_state(state, partner=tostan, title=f"In {state}")
            for state in (*RUNNING, "discontinued")}
    made["proposed"] = cases.propose(partner=tostan, title="Just proposed")
    return made


def _notices(kind="partner_flagged"):
    return db.session.scalars(select(Notification).where(Notification.kind == kind).order_by(Notification.id)).all()


def _flag(client, partner, note="On the consolidated sanctions list since 3 March.", **flags):
    data = {"note": note, **{name: "y" for name, on in flags.items() if on}}
    return client.post(f"/partners/{partner.id}/flags", data=data, follow_redirects=True)


def test_a_flag_tells_the_owner_and_reviewer_of_every_running_partnership(client, users, sign_in, tostan, partnerships):
    sign_in(users["reviewer2"])
    page = _flag(client, tostan, sanctions_flag=True).get_data(as_text=True)
    told = {(n.case_id, n.user_id) for n in _notices()}
    expected = {(partnerships[s].id, users[who].id) for s in RUNNING for who in ("officer", "reviewer")}
    assert told == expected  # not the proposed nor the discontinued one; not the reviewer who flagged
    note = next(n for n in _notices() if n.case_id == partnerships["agreed"].id)
    assert "Tostan was flagged for sanctions by Raj Reviewer" in note.message and "para 57" in note.message
    assert "2 people told about 5 running partnership(s)" in page


def test_a_flag_puts_the_active_partnerships_under_review_in_their_history(client, users, sign_in, tostan, partnerships):
    sign_in(users["reviewer2"])
    _flag(client, tostan, sanctions_flag=True)
    active = db.session.get(Case, partnerships["active"].id)
    assert active.state == "under_review"
    record = db.session.scalar(select(HistoryRecord).where(HistoryRecord.case_id == active.id)
                               .order_by(HistoryRecord.seq.desc()).limit(1))
    assert record.trigger == "start_review" and record.actor == "reviewer2@example.org"
    assert json.loads(record.data)["fields"]["reason"].startswith("partner flagged: Tostan is flagged for sanctions.")
    # The others stay where they were: vetted and agreed ones are told, not moved.
    assert {s: db.session.get(Case, partnerships[s].id).state for s in ("vetted", "agreed", "exiting")} == {
        "vetted": "vetted", "agreed": "agreed", "exiting": "exiting"}
    # In the reviewers' queue, where a reviewer discontinues it for a violation of guiding principles (para 57).
    sign_in(users["reviewer"])
    assert "In active" in client.get("/queue").get_data(as_text=True)
    current_workflow().fire(active.id, "discontinue", Actor.of(users["reviewer"]),
                            {"reason": "violation", "narrative": "The partner is under sanctions."})
    assert db.session.get(Case, active.id).closure_reason == "violation"


def test_an_admin_flags_and_the_system_starts_the_reviews_naming_the_admin(client, users, sign_in, tostan, partnerships):
    sign_in(users["admin"])
    _flag(client, tostan, reputational_flag=True, note="Child labour found in its supply chain.")
    record = db.session.scalar(select(HistoryRecord).where(HistoryRecord.case_id == partnerships["active"].id)
                               .order_by(HistoryRecord.seq.desc()).limit(1))
    assert record.trigger == "start_review" and record.actor == "system:partner_flag"
    assert record.comment == "Partner flagged by Abe Admin."
    # The admin is nobody's reviewer: the owner and the reviewer are both told.
    assert {n.user_id for n in _notices()} == {users["officer"].id, users["reviewer"].id}


def test_flagging_again_with_the_same_flags_changes_nothing(client, users, sign_in, tostan, partnerships):
    sign_in(users["reviewer2"])
    _flag(client, tostan, sanctions_flag=True)
    counts = (len(_notices()), db.session.scalar(select(func.count()).select_from(HistoryRecord)))
    page = _flag(client, tostan, sanctions_flag=True, note="Still listed.").get_data(as_text=True)
    assert "were already so: nothing changed" in page
    assert (len(_notices()), db.session.scalar(select(func.count()).select_from(HistoryRecord))) == counts
    assert db.session.scalar(select(func.count()).select_from(models.PartnerChange)) == 1
    assert "Still listed." not in db.session.get(Organisation, tostan.id).flag_note


def test_each_flag_change_is_kept_with_who_when_and_why(client, users, sign_in, tostan, partnerships):
    sign_in(users["reviewer2"])
    _flag(client, tostan, sanctions_flag=True)
    _flag(client, tostan, note="Delisted on 9 May.")
    kept = db.session.scalars(select(models.PartnerChange).order_by(models.PartnerChange.id)).all()
    assert [(c.kind, json.loads(c.changes), c.reason, c.by_user_id) for c in kept] == [
        ("flags", {"sanctions_flag": [False, True]}, "On the consolidated sanctions list since 3 March.", users["reviewer2"].id),
        ("flags", {"sanctions_flag": [True, False]}, "Delisted on 9 May.", users["reviewer2"].id)]
    assert all(c.at is not None for c in kept)
    page = client.get(f"/partners/{tostan.id}").get_data(as_text=True)
    assert "Delisted on 9 May." in page and "sanctions flag: True → False" in page
    # Clearing a flag tells nobody and moves nothing.
    assert len(_notices()) == 10


@pytest.mark.parametrize("role", ["officer", "auditor"])
def test_officers_and_auditors_may_not_flag(client, users, sign_in, tostan, partnerships, role):
    sign_in(users[role])
    response = client.post(f"/partners/{tostan.id}/flags", data={"sanctions_flag": "y", "note": "x"})
    assert response.status_code == 403
    assert not db.session.get(Organisation, tostan.id).sanctions_flag and _notices() == []
    assert db.session.get(Case, partnerships["active"].id).state == "active"


def test_a_review_a_flag_opens_is_due_the_day_of_the_flag_and_heads_the_queue(client, users, sign_in, cases, tostan,
                                                                            partnerships):
    scheduled = db.session.get(Case, partnerships["active"].id).next_review_due
    assert scheduled > today()  # a periodic review months away
    sign_in(users["reviewer2"])
    _flag(client, tostan, sanctions_flag=True)
    flagged = db.session.get(Case, partnerships["active"].id)
    review = db.session.scalar(select(Review).where(Review.case_id == flagged.id))
    assert flagged.next_review_due == review.due_on == today()
    queue = db.session.scalars(queue_query(today())).all()
    assert queue[0].id == flagged.id  # before the case that was already under review with a later date
    assert verify_chains(db.session, case_id=flagged.id).ok  # the earlier date is a fact of the history
