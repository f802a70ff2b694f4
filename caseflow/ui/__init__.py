"""What every page shares: time-zone filters, state badges, the navigation and the unread count."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app
from flask_login import current_user
from sqlalchemy import func, select

from caseflow.clock import as_utc, today
from caseflow.extensions import db
from caseflow.ui.nav import admin_links_for, has_endpoint, links_for, may_visit

bp = Blueprint("ui", __name__)

STATE_COLOURS = {"proposed": "secondary", "vetted": "info", "agreed": "primary", "active": "success",
                 "under_review": "warning", "exiting": "dark", "discontinued": "light"}


@bp.app_template_filter("localtime")
def localtime(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Show a stored UTC time in the configured CASEFLOW_TIMEZONE."""
    if value is None:
        return ""
    zone = ZoneInfo(current_app.config.get("CASEFLOW_TIMEZONE") or "UTC")
    return as_utc(value).astimezone(zone).strftime(fmt)


@bp.app_template_filter("day")
def day(value: dt.date | None) -> str:
    """Show a date as YYYY-MM-DD, or nothing."""
    return value.isoformat() if value else ""


@bp.app_template_global()
def state_label(state: str | None) -> str:
    """The workflow's label for a state."""
    from caseflow.workflow import current_workflow

    return current_workflow().label(state)


@bp.app_template_global()
def state_colour(state: str | None) -> str:
    """The Bootstrap colour of a state's badge."""
    return STATE_COLOURS.get(state or "", "secondary")


def unread_count() -> int:
    """How many notifications the signed-in user has not read (one indexed count)."""
    from caseflow.models import Notification

    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == current_user.id, Notification.read_at.is_(None))) or 0


@bp.app_context_processor
def page_context() -> dict:
    """The navigation, the signed-in user's unread count and today's date for every template."""
    signed_in = current_user.is_authenticated
    return {
        "nav_links": links_for(current_user),
        "admin_links": admin_links_for(current_user),
        "has_endpoint": has_endpoint,
        "may_visit": may_visit,
        "unread_count": unread_count() if signed_in and has_endpoint("notifications.inbox") else 0,
        "today": today(),
    }
