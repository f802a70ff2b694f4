"""The cases endpoints: list and filter, read one, propose, fire a transition, read its history."""
from __future__ import annotations

from flask import jsonify, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from caseflow.api import bp
from caseflow.api.auth import api_roles, api_user
from caseflow.api.errors import ApiError
from caseflow.api.idempotent import idempotent
from caseflow.api.inputs import (PAGING, choice, contains, date, integer, json_object, only_members,
                                 optional_text, query_args, step_data, text)
from caseflow.api.paging import page
from caseflow.api.serialize import case_detail, case_summary, history_dict, outcome_dict
from caseflow.auth.access import ANY_ROLE
from caseflow.extensions import db
from caseflow.models import PARTNER_TYPES, Case, HistoryRecord, Organisation, User
from caseflow.routing import MAX_ID
from caseflow.workflow import Actor, CaseNotFound, current_workflow

SORTS = {"created_at": Case.created_at, "updated_at": Case.updated_at, "title": Case.title,
         "next_review_due": Case.next_review_due, "id": Case.id}
SORT_CHOICES = tuple(SORTS) + tuple("-" + s for s in SORTS)


def _list_filters() -> dict:
    wf = current_workflow()
    return {"state": choice(tuple(wf.definition.states)), "partner_id": integer(1, MAX_ID),
            "partner_type": choice(tuple(PARTNER_TYPES)), "office": text(120), "owner": text(254),
            "due_before": date, "q": text(200), "sort": choice(SORT_CHOICES), **PAGING}


def _filtered(args: dict):
    """The query for the cases matching the list's filters, in the order asked for."""
    query = select(Case).join(Case.partner).options(joinedload(Case.partner), joinedload(Case.owner))
    if "state" in args:
        query = query.where(Case.state == args["state"])
    if "partner_id" in args:
        query = query.where(Case.partner_id == args["partner_id"])
    if "partner_type" in args:
        query = query.where(Organisation.type == args["partner_type"])
    if "office" in args:
        query = query.where(Case.office == args["office"])
    if "owner" in args:
        owner_ids = select(User.id).where(User.email == args["owner"].strip().lower())
        query = query.where(Case.owner_id.in_(owner_ids))
    if "due_before" in args:
        query = query.where(Case.next_review_due <= args["due_before"])
    if args.get("q", "").strip():
        like = contains(args["q"])
        query = query.where(or_(Case.title.ilike(like, escape="\\"), Organisation.name.ilike(like, escape="\\")))
    sort = args.get("sort", "-created_at")
    column = SORTS[sort.lstrip("-")]
    ordered = column.desc() if sort.startswith("-") else column.asc()
    tie = Case.id.desc() if sort.startswith("-") else Case.id.asc()
    return query.order_by(ordered.nulls_last(), tie)


@bp.get("/cases")
@api_roles(*ANY_ROLE)
def list_cases():
    """List the cases matching the filters, a page at a time."""
    args = query_args(_list_filters())
    rows, meta = page(_filtered(args), args, "api.list_cases")
    return jsonify(items=[case_summary(c) for c in rows], **meta)


def load_case(case_id: int) -> Case:
    """The case `case_id`, or raise CaseNotFound (404)."""
    case = db.session.get(Case, case_id)  # the route's converter bounds case_id
    if case is None:
        raise CaseNotFound(f"There is no case {case_id}.")
    return case


@bp.get("/cases/<int:case_id>")
@api_roles(*ANY_ROLE)
def get_case(case_id: int):
    """Read one case, its facts, and the triggers the caller may fire now."""
    return jsonify(case_detail(load_case(case_id), api_user()))


@bp.post("/cases")
@api_roles("officer")
@idempotent
def propose_case():
    """Propose a partnership: {"data": {...propose form...}, "comment": "..."}."""
    body, errors = json_object(), {}
    only_members(body, {"data", "comment"}, errors)
    data, comment = step_data(body.get("data"), errors), optional_text(body, "comment", errors)
    if errors:
        raise ApiError(422, "InvalidData", "The request is not valid.", fields=errors)
    outcome = current_workflow().propose(Actor.of(api_user()), data, comment=comment)
    case = load_case(outcome.case_id)
    response = jsonify(outcome=outcome_dict(outcome), case=case_detail(case, api_user()))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_case", case_id=case.id)
    return response


@bp.post("/cases/<int:case_id>/transitions")
@api_roles("officer", "reviewer", "admin")
@idempotent
def fire_transition(case_id: int):
    """Fire a trigger on a case through the engine: {"trigger", "data", "expected_version", "comment"}."""
    body, errors = json_object(), {}
    only_members(body, {"trigger", "data", "expected_version", "comment"}, errors)
    trigger = body.get("trigger")
    if not isinstance(trigger, str) or not trigger:
        errors["trigger"] = "is required: the name of a step, such as 'vet'"
    expected = body.get("expected_version")
    if expected is not None and (isinstance(expected, bool) or not isinstance(expected, int)):
        errors["expected_version"] = "must be a whole number: the case's version as you saw it"
    data, comment = step_data(body.get("data"), errors), optional_text(body, "comment", errors)
    if errors:
        raise ApiError(422, "InvalidData", "The request is not valid.", fields=errors)
    load_case(case_id)
    outcome = current_workflow().fire(case_id, trigger, Actor.of(api_user()), data,
                                      expected_version=expected, comment=comment)
    return jsonify(outcome=outcome_dict(outcome), case=case_detail(load_case(case_id), api_user()))


@bp.get("/cases/<int:case_id>/history")
@api_roles(*ANY_ROLE)
def case_history(case_id: int):
    """Read a case's history records in order, a page at a time, with the chain's head."""
    case = load_case(case_id)
    args = query_args(dict(PAGING))
    query = select(HistoryRecord).where(HistoryRecord.case_id == case_id).order_by(HistoryRecord.seq)
    rows, meta = page(query, args, "api.case_history", case_id=case_id)
    return jsonify(case_id=case.id, head={"seq": case.history_seq, "hash": case.history_head},
                   items=[history_dict(r) for r in rows], **meta)
