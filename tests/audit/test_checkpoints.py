"""Signed checkpoints anchor the history outside the database: written on demand and by the daily check,
checked by verify, a case provable against one, altered lines refused, and exports name theirs."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from caseflow import create_app
from caseflow.checkpoints import CheckpointBroken, latest_anchor, read_log
from caseflow.checkpoints import merkle
from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord


def _log(app) -> Path:
    return Path(app.config["CASEFLOW_CHECKPOINT_DIR"]) / "checkpoints.jsonl"


def test_caseflow_checkpoint_signs_every_case_head_and_verify_checks_against_it(app, demo, runner):
    before = runner.invoke(args=["verify"])
    assert before.exit_code == 0 and "; no checkpoint yet" in before.output
    written = runner.invoke(args=["checkpoint"])
    cases = db.session.query(Case).count()
    records = db.session.query(HistoryRecord).count()
    assert written.exit_code == 0, written.output
    assert "checkpoint #1 at " in written.output and f"{cases} cases, {records} records, root " in written.output
    (line,) = read_log()
    assert (line["n"], line["cases"], line["records"], line["prev"]) == (1, cases, records, None)
    after = runner.invoke(args=["verify"])
    assert after.exit_code == 0 and f"every record of checkpoint #1 of {line['at']} is there, unchanged" in after.output
    second = runner.invoke(args=["checkpoint"])
    assert second.exit_code == 0 and "checkpoint #2" in second.output
    assert read_log()[1]["prev"] is not None


def test_one_case_is_proven_against_the_signed_root(app, demo, runner):
    runner.invoke(args=["checkpoint"])
    case = db.session.scalar(select(Case).order_by(Case.id.desc()))
    shown = runner.invoke(args=["checkpoint", "prove", str(case.id)])
    assert shown.exit_code == 0, shown.output
    assert f"leaf: case {case.id}, {case.history_seq} records, head {case.history_head}" in shown.output
    assert "the path leads to the signed root" in shown.output
    # The path printed is enough for anyone to recompute the root without caseflow's database.
    path = [tuple(line.split()) for line in shown.output.splitlines() if line.startswith("  ")]
    leaf = merkle.leaf_hash(case.id, case.history_seq, case.history_head)
    assert merkle.root_of_path(leaf, path) == read_log()[-1]["root"]
    missing = runner.invoke(args=["checkpoint", "prove", "99999"])
    assert missing.exit_code == 1 and "holds no case 99999" in missing.output


def test_no_checkpoint_is_signed_over_a_broken_history(app, demo, runner, tamper):
    tamper(db.session.scalar(select(HistoryRecord.id).order_by(HistoryRecord.id)))
    refused = runner.invoke(args=["checkpoint"])
    assert refused.exit_code == 1 and "no checkpoint written" in refused.output and read_log() == []


@pytest.mark.parametrize("damage", ["root", "records", "drop_first", "leaves"])
def test_an_altered_checkpoint_log_is_refused(app, demo, runner, damage):
    runner.invoke(args=["checkpoint"])
    runner.invoke(args=["checkpoint"])
    log = _log(app)
    lines = log.read_text().splitlines()
    if damage in ("root", "records"):
        first = json.loads(lines[0])
        first[damage] = "0" * 64 if damage == "root" else first[damage] + 1
        lines[0] = json.dumps(first)
    elif damage == "drop_first":
        lines = lines[1:]
    if damage == "leaves":
        import gzip
        leaves = log.parent / "leaves-000002.txt.gz"
        leaves.write_bytes(gzip.compress(gzip.decompress(leaves.read_bytes()).replace(b" 1 ", b" 2 ", 1)))
    else:
        log.write_text("\n".join(lines) + "\n")
    with pytest.raises(CheckpointBroken):
        latest_anchor()
    result = runner.invoke(args=["verify"])
    assert result.exit_code == 1 and "checkpoints broken" in result.output


def test_a_checkpoint_signed_by_another_key_is_refused(app, demo, runner, tmp_path):
    runner.invoke(args=["checkpoint"])
    app.config["CASEFLOW_CHECKPOINT_KEY"] = str(tmp_path / "another_key.pem")
    with pytest.raises(CheckpointBroken, match="signature does not hold"):
        read_log()


def test_production_refuses_to_start_without_a_checkpoint_key(monkeypatch, tmp_path):
    monkeypatch.delenv("CASEFLOW_CHECKPOINT_KEY", raising=False)
    with pytest.raises(SystemExit, match="CASEFLOW_CHECKPOINT_KEY must name the checkpoints' signing key file"):
        create_app({"CASEFLOW_ENV": "production", "SECRET_KEY": "s", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
                    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"})


def test_the_development_key_is_made_under_instance_on_first_use(app, demo, runner):
    key = Path(app.config["CASEFLOW_CHECKPOINT_KEY"])
    assert key.parent == Path(app.instance_path)
    runner.invoke(args=["checkpoint"])
    assert key.exists() and key.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_exports_name_the_checkpoint_they_were_made_under(app, demo, runner, sign_in, fmt, tmp_path):
    runner.invoke(args=["checkpoint"])
    line = read_log()[-1]
    case = db.session.scalar(select(Case).order_by(Case.id))
    client = sign_in("auditor")
    for url in (f"/audit/cases/{case.id}/export", "/audit/export"):
        text = client.get(url, query_string={"format": fmt}).get_data(as_text=True)
        if fmt == "json":
            assert json.loads(text)["checkpoint"] == {"n": 1, "at": line["at"], "root": line["root"]}
        else:
            assert f"checkpoint,,1,{line['at']}," in text and line["root"] in text.splitlines()[1]
        copy = tmp_path / f"export.{fmt}"
        copy.write_text(text)
        assert runner.invoke(args=["check-export", str(copy)]).exit_code == 0
    forged = copy.read_text().replace(line["root"], "f" * 64)
    copy.write_text(forged)
    result = runner.invoke(args=["check-export", str(copy)])
    assert result.exit_code == 1 and "checkpoint #1 it names is not in the signed checkpoint log" in result.output


def test_the_daily_check_signs_a_checkpoint_that_the_next_one_checks(app, demo, tamper):
    from caseflow.clock import frozen_at
    from caseflow.jobs import run_all

    morning = dt.datetime(2031, 3, 3, 6, tzinfo=dt.timezone.utc)
    with frozen_at(morning):
        (first,) = run_all(morning, holder="test", only=("history_check",))
    assert first.detail.endswith("checkpoint #1 signed") and latest_anchor().line["n"] == 1
    record = db.session.scalar(select(HistoryRecord).order_by(HistoryRecord.id))
    tamper(record.id)
    with frozen_at(morning + dt.timedelta(days=1)):
        (second,) = run_all(morning + dt.timedelta(days=1), holder="test", only=("history_check",))
    assert "broken at case" in second.detail and len(read_log()) == 1
