"""The inbox: a user's notifications, marked read one by one or all at once."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select, update

from caseflow.auth.access import ANY_ROLE, roles_required
from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.models import Notification
from caseflow.notifications import bp

PER_PAGE = 50


@bp.get("/notifications")
@roles_required(*ANY_ROLE)
def inbox():
    """List the signed-in user's notifications, unread first, newest first."""
    page = max(request.args.get("page", 1, type=int), 1)
    mine = Notification.user_id == current_user.id
    total = db.session.scalar(select(func.count(Notification.id)).where(mine)) or 0
    notes = db.session.scalars(select(Notification).where(mine)
                               .order_by(Notification.read_at.is_not(None), Notification.created_at.desc())
                               .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return render_template("notifications/inbox.html", notes=notes, form=FlaskForm(), page=page,
                           pages=max(1, -(-total // PER_PAGE)))


@bp.post("/notifications/<int:notification_id>/read")
@roles_required(*ANY_ROLE)
def mark_read(notification_id: int):
    """Mark one of the user's notifications read."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != current_user.id:
        abort(404)
    if FlaskForm().validate_on_submit() and note.read_at is None:
        note.read_at = utcnow()
        db.session.commit()
    return redirect(url_for("notifications.inbox"))


@bp.post("/notifications/read")
@roles_required(*ANY_ROLE)
def mark_all_read():
    """Mark every unread notification of the user read."""
    if FlaskForm().validate_on_submit():
        done = db.session.execute(update(Notification).where(
            Notification.user_id == current_user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
        db.session.commit()
        flash(f"{done.rowcount} notification(s) marked read.", "info")
    return redirect(url_for("notifications.inbox"))
