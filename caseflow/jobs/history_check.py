"""The daily history check: verify every chain, and tell the auditors and admins when one is broken.

A tamper-evident history is only worth what its checks are: this one runs once a day whatever
the auditors do, so a broken chain is found within a day, not when someone thinks to look.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.jobs.batches import write_transaction
from caseflow.notifications.write import notify
from caseflow.jobs.result import SweepResult
from caseflow.models import Case, SweepRun, User
from caseflow.checkpoints import CheckpointBroken, latest_anchor, write_checkpoint
from caseflow.workflow.chain_verify import BrokenRecord, VerifyResult, verify_chains

log = logging.getLogger("caseflow.jobs")
NAME = "history_check"
#: How often the chains are checked; the sweeps tick every minute but this runs once per period.
EVERY = dt.timedelta(days=1)
#: A check that failed (the database went away, a timeout) is tried again after this, not every tick.
RETRY_AFTER = dt.timedelta(hours=1)
#: Cases verified per read transaction, so writers' log can be checkpointed (SQLite) and old rows
#: vacuumed (PostgreSQL) while a long check goes on.
CHUNK = 10_000
#: How this sweep's summaries begin: a check that ran, and a tick that left it for later.
VERIFIED, SKIPPED = "verified ", "skipped: "
#: Who is told of a broken chain: the roles that read the audit pages (caseflow.audit.AUDIT_ROLES).
ALERTED_ROLES = ("auditor", "admin")


@dataclass(frozen=True)
class LastCheck:
    """When the scheduler last verified the chains, and what it found."""
    as_of: dt.datetime
    found: str  # "verified 26 chains, 104 records: intact", or "...: broken at case 7 record #2 (id 19): ..."
    ok: bool

    def stale(self, now: dt.datetime) -> bool:
        """More than two periods old: the scheduler has not been checking."""
        return now - self.as_of > 2 * EVERY


def _latest_run(*conditions):
    # The newest by id, not by "as of": a `caseflow sweep --at` far ahead must not stop the daily check.
    return select(SweepRun).where(SweepRun.sweep == NAME, SweepRun.finished_at.is_not(None),
                                  *conditions).order_by(SweepRun.id.desc()).limit(1)


# Built once: the last run that verified the chains, and the last that did not skip (a failed one counts).
_LAST_VERIFIED = _latest_run(SweepRun.summary.startswith(VERIFIED, autoescape=True))
_LAST_NOT_SKIPPED = _latest_run(~SweepRun.summary.startswith(SKIPPED, autoescape=True))


def last_check() -> LastCheck | None:
    """The latest finished run of this sweep that verified the chains."""
    run = db.session.scalar(_LAST_VERIFIED)
    if run is None:
        return None
    # The summary is "<what was found>; fired 0, notified 0, failed 0 ..." (SweepResult.summary).
    return LastCheck(run.as_of, run.summary.partition("; fired ")[0], ok=run.failed == 0)


def history_check(as_of: dt.datetime) -> SweepResult:
    """Verify every chain unless one was checked within the last day; alert on the first broken record."""
    result = SweepResult(NAME)
    previous = db.session.scalar(_LAST_NOT_SKIPPED)
    if previous is not None:
        verified = previous.summary.startswith(VERIFIED)
        if dt.timedelta(0) <= as_of - previous.as_of < (EVERY if verified else RETRY_AFTER):
            result.detail = SKIPPED + (f"verified as of {previous.as_of:%Y-%m-%d %H:%M} UTC" if verified
                                       else "the last check failed; it is tried again hourly")
            return result
    try:
        checked = _verify_all(latest_anchor())
    except CheckpointBroken as exc:
        checked = VerifyResult(0, 0, BrokenRecord(None, None, None, str(exc)))
    outcome = "intact" if checked.ok else f"broken at {checked.broken}"
    result.detail = f"{VERIFIED}{checked.cases} chains, {checked.records} records: {outcome}"
    if checked.ok:
        # Anchor what was just verified: from now on it cannot be rewritten unseen.
        line = write_checkpoint(db.session)
        db.session.rollback()
        result.detail += f", checkpoint #{line['n']} signed"
    else:
        _alert(result, checked, as_of)
    return result


def _verify_all(anchor) -> VerifyResult:
    """Every chain, CHUNK cases per read transaction, against the latest checkpoint (`anchor`)."""
    session = db.session
    top = session.scalar(select(func.max(Case.id))) or 0
    session.rollback()
    cases = records = 0
    after = 0
    while True:
        upto = None if after + CHUNK >= top else after + CHUNK  # the last chunk also takes orphan records
        chunk = _verify_chunk(after, upto, anchor)
        cases, records = cases + chunk.cases, records + chunk.records
        if not chunk.ok or upto is None:
            return VerifyResult(cases, records, chunk.broken, chunk.final_hash)
        after = upto


def _verify_chunk(after: int, upto: int | None, anchor) -> VerifyResult:
    # One snapshot per chunk (verify_chains reads its cases, records and reviews in one), ended with it.
    return verify_chains(db.session, after=after, upto=upto, anchor=anchor)


def _alert(result: SweepResult, checked: VerifyResult, as_of: dt.datetime) -> None:
    """Log the break and tell every active auditor and admin, once a day while it stays broken."""
    broken = checked.broken
    log.error("history check: the history is broken at %s", broken)
    result.fail(f"case {broken.case_id}" if broken.case_id else "checkpoints", "its history is broken")
    people = db.session.scalars(select(User.id).where(User.role.in_(ALERTED_ROLES),
                                                      User.is_active_user.is_(True))).all()
    # A record of a case that does not exist cannot point the notice at its case.
    case_id = broken.case_id if broken.case_id and db.session.get(Case, broken.case_id) is not None else None
    with write_transaction() as session:
        result.notified += notify(session, "history_broken", case_id, as_of.date(), people,
                                  f"The daily history check found the history broken at {broken}. "
                                  "See Audit › Verify.")
