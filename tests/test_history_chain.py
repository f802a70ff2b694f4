"""The history is a hash chain: verification names the first broken record; PostgreSQL refuses edits."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from caseflow.extensions import db
from caseflow.models import HistoryRecord
from caseflow.workflow.chain import record_hash
from caseflow.workflow.chain_verify import verify_chains


def records_of(case_id):
    return db.session.scalars(select(HistoryRecord).where(HistoryRecord.case_id == case_id)
                              .order_by(HistoryRecord.seq)).all()


def raw(sql, **params):
    """Run SQL past the application, as someone with database access would; lift PostgreSQL's guard for it."""
    db.session.rollback()  # end the session's snapshot so it sees the change afterwards
    with db.engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.execute(text("ALTER TABLE history_records DISABLE TRIGGER history_records_append_only"))
        conn.execute(text(sql), params)
        if postgres:
            conn.execute(text("ALTER TABLE history_records ENABLE TRIGGER history_records_append_only"))


def test_each_record_chains_to_its_predecessor(app, cases):
    case = cases.in_state("exiting")
    records = records_of(case.id)
    assert records[0].prev_hash is None
    for before, after in zip(records, records[1:]):
        assert after.prev_hash == before.hash
    for r in records:
        assert r.hash == record_hash(case_id=r.case_id, seq=r.seq, trigger=r.trigger, from_state=r.from_state,
                                     to_state=r.to_state, actor=r.actor, actor_user_id=r.actor_user_id, at=r.at,
                                     data=r.data, comment=r.comment, prev_hash=r.prev_hash)
    result = verify_chains(db.session, case_id=case.id)
    assert result.ok and result.records == len(records) and result.final_hash == records[-1].hash


def test_tampering_with_a_record_is_found_at_exactly_that_record(app, cases, runner):
    intact = cases.in_state("active")
    case = cases.in_state("under_review")
    target = records_of(case.id)[2]
    raw("UPDATE history_records SET data = :data WHERE id = :id", data=target.data.replace("PCA/2026/001", "PCA/2026/999"), id=target.id)
    result = verify_chains(db.session)
    assert not result.ok
    assert (result.broken.case_id, result.broken.seq, result.broken.record_id) == (case.id, 3, target.id)
    assert result.broken.reason == "its content does not match its hash"
    assert verify_chains(db.session, case_id=intact.id).ok
    cli = runner.invoke(args=["verify"])
    assert cli.exit_code == 1
    assert f"history broken at case {case.id} record #3 (id {target.id}): its content does not match its hash" in cli.output


def test_a_removed_last_record_or_an_unexplained_state_is_found(app, cases):
    case = cases.in_state("active")
    last = records_of(case.id)[-1]
    raw("DELETE FROM history_records WHERE id = :id", id=last.id)
    broken = verify_chains(db.session).broken
    assert broken.case_id == case.id and "records ending in" in broken.reason
    other = cases.in_state("vetted")
    raw("UPDATE cases SET state = 'active' WHERE id = :id", id=other.id)
    broken = verify_chains(db.session, case_id=other.id).broken
    assert broken.reason == "the case is 'active' but its history ends in 'vetted'"


def test_a_relinked_record_is_found(app, cases):
    case = cases.in_state("agreed")
    second = records_of(case.id)[1]
    raw("UPDATE history_records SET prev_hash = :h WHERE id = :id", h="0" * 64, id=second.id)
    broken = verify_chains(db.session).broken
    assert (broken.seq, broken.reason) == (2, "its link to the previous record is broken")


def test_postgresql_itself_refuses_to_change_or_delete_history(app, cases):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the database-level guard is PostgreSQL's; SQLite relies on the application and verification")
    case = cases.in_state("vetted")
    record = records_of(case.id)[0]
    for statement in ("UPDATE history_records SET actor = 'someone else' WHERE id = :id",
                      "DELETE FROM history_records WHERE id = :id"):
        with pytest.raises(DBAPIError, match="history_records is append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement), {"id": record.id})
    assert verify_chains(db.session).ok

