"""Read-only endpoints: the reviewers' queue and the partner directory."""
from __future__ import annotations

from marshmallow import fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from caseflow.api import bp, schemas
from caseflow.api.auth import api_roles
from caseflow.api.errors import ApiError
from caseflow.api.fields import PageQuery, Text
from caseflow.api.paging import page
from caseflow.api.refusals import refuses
from caseflow.auth.access import ANY_ROLE
from caseflow.clock import today
from caseflow.extensions import db
from caseflow.models import PARTNER_TYPES, Case, Organisation
from caseflow.reviews.due import queue_query
from caseflow.search import partner_matches

# Reviewers work the queue; auditors read everything. Officers see their own cases under /cases.
QUEUE_ROLES = ("reviewer", "auditor")


class QueueQuery(PageQuery):
    office = Text(120, metadata={"description": "Only this office's cases."})


class PartnerQuery(PageQuery):
    type = fields.String(validate=validate.OneOf(list(PARTNER_TYPES)))
    country = Text(80)
    q = Text(200, metadata={"description": "Text in the name."})


@bp.get("/queue")
@refuses(400, 401, 403)
@api_roles(*QUEUE_ROLES)
@bp.arguments(QueueQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.QueuePage)
def review_queue(**args):
    """The reviewers' queue (reviewers and auditors): cases under review and active cases whose review is due,
    most overdue first (undated last, then by case number), as on the queue page, with each case's days overdue."""
    as_of = today()
    query = queue_query(as_of, args.get("office")).options(joinedload(Case.partner), joinedload(Case.owner))
    rows, meta = page(query, args, "api.review_queue")
    return {"as_of": as_of, "items": rows, **meta}


@bp.get("/partners")
@refuses(400, 401)
@api_roles(*ANY_ROLE)
@bp.arguments(PartnerQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.PartnerPage)
def list_partners(**args):
    """List partner organisations, by name, filtered by type, country or a name search."""
    query = select(Organisation).order_by(Organisation.name, Organisation.id)
    if "type" in args:
        query = query.where(Organisation.type == args["type"])
    if "country" in args:
        query = query.where(Organisation.country == args["country"])
    if args.get("q", "").strip():
        query = query.where(partner_matches(args["q"]))
    rows, meta = page(query, args, "api.list_partners")
    return {"items": rows, **meta}


@bp.get("/partners/<int:partner_id>")
@refuses(401, 404)
@api_roles(*ANY_ROLE)
@bp.response(200, schemas.PartnerDetail)
def get_partner(partner_id: int):
    """Read one partner organisation with its cases counted by state."""
    partner = db.session.get(Organisation, partner_id)  # the route's converter bounds partner_id
    if partner is None:
        raise ApiError(404, "NotFound", f"There is no partner {partner_id}.")
    partner.cases_by_state = dict(db.session.execute(
        select(Case.state, func.count()).where(Case.partner_id == partner_id).group_by(Case.state)).all())
    return partner
