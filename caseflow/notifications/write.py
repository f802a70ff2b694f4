"""Notifications written once each: the dedup key makes a repeated or concurrent insert a no-op."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, select
from sqlalchemy.dialects import postgresql, sqlite

from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.models import Notification, User

_TABLE = Notification.__table__
# One statement per dialect, built once: the rows travel as parameters, so SQLAlchemy compiles it
# once and caches it. (Rows given in .values() made a new statement per call, compiled each time:
# most of an exit-notice sweep's time.) RETURNING counts the rows really inserted; rowcount is
# not reliable for this statement on every driver.
_INSERTS = {name: insert(_TABLE).on_conflict_do_nothing(index_elements=["dedup_key"]).returning(_TABLE.c.id)
            for name, insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))}


def dedup_key(kind: str, case_id: int | None, due_on: dt.date, user_id: int) -> str:
    """The key that makes a notification once: kind, case, due date and recipient."""
    return f"{kind}:{case_id}:{due_on.isoformat()}:{user_id}"


def not_yet_sent(kind: str, case_id, due_on, user_id):
    """SQL: no notification of `kind` for these columns exists yet (looked up by the case id index)."""
    return ~exists(select(Notification.id).where(Notification.case_id == case_id, Notification.kind == kind,
                                                 Notification.due_on == due_on, Notification.user_id == user_id))


def notify(session, kind: str, case_id: int | None, due_on: dt.date, user_ids, message: str) -> int:
    """Queue `message` for each user once (INSERT ... ON CONFLICT DO NOTHING); return how many are new."""
    return notify_all(session, [(kind, case_id, due_on, user_ids, message)])


def notify_all(session, notices) -> int:
    """Queue each notice (kind, case id, due date, user ids, message) once per user, in one statement;
    return how many are new."""
    now = utcnow()
    rows = [{"user_id": uid, "case_id": case_id, "kind": kind, "message": message, "due_on": due_on,
             "dedup_key": dedup_key(kind, case_id, due_on, uid), "created_at": now}
            for kind, case_id, due_on, user_ids, message in notices for uid in sorted(set(user_ids))]
    if not rows:
        return 0
    # Many rows go as one executemany, which SQLAlchemy sends as multi-row INSERTs ("insertmanyvalues").
    return len(session.execute(_INSERTS[session.get_bind().dialect.name], rows).all())


class Recipients:
    """Who is told: looked up once per sweep run, as reviewers and admins are few."""

    def __init__(self):
        active = db.session.execute(select(User.id, User.role, User.office).where(User.is_active_user.is_(True))).all()
        self.active_ids = {u.id for u in active}
        self.admins = {u.id for u in active if u.role == "admin"}
        self.reviewers = {u.id for u in active if u.role == "reviewer"}
        self.reviewers_by_office: dict[str | None, set[int]] = {}
        for u in active:
            if u.role == "reviewer":
                self.reviewers_by_office.setdefault(u.office, set()).add(u.id)

    def reviewers_of(self, reviewer_id: int | None, office: str | None) -> set[int]:
        """The case's reviewer; else every reviewer of its office; else every reviewer."""
        if reviewer_id in self.active_ids:
            return {reviewer_id}
        return set(self.reviewers_by_office.get(office) or self.reviewers)

    def active(self, *user_ids) -> set[int]:
        """Those of `user_ids` who may still sign in."""
        return {uid for uid in user_ids if uid in self.active_ids}
