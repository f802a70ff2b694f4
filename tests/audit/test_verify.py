"""The verification page runs the same check as `caseflow verify` and names the first broken record."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord


def test_an_intact_history_is_reported_intact(demo, sign_in, runner):
    client = sign_in("auditor")
    page = client.get("/audit/verify?run=1").get_data(as_text=True)
    cases = db.session.query(Case).count()
    records = db.session.query(HistoryRecord).count()
    assert 'data-verify="intact"' in page and f"Verified {cases} chains, {records} records: intact" in page
    assert f"verified {cases} chains, {records} records: intact" in runner.invoke(args=["verify"]).output


def test_one_case_is_verified_with_its_final_hash(demo, sign_in):
    case = db.session.scalar(select(Case).order_by(Case.id))
    page = sign_in("auditor").get(f"/audit/verify?run=1&case_id={case.id}").get_data(as_text=True)
    assert "Verified 1 chains" in page and case.history_head in page


def test_verify_page_before_running_and_for_a_missing_case(demo, sign_in):
    client = sign_in("auditor")
    assert "data-verify" not in client.get("/audit/verify").get_data(as_text=True)
    missing = client.get("/audit/verify?run=1&case_id=9999")
    assert missing.status_code == 400 and "There is no case 9999." in missing.get_data(as_text=True)


def test_a_tampered_record_is_named_by_the_page_and_the_command(demo, sign_in, runner, tamper):
    case = db.session.scalar(select(Case).where(Case.state == "active").order_by(Case.id))
    record = db.session.scalar(select(HistoryRecord).where(HistoryRecord.case_id == case.id, HistoryRecord.seq == 2))
    tamper(record.id)
    named = f"case {case.id} record #2 (id {record.id}): its content does not match its hash"

    page = sign_in("auditor").get("/audit/verify?run=1").get_data(as_text=True)
    assert 'data-verify="broken"' in page and named in page
    assert f'href="/audit/cases/{case.id}#record-2"' in page
    history = sign_in("auditor").get(f"/audit/cases/{case.id}").get_data(as_text=True)
    assert 'data-chain="broken"' in history and named in history

    result = runner.invoke(args=["verify"])
    assert result.exit_code == 1 and named in result.output
    assert named in runner.invoke(args=["verify", "--case", str(case.id)]).output


def test_postgres_refuses_to_update_history(demo):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    record_id = db.session.scalar(select(HistoryRecord.id).limit(1))
    with pytest.raises(DBAPIError, match="history_records is append-only"):
        db.session.execute(text("UPDATE history_records SET comment = 'x' WHERE id = :id"), {"id": record_id})
    db.session.rollback()
