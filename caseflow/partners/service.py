"""Who may change a partner, and the kept record of each change (who, when, why, what)."""
from __future__ import annotations

import json

from caseflow.clock import utcnow
from caseflow.models import Organisation, PartnerChange, User

# Reviewers vet partners against para 46 and admins keep the directory; officers, who propose
# partnerships, may not lift a flag that blocks their own proposal nor rewrite the partner they
# proposed (four eyes). Auditors read.
FLAG_ROLES = ("reviewer", "admin")
CORRECT_ROLES = ("reviewer", "admin")


def record_change(session, partner: Organisation, kind: str, changes: dict, reason: str, by: User) -> PartnerChange:
    """Add the record of one change to `partner` to the session's transaction; the caller commits."""
    change = PartnerChange(partner_id=partner.id, kind=kind, changes=json.dumps(changes, sort_keys=True),
                           reason=reason.strip(), by_user_id=by.id, at=utcnow())
    session.add(change)
    return change


def changes_of(change: PartnerChange) -> dict:
    """The fields a kept change changed: {field: [before, after]}."""
    return json.loads(change.changes)
