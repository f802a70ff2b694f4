"""Signed checkpoints: anchors for the history outside the database.

A checkpoint is one line of an append-only JSON-lines log kept in a directory outside the database:
its number, time, number of cases and records, the Merkle root over every case's head (the leaves
themselves in a gzip file beside the log), the previous line's hash and an Ed25519 signature by a
key the database never holds. Whoever can write to the database cannot rewrite what a checkpoint
holds without `verify` seeing it, since they cannot sign a new one.
"""
from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from caseflow.checkpoints import merkle
from caseflow.checkpoints.signing import KeyUnavailable, key_id, load_key, sign, signature_holds
from caseflow.clock import utcnow
from caseflow.models import Case
from caseflow.workflow.chain import format_at
from caseflow.workflow.step_data import canonical_json

LOG_NAME = "checkpoints.jsonl"
__all__ = ["Anchor", "CheckpointBroken", "KeyUnavailable", "latest_anchor", "prove", "read_log", "write_checkpoint"]


class CheckpointBroken(RuntimeError):
    """The checkpoint log or a leaves file is not what was signed."""


@dataclass(frozen=True)
class Anchor:
    """A verified checkpoint and its leaves: case id -> (number of records, head hash)."""

    line: dict
    leaves: dict

    @property
    def label(self) -> str:
        return f"checkpoint #{self.line['n']} of {self.line['at']}"


def directory() -> Path:
    return Path(current_app.config["CASEFLOW_CHECKPOINT_DIR"])


def signing_key():
    """The configured key; in development and tests it is created under instance/ on first use."""
    create = current_app.config["CASEFLOW_ENV"] != "production"
    return load_key(Path(current_app.config["CASEFLOW_CHECKPOINT_KEY"]), create=create)


def _unsigned(line: dict) -> bytes:
    return canonical_json({k: v for k, v in line.items() if k != "sig"}).encode()


def _line_hash(line: dict) -> str:
    return hashlib.sha256(canonical_json(line).encode()).hexdigest()


def _checked_lines(text: str, public) -> list[dict]:
    """Every line of the log, each checked: its signature, its number and its link to the line before."""
    lines, prev = [], None
    for number, raw in enumerate((t for t in text.splitlines() if t.strip()), start=1):
        try:
            line = json.loads(raw)
            ok = signature_holds(public, _unsigned(line), line["sig"])
        except (ValueError, KeyError, TypeError):
            raise CheckpointBroken(f"line {number} of the checkpoint log is not a checkpoint") from None
        if not ok:
            raise CheckpointBroken(f"checkpoint #{number}'s signature does not hold (altered, or another key's)")
        if line.get("n") != number or line.get("prev") != prev:
            raise CheckpointBroken(f"checkpoint #{number} does not follow the one before it")
        lines.append(line)
        prev = _line_hash(line)
    return lines


def read_log() -> list[dict]:
    """The checkpoints written so far, oldest first, checked; raise CheckpointBroken when one is not as signed."""
    path = directory() / LOG_NAME
    if not path.exists():
        return []
    return _checked_lines(path.read_text(encoding="utf-8"), signing_key().public_key())


def _leaves_path(n: int) -> Path:
    return directory() / f"leaves-{n:06d}.txt.gz"


def load_leaves(line: dict) -> list[tuple[int, int, str | None]]:
    """A checkpoint's leaves, checked against its signed digest and root."""
    try:
        content = gzip.decompress(_leaves_path(line["n"]).read_bytes())
    except (OSError, EOFError) as exc:
        raise CheckpointBroken(f"the leaves of checkpoint #{line['n']} cannot be read: {exc}") from None
    if hashlib.sha256(content).hexdigest() != line["leaves_sha256"]:
        raise CheckpointBroken(f"the leaves of checkpoint #{line['n']} are not those it signed")
    leaves = []
    for text in content.decode().splitlines():
        case_id, seq, head = text.split(" ")
        leaves.append((int(case_id), int(seq), None if head == "-" else head))
    return leaves


def latest_anchor() -> Anchor | None:
    """The newest checkpoint with its leaves, all checked; None before the first one."""
    lines = read_log()
    if not lines:
        return None
    line = lines[-1]
    leaves = load_leaves(line)
    if merkle.root([merkle.leaf_hash(*leaf) for leaf in leaves]) != line["root"]:
        raise CheckpointBroken(f"the leaves of checkpoint #{line['n']} do not give its signed root")
    return Anchor(line, {case_id: (seq, head) for case_id, seq, head in leaves})


def write_checkpoint(session) -> dict:
    """Sign the current head of every case and append the checkpoint to the log; return its line."""
    key = signing_key()
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    heads = session.execute(select(Case.id, Case.history_seq, Case.history_head).order_by(Case.id)).all()
    content = "".join(merkle.leaf_line(*row) + "\n" for row in heads).encode()
    with open(folder / LOG_NAME, "a+", encoding="utf-8") as log:
        fcntl.flock(log, fcntl.LOCK_EX)  # one writer at a time: numbers and links stay in order
        log.seek(0)
        previous = _checked_lines(log.read(), key.public_key())
        n = len(previous) + 1
        partial = _leaves_path(n).with_suffix(".part")
        partial.write_bytes(gzip.compress(content))
        os.replace(partial, _leaves_path(n))
        line = {"n": n, "at": format_at(utcnow()), "cases": len(heads), "records": sum(seq for _, seq, _ in heads),
                "root": merkle.root([merkle.leaf_hash(*row) for row in heads]),
                "leaves_sha256": hashlib.sha256(content).hexdigest(),
                "prev": _line_hash(previous[-1]) if previous else None, "key": key_id(key.public_key())}
        line["sig"] = sign(key, _unsigned(line))
        log.write(canonical_json(line) + "\n")
        log.flush()
        os.fsync(log.fileno())
    return line


def prove(case_id: int) -> dict:
    """The latest checkpoint's proof for one case: its leaf, the path and the root it leads to."""
    lines = read_log()
    if not lines:
        raise LookupError("there is no checkpoint yet")
    line = lines[-1]
    leaves = load_leaves(line)
    index = next((i for i, leaf in enumerate(leaves) if leaf[0] == case_id), None)
    if index is None:
        raise LookupError(f"checkpoint #{line['n']} holds no case {case_id}")
    hashes = [merkle.leaf_hash(*leaf) for leaf in leaves]
    path = merkle.proof(hashes, index)
    return {"checkpoint": line, "leaf": leaves[index], "path": path,
            "root": merkle.root_of_path(hashes[index], path), "holds": merkle.root_of_path(hashes[index], path) == line["root"]}
