"""Who may change a partner, and the kept record of each change (who, when, why, what)."""
from __future__ import annotations

import json

from sqlalchemy import event
from sqlalchemy.orm import Session

from caseflow.clock import utcnow
from caseflow.models import Organisation, PartnerChange, User
from caseflow.partners.chain import UNFLAGGED, change_hash, head_of

# Reviewers vet partners against para 46 and admins keep the directory; officers, who propose
# partnerships, may not lift a flag that blocks their own proposal nor rewrite the partner they
# proposed (four eyes). Auditors read.
FLAG_ROLES = ("reviewer", "admin")
CORRECT_ROLES = ("reviewer", "admin")


def record_change(session, partner: Organisation, kind: str, changes: dict, reason: str, by: User) -> PartnerChange:
    """Add the record of one change to `partner`, chained to its last, to the session's transaction; the caller
    commits. The caller holds the partner's row lock, so two changes to one partner cannot share a predecessor."""
    values = {"partner_id": partner.id, "kind": kind, "changes": json.dumps(changes, sort_keys=True),
              "reason": reason.strip(), "by_user_id": by.id, "at": utcnow(), "prev_hash": head_of(session, partner.id)}
    change = PartnerChange(**values, hash=change_hash(**values))
    session.add(change)
    return change


def record_initial_flags(conn, partners: list[dict], reason: str, by_user_id: int) -> None:
    """Keep, for each partner just inserted flagged (`partners`: id and flag columns), the record of its flags as
    their first change (a Core insert, in the inserting transaction), so verify's replay of its flags holds."""
    rows = []
    for partner in partners:
        changes = {flag: [False, True] for flag in UNFLAGGED if partner.get(flag)}
        if changes:
            values = {"partner_id": partner["id"], "kind": "flags", "changes": json.dumps(changes, sort_keys=True),
                      "reason": reason, "by_user_id": by_user_id, "at": utcnow(), "prev_hash": None}
            rows.append({**values, "hash": change_hash(**values)})
    if rows:
        conn.execute(PartnerChange.__table__.insert(), rows)


def changes_of(change: PartnerChange) -> dict:
    """The fields a kept change changed: {field: [before, after]}."""
    return json.loads(change.changes)


class ChangesAreKept(RuntimeError):
    """Code tried to rewrite or delete the record of a change to a partner."""


@event.listens_for(Session, "before_flush")
def _refuse_rewriting_changes(session, flush_context, instances):
    # The record of a correction or a flag is what an auditor reads: it is added, never edited.
    for obj in session.deleted:
        if isinstance(obj, PartnerChange):
            raise ChangesAreKept("the record of a change to a partner is never deleted")
    for obj in session.dirty:
        if isinstance(obj, PartnerChange) and session.is_modified(obj):
            raise ChangesAreKept("the record of a change to a partner is never rewritten")
