"""The cases endpoints: list and filter, read one, propose, fire a transition, read its history."""
from __future__ import annotations

from flask import url_for
from marshmallow import fields, validate
from sqlalchemy import select
from sqlalchemy.orm import joinedload, undefer

from caseflow.api import bp, schemas
from caseflow.api.auth import api_roles, api_user
from caseflow.api.fields import Id, IsoDate, PageQuery, StateName, Text
from caseflow.api.idempotent import idempotent
from caseflow.api.paging import page
from caseflow.api.parsing import read_json
from caseflow.api.refusals import IDEMPOTENCY_KEY, REPLAYED, refuses
from caseflow.api.requests import ProposeRequest, TransitionRequest
from caseflow.auth.access import ANY_ROLE
from caseflow.extensions import db
from caseflow.models import PARTNER_TYPES, Case, HistoryRecord, Organisation, User
from caseflow.search import case_matches
from caseflow.workflow import Actor, CaseNotFound, current_workflow

SORTS = {"created_at": Case.created_at, "updated_at": Case.updated_at, "title": Case.title,
         "next_review_due": Case.next_review_due, "id": Case.id}
SORT_CHOICES = tuple(SORTS) + tuple("-" + s for s in SORTS)


class CaseQuery(PageQuery):
    state = StateName()
    partner_id = Id()
    partner_type = fields.String(validate=validate.OneOf(list(PARTNER_TYPES)))
    office = Text(120, metadata={"description": "The office, exactly."})
    owner = Text(254, metadata={"description": "The owner's e-mail."})
    due_before = IsoDate(metadata={"description": "Next review due on or before this date."})
    q = Text(200, metadata={"description": "Text in the title or the partner's name."})
    sort = fields.String(validate=validate.OneOf(SORT_CHOICES),
                         metadata={"description": "A column, descending with a leading minus. Default -created_at."})


def step_body(name: str) -> dict:
    """The documented JSON body of a step endpoint: the component built from the workflow definition."""
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{name}"}}}}, "parameters": [IDEMPOTENCY_KEY]}


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
        query = query.where(case_matches(args["q"]))
    sort = args.get("sort", "-created_at")
    column = SORTS[sort.lstrip("-")]
    ordered = column.desc() if sort.startswith("-") else column.asc()
    tie = Case.id.desc() if sort.startswith("-") else Case.id.asc()
    return query.order_by(ordered.nulls_last(), tie)


@bp.get("/cases")
@refuses(400, 401)
@api_roles(*ANY_ROLE)
@bp.arguments(CaseQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.CasePage)
def list_cases(**args):
    """List and filter cases, a page at a time."""
    rows, meta = page(_filtered(args), args, "api.list_cases")
    return {"items": rows, **meta}


def load_case(case_id: int) -> Case:
    """The case `case_id`, or raise CaseNotFound (404)."""
    case = db.session.get(Case, case_id)  # the route's converter bounds case_id
    if case is None:
        raise CaseNotFound(f"There is no case {case_id}.")
    return case


@bp.get("/cases/<int:case_id>")
@refuses(401, 404)
@api_roles(*ANY_ROLE)
@bp.response(200, schemas.CaseDetail)
def get_case(case_id: int):
    """Read one case, its facts, and the triggers the caller may fire now."""
    return load_case(case_id)


@bp.post("/cases")
@refuses(400, 401, 403, 409, 415, 422)
@api_roles("officer")
@idempotent
@bp.doc(**step_body("ProposeRequest"))
@bp.response(201, schemas.TransitionResult, description="The case was created in state proposed.",
             headers={"Location": {"description": "The new case's URL.", "schema": {"type": "string"}},
                      "Idempotent-Replayed": REPLAYED})
def propose_case():
    """Propose a partnership (officers): {"data": {...the propose form...}, "comment": "..."}."""
    body = read_json(ProposeRequest())
    outcome = current_workflow().propose(Actor.of(api_user()), body["data"], comment=body["comment"])
    return transition_answer(outcome), 201, {"Location": url_for("api.get_case", case_id=outcome.case_id)}


@bp.post("/cases/<int:case_id>/transitions")
@refuses(400, 401, 403, 404, 409, 415, 422)
@api_roles("officer", "reviewer", "admin")
@idempotent
@bp.doc(**step_body("TransitionRequest"))
@bp.response(200, schemas.TransitionResult, description="The case moved; the outcome and the case as it is now.",
             headers={"Idempotent-Replayed": REPLAYED})
def fire_transition(case_id: int):
    """Fire a trigger on a case: pass expected_version, the case's version as you read it, so a change made by
    someone else in between answers 409. An officer who does not own the case, or a role the step does not name,
    is answered 403."""
    body = read_json(TransitionRequest())
    outcome = current_workflow().fire(case_id, body["trigger"], Actor.of(api_user()), body["data"],
                                      expected_version=body["expected_version"], comment=body["comment"])
    return transition_answer(outcome)


def transition_answer(outcome) -> dict:
    """The answer to a step: its outcome and the case as it is after it, with its partner and people read in
    the same statement (nothing is loaded lazily after). The engine says 404 for a case that does not exist."""
    case = db.session.scalars(select(Case).where(Case.id == outcome.case_id).options(
        joinedload(Case.partner), joinedload(Case.owner), joinedload(Case.proposed_by), joinedload(Case.reviewer),
        joinedload(Case.agreement_recorded_by), undefer(Case.has_money)).execution_options(populate_existing=True)).one()
    return {"outcome": outcome, "case": case}


@bp.get("/cases/<int:case_id>/history")
@refuses(400, 401, 404)
@api_roles(*ANY_ROLE)
@bp.arguments(PageQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.HistoryPage)
def case_history(case_id: int, **args):
    """Read a case's history records in order, a page at a time, with the chain's head."""
    case = load_case(case_id)
    query = select(HistoryRecord).where(HistoryRecord.case_id == case_id).order_by(HistoryRecord.seq)
    rows, meta = page(query, args, "api.case_history", case_id=case_id)
    return {"case_id": case.id, "head": {"seq": case.history_seq, "hash": case.history_head}, "items": rows, **meta}
