"""Check an export later: every record's hash recomputed, chain links, digest, and heads against the database."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass, field
from types import SimpleNamespace

from sqlalchemy import select

from caseflow.audit.cells import from_spreadsheet_safe
from caseflow.checkpoints import read_log
from caseflow.models import HistoryRecord
from caseflow.workflow.chain import hash_format_of
from caseflow.workflow.chain_verify import verify_chains


@dataclass
class ExportCheck:
    records: int = 0
    heads: dict = field(default_factory=dict)  # case_id -> (seq, hash) the export ends each chain with
    checkpoint: dict | None = None  # the signed checkpoint it was made under: {"n", "at", "root"}
    problems: list[str] = field(default_factory=list)


def _at(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)


def parse_export(text: str):
    """Yield ("record", dict), ("head", dict), ("final", dict) and ("digest", hex) items from a CSV or JSON export.

    A case export closes with its "final" head; a log export with its "digest".
    """
    if text.lstrip().startswith("{"):
        doc = json.loads(text)
        if doc.get("checkpoint"):
            yield "checkpoint", doc["checkpoint"]
        for record in doc["records"]:
            yield "record", record
        for head in doc.get("case_heads") or []:
            yield "head", head
        if "final_hash" in doc:
            yield "final", {"case_id": doc["case_id"], "seq": doc["final_seq"], "hash": doc["final_hash"]}
        if "digest" in doc:
            yield "digest", doc["digest"]
        return
    for row in csv.DictReader(io.StringIO(text)):
        kind = row.pop("kind")
        row = {k: (from_spreadsheet_safe(v) if v != "" else None) for k, v in row.items()}
        if kind == "record":
            yield "record", {**row, "case_id": int(row["case_id"]), "seq": int(row["seq"])}
        elif kind in ("final_hash", "case_head"):
            head = {"case_id": int(row["case_id"]), "seq": int(row["seq"]), "hash": row["hash"]}
            yield ("final" if kind == "final_hash" else "head"), head
        elif kind == "digest":
            yield "digest", row["hash"]
        elif kind == "checkpoint":
            yield "checkpoint", {"n": int(row["seq"]), "at": row["at"], "root": row["hash"]}


def check_export(text: str) -> ExportCheck:
    """Recompute each record's hash and its link to the record before it in the file; check the digest."""
    result, digest, last, closed = ExportCheck(), hashlib.sha256(), {}, False
    formats = {}  # case_id -> hash format of its last record in the file: a chain never goes back
    for kind, item in parse_export(text):
        if kind == "record":
            r = item
            result.records += 1
            digest.update(f"{r['hash']}\n".encode())
            uid = r.get("actor_user_id")
            record = SimpleNamespace(**{**r, "at": _at(r["at"]), "actor_user_id": int(uid) if uid not in (None, "") else None})
            fmt = hash_format_of(record, formats.get(r["case_id"]))
            formats[r["case_id"]] = fmt
            if fmt is None:
                result.problems.append(f"case {r['case_id']} record #{r['seq']}: its content does not match its hash")
            before = last.get(r["case_id"])
            if before and before[0] == r["seq"] - 1 and before[1] != r["prev_hash"]:
                result.problems.append(f"case {r['case_id']} record #{r['seq']}: its link to record #{before[0]} is broken")
            last[r["case_id"]] = (r["seq"], r["hash"])
        elif kind == "checkpoint":
            result.checkpoint = item
        elif kind in ("head", "final"):
            result.heads[item["case_id"]] = (item["seq"], item["hash"])
            closed = closed or kind == "final"
        else:
            closed = True
            if item != digest.hexdigest():
                result.problems.append("the digest line does not match the records' hashes")
    if not closed:
        result.problems.append("it ends without its final hash or digest line: cut short, or not a caseflow export")
    return result


def compare_with_database(session, check: ExportCheck) -> list[str]:
    """Each head the export names must be that record's hash in the database, in a chain that verifies;
    the checkpoint it names must be in the signed checkpoint log, with that root."""
    problems = []
    if check.checkpoint and check.checkpoint.get("n"):
        signed = {line["n"]: line for line in read_log()}.get(check.checkpoint["n"])
        if signed is None or (signed["at"], signed["root"]) != (check.checkpoint["at"], check.checkpoint["root"]):
            problems.append(f"checkpoint #{check.checkpoint['n']} it names is not in the signed checkpoint log as named")
    for case_id, (seq, digest) in sorted(check.heads.items()):
        stored = session.scalar(select(HistoryRecord.hash).where(HistoryRecord.case_id == case_id,
                                                                 HistoryRecord.seq == seq))
        if stored != digest:
            problems.append(f"case {case_id} record #{seq}: the database holds {stored or 'no such record'}, "
                            f"the export {digest}")
            continue
        verified = verify_chains(session, case_id=case_id)
        if not verified.ok:
            problems.append(f"history broken at {verified.broken}")
    return problems
