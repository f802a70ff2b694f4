"""E-mail delivery: notifications not yet e-mailed are claimed, then sent over SMTP, each once."""
from __future__ import annotations

import datetime as dt
import logging
import smtplib
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app
from sqlalchemy import select, update

from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.jobs.batches import Keyset, batches, write_transaction
from caseflow.jobs.result import SweepResult
from caseflow.models import Notification, User

log = logging.getLogger("caseflow.jobs")
MAIL_BATCH = 100
SUBJECTS = {"review_overdue": "Review overdue", "review_escalated": "Overdue review escalated",
            "exit_notice": "Exit approaching", "exit_overdue": "Exit overdue",
            "history_broken": "History broken"}


# Built once: the notifications still to be e-mailed, in batches of MAIL_BATCH.
_UNSENT = Keyset(select(Notification.id).join(User, User.id == Notification.user_id).where(
    Notification.emailed_at.is_(None), Notification.read_at.is_(None), User.is_active_user.is_(True)),
    Notification.id, size=MAIL_BATCH)


def subject_of(kind: str, case_id: int | None) -> str:
    """The e-mail subject for a notification of `kind`."""
    label = SUBJECTS.get(kind) or ("Case moved: " + kind.partition(":")[2].replace("_", " ") if kind.startswith("transition:")
                                   else kind.replace("_", " ").capitalize())
    return f"[caseflow] CF-{case_id:06d} {label}" if case_id else f"[caseflow] {label}"


def deliver_mail(as_of: dt.datetime) -> SweepResult:
    """Send every unread, not yet e-mailed notification when MAIL_SERVER is set; in-app only otherwise."""
    result, config = SweepResult("mail"), current_app.config
    if not config.get("MAIL_SERVER"):
        return result
    for rows in batches(_UNSENT):
        claimed = _claim([r.id for r in rows])
        if not claimed:
            continue
        notes = db.session.execute(
            select(Notification.id, Notification.kind, Notification.case_id, Notification.message, User.email, User.name)
            .join(User, User.id == Notification.user_id).where(Notification.id.in_(claimed))).all()
        db.session.commit()
        unsent = _send(config, notes, result)
        if unsent:
            _release(unsent)
    return result


def _claim(ids: list[int]) -> list[int]:
    """Mark rows as e-mailed before sending, so a second process or run skips them; return those won."""
    with write_transaction() as session:
        won = session.execute(
            update(Notification).where(Notification.id.in_(ids), Notification.emailed_at.is_(None))
            .values(emailed_at=utcnow()).returning(Notification.id)
            .execution_options(synchronize_session=False)).scalars().all()
    return list(won)


def _release(ids: list[int]) -> None:
    """Give back the claim on rows that could not be sent, so a later run tries again."""
    with write_transaction() as session:
        session.execute(update(Notification).where(Notification.id.in_(ids)).values(emailed_at=None)
                        .execution_options(synchronize_session=False))


def _send(config, notes, result: SweepResult) -> list[int]:
    """Send `notes` over one SMTP connection; return the ids that were not sent."""
    unsent = [n.id for n in notes]
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            for note in notes:
                try:
                    smtp.send_message(_message(config, note))
                except smtplib.SMTPRecipientsRefused as exc:
                    log.warning("mail to %s refused: %s", note.email, exc)
                    result.fail(note.email, "recipient refused")
                    unsent.remove(note.id)  # permanent: retrying would only be refused again
                    continue
                unsent.remove(note.id)
                result.notified += 1
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail server %s: %s", config["MAIL_SERVER"], exc)
        result.fail(config["MAIL_SERVER"], f"{type(exc).__name__}: {exc}".splitlines()[0])
    return unsent


def _message(config, note) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = formataddr((note.name, note.email))
    message["Subject"] = subject_of(note.kind, note.case_id)
    message["Message-ID"] = f"<notification-{note.id}@caseflow>"
    message.set_content(f"{note.message}\n\n-- \ncaseflow")
    return message
