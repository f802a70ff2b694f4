"""Read-only endpoints: the reviewers' queue and the partner directory."""
from __future__ import annotations

from flask import jsonify
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from caseflow.api import bp
from caseflow.api.auth import api_roles
from caseflow.api.errors import ApiError
from caseflow.api.inputs import PAGING, choice, contains, query_args, text
from caseflow.api.paging import page
from caseflow.api.serialize import case_summary, partner_detail, partner_summary, plain
from caseflow.auth.access import ANY_ROLE
from caseflow.clock import today
from caseflow.extensions import db
from caseflow.models import PARTNER_TYPES, Case, Organisation
from caseflow.reviews.due import queue_query

# Reviewers work the queue; auditors read everything. Officers see their own cases under /cases.
QUEUE_ROLES = ("reviewer", "auditor")


@bp.get("/queue")
@api_roles(*QUEUE_ROLES)
def review_queue():
    """The reviewers' queue (the page's, in its order) with each case's days overdue."""
    args = query_args({"office": text(120), **PAGING})
    as_of = today()
    query = queue_query(as_of, args.get("office")).options(joinedload(Case.partner), joinedload(Case.owner))
    rows, meta = page(query, args, "api.review_queue")
    items = [{**case_summary(c), "due_on": plain(c.next_review_due),
              "days_overdue": max(0, (as_of - c.next_review_due).days) if c.next_review_due else 0}
             for c in rows]
    return jsonify(as_of=as_of.isoformat(), items=items, **meta)


@bp.get("/partners")
@api_roles(*ANY_ROLE)
def list_partners():
    """List partner organisations, by name, filtered by type, country or a name search."""
    args = query_args({"type": choice(tuple(PARTNER_TYPES)), "country": text(80), "q": text(200), **PAGING})
    query = select(Organisation).order_by(Organisation.name, Organisation.id)
    if "type" in args:
        query = query.where(Organisation.type == args["type"])
    if "country" in args:
        query = query.where(Organisation.country == args["country"])
    if args.get("q", "").strip():
        like = contains(args["q"])
        query = query.where(Organisation.name.ilike(like, escape="\\"))
    rows, meta = page(query, args, "api.list_partners")
    return jsonify(items=[partner_summary(p) for p in rows], **meta)


@bp.get("/partners/<int:partner_id>")
@api_roles(*ANY_ROLE)
def get_partner(partner_id: int):
    """Read one partner organisation with its cases counted by state."""
    partner = db.session.get(Organisation, partner_id)  # the route's converter bounds partner_id
    if partner is None:
        raise ApiError(404, "NotFound", f"There is no partner {partner_id}.")
    counts = dict(db.session.execute(
        select(Case.state, func.count()).where(Case.partner_id == partner_id).group_by(Case.state)).all())
    return jsonify(partner_detail(partner, counts))
