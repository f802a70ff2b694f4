"""Flagging a partner: the flags and their record, a notice to everyone on its running cases, and its
active cases put before the reviewers (paras 46 and 57: a partner in breach is not partnered with)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from caseflow.clock import today
from caseflow.extensions import db
from caseflow.jobs.batches import write_transaction
from caseflow.notifications.write import Recipients
from caseflow.models import Case, Notification, Organisation, User, in_state
from caseflow.partners.service import record_change
from caseflow.workflow import Actor, WorkflowError, current_workflow

FLAGS = (("sanctions_flag", "sanctions"), ("reputational_flag", "reputational risk"))
#: The step that puts a case before the reviewers, and the one that ends a partnership.
REVIEW_TRIGGER, END_TRIGGER = "start_review", "discontinue"
NOTICE_KIND = "partner_flagged"


@dataclass
class FlagOutcome:
    changed: bool = False
    newly_flagged: tuple[str, ...] = ()
    cases_told: int = 0
    people_told: int = 0
    put_in_review: int = 0
    not_put_in_review: int = 0


def set_flags(partner_id: int, wanted: dict[str, bool], note: str, by: User) -> FlagOutcome:
    """Set the partner's flags to `wanted` ({"sanctions_flag": bool, ...}), once: the same flags again change nothing.

    A flag newly set tells the owners and reviewers of the partner's running cases, in the same
    transaction as the flag and its record; then each of its active cases is put under review.
    """
    outcome = FlagOutcome()
    with write_transaction() as session:
        partner = session.get(Organisation, partner_id, with_for_update=True, populate_existing=True)
        before = {column: getattr(partner, column) for column, _ in FLAGS}
        after = {column: bool(wanted.get(column)) for column, _ in FLAGS}
        if before != after:
            outcome.changed = True
            outcome.newly_flagged = tuple(label for column, label in FLAGS if after[column] and not before[column])
            for column, value in after.items():
                setattr(partner, column, value)
            partner.flag_note = _note_line(partner, note, by) + (f"\n{partner.flag_note}" if partner.flag_note else "")
            changes = {c: [before[c], after[c]] for c in after if before[c] != after[c]}
            change = record_change(session, partner, "flags", changes, note, by)
            if outcome.newly_flagged:
                session.flush()  # the change's id keys its notices
                _tell_running_cases(session, partner, change.id, outcome, note, by)
        flags, name = partner.blocking_flags, partner.name
    if flags:
        # Also when the flags did not change: an active case the last attempt missed goes now.
        _put_active_cases_in_review(partner_id, name, flags, note, by, outcome)
    return outcome


def _note_line(partner: Organisation, note: str, by: User) -> str:
    flags = partner.blocking_flags
    what = "flagged for " + ", ".join(flags) if flags else "flags cleared"
    return f"{today().isoformat()} {by.name}: {what}. {note.strip()}"


def _tell_running_cases(session, partner: Organisation, change_id: int, outcome: FlagOutcome, note: str,
                        by: User) -> None:
    """Queue a notice to the owner and reviewers of each case the flag concerns, once per case and person."""
    states = current_workflow().definition.transitions[END_TRIGGER].sources
    rows = session.execute(select(Case.id, Case.title, Case.owner_id, Case.reviewer_id, Case.office)
                           .where(Case.partner_id == partner.id, in_state(*states)).order_by(Case.id)).all()
    people, flags = Recipients(), ", ".join(outcome.newly_flagged)
    told = set()
    for case in rows:
        recipients = (people.active(case.owner_id) | people.reviewers_of(case.reviewer_id, case.office)) - {by.id}
        message = (f"CF-{case.id:06d} {case.title}: the partner {partner.name} was flagged for {flags} by {by.name} "
                   f"({note.strip()}). A reviewer decides whether the partnership is discontinued for a violation "
                   "of guiding principles (para 57).")
        session.add_all(Notification(user_id=uid, case_id=case.id, kind=NOTICE_KIND, message=message,
                                     dedup_key=f"{NOTICE_KIND}:{change_id}:{case.id}:{uid}") for uid in sorted(recipients))
        told |= recipients
    outcome.cases_told, outcome.people_told = len(rows), len(told)


def _put_active_cases_in_review(partner_id: int, name: str, flags: list[str], note: str, by: User,
                                outcome: FlagOutcome) -> None:
    """Fire the review step on each of the partner's cases it can start from, through the engine."""
    wf = current_workflow()
    spec = wf.definition.transitions[REVIEW_TRIGGER]
    # The flagging reviewer starts the reviews; an admin may not, so the system does, naming them.
    actor = Actor.of(by) if by.role in spec.roles else Actor.system("partner_flag")
    reason = f"partner flagged: {name} is flagged for {', '.join(flags)}. {note.strip()}"
    for case_id in _case_ids(partner_id, spec.sources):
        try:
            wf.fire(case_id, REVIEW_TRIGGER, actor, {"reason": reason}, comment=f"Partner flagged by {by.name}.")
            outcome.put_in_review += 1
        except WorkflowError:  # moved on meanwhile, or refused with its reason: the case stays visible
            outcome.not_put_in_review += 1


def _case_ids(partner_id: int, states) -> list[int]:
    """The ids of the partner's cases in `states`, read in a transaction of their own."""
    ids = list(db.session.scalars(select(Case.id).where(Case.partner_id == partner_id, in_state(*states))
                                  .order_by(Case.id)))
    db.session.commit()
    return ids
