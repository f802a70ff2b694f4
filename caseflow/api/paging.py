"""Limit/offset pages with the total and a link to the next page."""
from __future__ import annotations

from flask import request, url_for
from sqlalchemy import func, select

from caseflow.extensions import db

DEFAULT_LIMIT = 25


def page(query, args: dict, endpoint: str, **view_args) -> tuple[list, dict]:
    """Run `query` for the page `args` asks for; return its rows and the page's metadata."""
    limit, offset = args.get("limit", DEFAULT_LIMIT), args.get("offset", 0)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(limit).offset(offset)).unique().all()
    following = None
    if offset + limit < total:
        params = {**request.args.to_dict(), "limit": limit, "offset": offset + limit}
        following = url_for(endpoint, **view_args, **params)
    return rows, {"total": total, "limit": limit, "offset": offset, "next": following}
