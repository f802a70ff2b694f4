"""The daily history check: verify every chain, and tell the auditors and admins when one is broken.

A tamper-evident history is only worth what its checks are: this one runs once a day whatever
the auditors do, so a broken chain is found within a day, not when someone thinks to look.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select

from caseflow.extensions import db
from caseflow.jobs.batches import write_transaction
from caseflow.jobs.notify import notify
from caseflow.jobs.result import SweepResult
from caseflow.models import Case, SweepRun, User
from caseflow.workflow.chain import verify_chains

log = logging.getLogger("caseflow.jobs")
NAME = "history_check"
#: How often the chains are checked; the sweeps tick every minute but this runs once per period.
EVERY = dt.timedelta(days=1)
#: How a run that verified begins its summary, so the next runs can tell it from a skipped one.
VERIFIED = "verified "
ALERTED_ROLES = ("auditor", "admin")


@dataclass(frozen=True)
class LastCheck:
    """When the scheduler last verified the chains, and what it found."""
    as_of: dt.datetime
    finished_at: dt.datetime
    found: str  # "verified 26 chains, 104 records: intact" or "... broken at case 7 record #2 (id 19): ..."

    @property
    def ok(self) -> bool:
        return self.found.endswith(": intact")


def last_check() -> LastCheck | None:
    """The latest finished run of this sweep that verified the chains (not one that skipped)."""
    run = db.session.scalar(
        select(SweepRun).where(SweepRun.sweep == NAME, SweepRun.finished_at.is_not(None),
                               SweepRun.summary.startswith(VERIFIED, autoescape=True))
        .order_by(SweepRun.as_of.desc(), SweepRun.id.desc()).limit(1))
    if run is None:
        return None
    # The summary is "<what was found>; fired 0, notified 0, failed 0 ..." (SweepResult.summary).
    return LastCheck(run.as_of, run.finished_at, run.summary.partition("; fired ")[0])


def history_check(as_of: dt.datetime) -> SweepResult:
    """Verify every chain unless a check ran within the last day; alert on the first broken record."""
    result = SweepResult(NAME)
    last = last_check()
    if last is not None and as_of - last.as_of < EVERY:
        return result
    verified = verify_chains(db.session)
    db.session.rollback()  # end the long read before writing
    outcome = "intact" if verified.ok else f"broken at {verified.broken}"
    result.detail = f"{VERIFIED}{verified.cases} chains, {verified.records} records: {outcome}"
    if verified.ok:
        return result
    broken = verified.broken
    log.error("history check: the history is broken at %s", broken)
    result.fail(f"case {broken.case_id}", "its history is broken")
    auditors = db.session.scalars(select(User.id).where(User.role.in_(ALERTED_ROLES),
                                                        User.is_active_user.is_(True))).all()
    # A record of a case that does not exist cannot point the notice at its case.
    case_id = broken.case_id if db.session.get(Case, broken.case_id) is not None else None
    with write_transaction() as session:
        result.notified += notify(session, "history_broken", case_id, as_of.date(), auditors,
                                  f"The daily history check found the history broken at {broken}. "
                                  "See Audit › Verify.")
    return result
