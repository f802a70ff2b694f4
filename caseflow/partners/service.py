"""Setting and clearing a partner's blocking flags, with a dated note of who and why."""
from __future__ import annotations

from caseflow.clock import today
from caseflow.extensions import db
from caseflow.models import Organisation, User

# Reviewers vet partners against para 46 and admins keep the directory; officers, who propose
# partnerships, may not lift a flag that blocks their own proposal (four eyes).
FLAG_ROLES = ("reviewer", "admin")


def set_flags(partner: Organisation, sanctions: bool, reputational: bool, note: str, by: User) -> None:
    """Store the flags and prepend a dated note naming who changed them."""
    flags = [name for name, on in (("sanctions", sanctions), ("reputational risk", reputational)) if on]
    line = f"{today().isoformat()} {by.name}: {'flagged for ' + ', '.join(flags) if flags else 'flags cleared'}. {note.strip()}"
    partner.sanctions_flag, partner.reputational_flag = sanctions, reputational
    partner.flag_note = line if not partner.flag_note else f"{line}\n{partner.flag_note}"
    db.session.commit()
