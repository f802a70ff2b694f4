"""A partner's kept changes, chained as the cases' history is: each change's SHA-256 covers it and the one before.

A partner's flags decide what its partnerships may do (paras 46 and 57: a flagged partner is not vetted, agreed
or activated), so the record of who set or cleared them, and of every correction, is as tamper-evident as a
case's history. `caseflow verify` walks each partner's chain and replays its flags and corrected details from
it: a flag set or cleared in the database by hand, or a change rewritten, is named.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select

from caseflow.models import Organisation, PartnerChange
from caseflow.workflow.chain import format_at
from caseflow.workflow.step_data import canonical_json

#: What a partner's flags are before any change sets them.
UNFLAGGED = {"sanctions_flag": False, "reputational_flag": False}


def change_hash(*, partner_id: int, kind: str, changes: str, reason: str, by_user_id: int, at, prev_hash) -> str:
    """The hex SHA-256 of one kept change (`changes` as stored: its JSON text) chained to `prev_hash`."""
    payload = {"partner_id": partner_id, "kind": kind, "changes": changes, "reason": reason, "by": by_user_id,
               "at": format_at(at), "prev": prev_hash}
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def head_of(session, partner_id: int) -> str | None:
    """The hash of the partner's last kept change, or None before its first."""
    return session.scalar(select(PartnerChange.hash).where(PartnerChange.partner_id == partner_id)
                          .order_by(PartnerChange.id.desc()).limit(1))


@dataclass(frozen=True)
class PartnerVerdict:
    partners: int
    changes: int
    broken: str | None  # the first problem found, described, or None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_partners(session) -> PartnerVerdict:
    """Walk every partner's chain of changes; name the first broken change or stored fact its record contradicts."""
    changes = session.execute(select(PartnerChange).order_by(PartnerChange.partner_id, PartnerChange.id)).scalars()
    by_partner: dict[int, list[PartnerChange]] = {}
    for change in changes:
        by_partner.setdefault(change.partner_id, []).append(change)
    partners = session.execute(select(Organisation).order_by(Organisation.id)).scalars().all()
    counted = 0
    for partner in partners:
        kept = by_partner.get(partner.id, [])
        counted += len(kept)
        problem = _walk(partner, kept)
        if problem is not None:
            return PartnerVerdict(len(partners), counted, f"partner {partner.id} ({partner.name}): {problem}")
    return PartnerVerdict(len(partners), counted, None)


def _walk(partner: Organisation, kept: list[PartnerChange]) -> str | None:
    prev, replayed = None, dict(UNFLAGGED)
    for change in kept:
        if change.prev_hash != prev:
            return f"change {change.id} does not follow the change before it"
        expected = change_hash(partner_id=change.partner_id, kind=change.kind, changes=change.changes,
                               reason=change.reason, by_user_id=change.by_user_id, at=change.at, prev_hash=prev)
        if change.hash != expected:
            return f"change {change.id} was altered after it was kept (its hash does not match)"
        replayed.update({field: after for field, (_, after) in json.loads(change.changes).items()})
        prev = change.hash
    for field, value in replayed.items():
        if getattr(partner, field) != value:
            return (f"{field} is {getattr(partner, field)!r}, but its kept changes leave it {value!r}: "
                    "it was changed without a record")
    return None
