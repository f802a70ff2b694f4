"""Exports carry the chain's hashes, so a copy can be checked later against `caseflow verify`."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re

import pytest
from sqlalchemy import select

from caseflow.audit.checks import check_export
from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord


def _verify_final_hash(runner, case_id: int) -> str:
    result = runner.invoke(args=["verify", "--case", str(case_id)])
    assert result.exit_code == 0, result.output
    return re.search(r"final hash ([0-9a-f]{64})", result.output).group(1)


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_case_export_ends_with_the_final_hash_the_verify_command_prints(demo, runner, sign_in, fmt):
    client = sign_in("auditor")
    for case in db.session.scalars(select(Case).order_by(Case.id)).all():
        response = client.get(f"/audit/cases/{case.id}/export", query_string={"format": fmt})
        assert response.status_code == 200
        assert f"{case.reference}-history.{fmt}" in response.headers["Content-Disposition"]
        text = response.get_data(as_text=True)
        if fmt == "csv":
            rows = _rows(text)
            records, final = [r for r in rows if r["kind"] == "record"], rows[-1]
            assert final["kind"] == "final_hash" and int(final["seq"]) == case.history_seq
            final_hash = final["hash"]
        else:
            doc = json.loads(text)
            records, final_hash = doc["records"], doc["final_hash"]
            assert doc["final_seq"] == case.history_seq
        assert [int(r["seq"]) for r in records] == list(range(1, case.history_seq + 1))
        assert final_hash == _verify_final_hash(runner, case.id) == records[-1]["hash"]
        assert check_export(text).problems == []


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_log_export_carries_each_hash_each_case_head_and_a_digest(demo, runner, sign_in, fmt):
    client = sign_in("auditor")
    partner_id = db.session.scalar(select(Case.partner_id).where(Case.state == "active").order_by(Case.id))
    response = client.get("/audit/export", query_string={"format": fmt, "partner_id": partner_id, "to_state": "active"})
    text = response.get_data(as_text=True)
    if fmt == "csv":
        rows = _rows(text)
        records = [r for r in rows if r["kind"] == "record"]
        heads = {int(r["case_id"]): r["hash"] for r in rows if r["kind"] == "case_head"}
        digest = rows[-1]["hash"]
        assert rows[-1]["kind"] == "digest" and int(rows[-1]["seq"]) == len(records)
    else:
        doc = json.loads(text)
        records, digest = doc["records"], doc["digest"]
        heads = {h["case_id"]: h["hash"] for h in doc["case_heads"]}
        assert doc["filters"] == {"partner_id": partner_id, "to_state": "active"} and doc["count"] == len(records)
    expected = db.session.scalars(
        select(HistoryRecord).join(Case).where(Case.partner_id == partner_id, HistoryRecord.to_state == "active")
        .order_by(HistoryRecord.at, HistoryRecord.id)).all()
    assert [r["hash"] for r in records] == [r.hash for r in expected] and expected
    assert heads == {c: _verify_final_hash(runner, c) for c in {r.case_id for r in expected}}
    assert digest == hashlib.sha256("".join(f"{r.hash}\n" for r in expected).encode()).hexdigest()
    assert check_export(text).problems == []


def test_exports_are_streamed_not_built_in_memory(demo, sign_in):
    client = sign_in("auditor")
    case_id = db.session.scalar(select(Case.id).order_by(Case.id))
    for url in ("/audit/export?format=csv", f"/audit/cases/{case_id}/export?format=json"):
        response = client.get(url, buffered=False)
        assert response.is_streamed
        assert len(list(response.response)) > 2  # the body came in several pieces
        response.close()


def test_check_export_command_accepts_a_true_copy_and_names_an_altered_record(demo, runner, sign_in, tmp_path):
    client = sign_in("auditor")
    case = db.session.scalar(select(Case).where(Case.state == "active").order_by(Case.id))
    copy = tmp_path / "history.json"
    copy.write_text(client.get(f"/audit/cases/{case.id}/export?format=json").get_data(as_text=True))
    result = runner.invoke(args=["check-export", str(copy)])
    assert result.exit_code == 0, result.output
    assert f"export intact: {case.history_seq} records" in result.output and case.history_head in result.output

    doc = json.loads(copy.read_text())
    doc["records"][1]["actor"] = "someone.else@example.org"
    copy.write_text(json.dumps(doc))
    altered = runner.invoke(args=["check-export", str(copy)])
    assert altered.exit_code == 1
    assert f"case {case.id} record #2: its content does not match its hash" in altered.output


def test_check_export_command_notices_when_the_database_moved_on_from_the_copy(demo, runner, sign_in, tmp_path, users):
    client = sign_in("auditor")
    case = db.session.scalar(select(Case).where(Case.state == "active").order_by(Case.id))
    copy = tmp_path / "history.csv"
    copy.write_text(client.get(f"/audit/cases/{case.id}/export?format=csv").get_data(as_text=True))
    rows = _rows(copy.read_text())
    rows[-1]["hash"] = "0" * 64
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    copy.write_text(buffer.getvalue())
    result = runner.invoke(args=["check-export", str(copy)])
    assert result.exit_code == 1 and f"the database holds {case.history_head}" in result.output


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_without_its_closing_line_does_not_check(demo, sign_in, fmt):
    client = sign_in("auditor")
    case = db.session.scalar(select(Case).where(Case.state == "active").order_by(Case.id))
    text = client.get(f"/audit/cases/{case.id}/export?format={fmt}").get_data(as_text=True)
    if fmt == "csv":
        cut = "".join(text.splitlines(keepends=True)[:-1])  # the final_hash row dropped
    else:
        doc = json.loads(text)
        del doc["final_hash"], doc["final_seq"]
        cut = json.dumps(doc)
    log = client.get("/audit/export?format=csv").get_data(as_text=True)
    for damaged in (cut, "".join(log.splitlines(keepends=True)[:-1]), "kind,case_id,seq,hash\n"):
        assert check_export(damaged).problems == [
            "it ends without its final hash or digest line: cut short, or not a caseflow export"]
