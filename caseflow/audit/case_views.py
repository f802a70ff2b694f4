"""One case's audit pages: its history (and print view), the case as of a moment, its export."""
from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, stream_with_context, url_for
from sqlalchemy import select

from caseflow.audit import AUDIT_ROLES, bp
from caseflow.audit.exports import FORMATS, stream_case
from caseflow.audit.history import case_entries, facts_for_people
from caseflow.audit.moments import parse_moment
from caseflow.audit.replay import Step, replay
from caseflow.auth.access import ANY_ROLE, roles_required
from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord
from caseflow.workflow import current_workflow
from caseflow.workflow.chain_verify import verify_chains

# Full Content-Type values, passed as content_type: as a mimetype Werkzeug would add a second charset.
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _history_page(case_id: int, template: str):
    case = db.get_or_404(Case, case_id)
    workflow = current_workflow()
    return render_template(template, case=case, workflow=workflow,
                           entries=case_entries(db.session, workflow.definition, case.id),
                           check=verify_chains(db.session, case_id=case.id), now=utcnow(),
                           case_link=url_for("cases.detail", case_id=case.id)
                           if "cases.detail" in current_app.view_functions else None)


@bp.get("/cases/<int:case_id>")
@roles_required(*ANY_ROLE)
def case_history(case_id: int):
    """Every step of a case: its form data, its field changes, and whether the hash chain holds."""
    return _history_page(case_id, "audit/case_history.html")


@bp.get("/cases/<int:case_id>/print")
@roles_required(*ANY_ROLE)
def case_print(case_id: int):
    """The case's history laid out for paper."""
    return _history_page(case_id, "audit/case_print.html")


@bp.get("/cases/<int:case_id>/as-of")
@roles_required(*AUDIT_ROLES)
def as_of(case_id: int):
    """The case's state and facts at a moment, rebuilt from its history alone."""
    case = db.get_or_404(Case, case_id)
    workflow = current_workflow()
    raw = request.args.get("at", "")
    try:
        moment = parse_moment(raw, utcnow())
    except ValueError as exc:
        return render_template("audit/as_of.html", case=case, workflow=workflow, raw=raw, error=str(exc),
                               snapshot=None, facts=[]), 400
    records = db.session.execute(select(HistoryRecord.seq, HistoryRecord.at, HistoryRecord.to_state, HistoryRecord.data)
                                 .where(HistoryRecord.case_id == case.id, HistoryRecord.at <= moment)
                                 .order_by(HistoryRecord.seq))
    snapshot = replay((Step(*r) for r in records), moment)
    return render_template("audit/as_of.html", case=case, workflow=workflow, raw=raw, error=None, moment=moment,
                           snapshot=snapshot, facts=facts_for_people(db.session, workflow.definition, snapshot.facts))


def export_format() -> str:
    """The export format asked for: csv or json (400 for anything else)."""
    fmt = request.args.get("format", "csv").lower()
    if fmt not in FORMATS:
        abort(400, description=f"format must be one of {', '.join(FORMATS)}")
    return fmt


@bp.get("/cases/<int:case_id>/export")
@roles_required(*AUDIT_ROLES)
def case_export(case_id: int):
    """The case's history as CSV or JSON, ending with the chain's final hash."""
    fmt = export_format()
    case = db.get_or_404(Case, case_id)
    body = stream_with_context(stream_case(db.session, case, fmt))
    return Response(body, content_type=MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f"attachment; filename={case.reference}-history.{fmt}"})
