"""Hash format 2 covers actor_user_id; chains hashed under format 1 still verify, never go back to it, and
what the timeline shows of them comes only from what format 1 covers."""
from __future__ import annotations

from sqlalchemy import select

from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord, User
from caseflow.workflow.chain import hash_format_of, record_hash
from caseflow.workflow.chain_verify import verify_chains


def _records(case_id: int) -> list:
    db.session.rollback()
    return db.session.execute(select(HistoryRecord.__table__).where(HistoryRecord.case_id == case_id)
                              .order_by(HistoryRecord.seq)).all()


def _rehash(intrude, case_id: int, formats) -> None:
    """Rewrite a chain as a database of an older caseflow holds it: record i hashed in formats[i]."""
    prev = None
    for r, fmt in zip(_records(case_id), formats):
        digest = record_hash(case_id=case_id, seq=r.seq, trigger=r.trigger, from_state=r.from_state,
                             to_state=r.to_state, actor=r.actor, actor_user_id=r.actor_user_id, at=r.at, data=r.data,
                             comment=r.comment, prev_hash=prev, fmt=fmt)
        intrude("UPDATE history_records SET prev_hash = :p, hash = :h WHERE id = :id", p=prev, h=digest, id=r.id)
        prev = digest
    intrude("UPDATE cases SET history_head = :h WHERE id = :c", h=prev, c=case_id)


def _user_case() -> Case:
    """A case whose history has steps by users (not only the scheduler), with at least three records."""
    return db.session.scalar(select(Case).where(Case.history_seq >= 3, Case.state == "active").order_by(Case.id))


def test_new_records_are_hashed_in_format_2_which_covers_the_acting_user(demo):
    for r in _records(_user_case().id):
        assert hash_format_of(r) == 2


def test_a_chain_of_format_1_records_still_verifies_and_may_move_on_to_format_2(demo, intrude):
    case = _user_case()
    n = case.history_seq
    _rehash(intrude, case.id, [1] * n)
    assert verify_chains(db.session, case_id=case.id).ok
    _rehash(intrude, case.id, [1] * (n - 1) + [2])  # an upgraded caseflow's first step on an old chain
    assert verify_chains(db.session, case_id=case.id).ok


def test_a_chain_never_goes_back_from_format_2_to_format_1(demo, intrude):
    case = _user_case()
    _rehash(intrude, case.id, [2] + [1] * (case.history_seq - 1))
    broken = verify_chains(db.session, case_id=case.id).broken
    assert (broken.seq, broken.reason) == (2, "its content does not match its hash")


def test_the_timeline_names_a_format_1_records_actor_by_the_hashed_email_not_the_unhashed_id(demo, intrude, sign_in):
    case = _user_case()
    _rehash(intrude, case.id, [1] * case.history_seq)
    record = next(r for r in _records(case.id) if r.actor_user_id)
    admin = db.session.scalar(select(User).where(User.role == "admin").order_by(User.id))
    actor = db.session.scalar(select(User).where(User.id == record.actor_user_id))
    intrude("UPDATE history_records SET actor_user_id = :u WHERE id = :id", u=admin.id, id=record.id)
    page = sign_in("auditor").get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"by {actor.name} · " in page and f"by {admin.name} · " not in page


def test_the_timeline_names_a_format_2_records_actor_by_its_id(demo, sign_in):
    case = _user_case()
    record = next(r for r in _records(case.id) if r.actor_user_id)
    actor = db.session.get(User, record.actor_user_id)
    assert f"by {actor.name} · " in sign_in("auditor").get(f"/cases/{case.id}").get_data(as_text=True)
