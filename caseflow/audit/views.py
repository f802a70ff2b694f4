"""The auditor's pages over all cases: the log, its export, time-in-state stats, chain verification."""
from __future__ import annotations

from flask import Response, abort, render_template, request, stream_with_context
from caseflow.audit import AUDIT_ROLES, bp
from caseflow.audit.case_views import MEDIA_TYPES, export_format
from caseflow.audit.exports import stream_log
from caseflow.audit.forms import LogFilterForm
from caseflow.audit.queries import Cursor, LogFilter, known_actors, log_page
from caseflow.audit.stats import DIMENSIONS, review_timeliness, time_in_states
from caseflow.auth.access import roles_required
from caseflow.checkpoints import CheckpointBroken, KeyUnavailable, latest_anchor
from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.jobs.history_check import last_check
from caseflow.models import PARTNER_TYPES, Case
from caseflow.workflow import current_workflow
from caseflow.workflow.chain_verify import BrokenRecord, VerifyResult, verify_chains


def _filter_form() -> tuple[LogFilterForm, LogFilter | None]:
    form = LogFilterForm(request.args).fill_choices(current_workflow())
    if not (form.validate() & form.date_order()):
        return form, None
    return form, form.to_filter()


def _cursor(name: str) -> Cursor | None:
    try:
        return Cursor.parse(request.args.get(name))
    except ValueError:
        abort(400, description=f"'{name}' is not a position in the log; start again from the first page")


@bp.get("")
@roles_required(*AUDIT_ROLES)
def log():
    """Every transition of every case, newest first, filtered, a page at a time."""
    form, flt = _filter_form()
    if flt is None:
        return render_template("audit/log.html", form=form, page=None, args={}, actors=known_actors(db.session)), 400
    per_page = form.per_page.data or 50
    page = log_page(db.session, flt, per_page, after=_cursor("after"), before=_cursor("before"))
    args = {**flt.args(), **({"per_page": per_page} if per_page != 50 else {})}
    return render_template("audit/log.html", form=form, page=page, args=args, workflow=current_workflow(),
                           actors=known_actors(db.session))


@bp.get("/export")
@roles_required(*AUDIT_ROLES)
def log_export():
    """The filtered log as CSV or JSON with each record's hash, each case's head hash and a digest."""
    fmt = export_format()
    form, flt = _filter_form()
    if flt is None:
        abort(400, description="; ".join(f"{form[name].label.text}: {', '.join(errs)}"
                                         for name, errs in form.errors.items()))
    body = stream_with_context(stream_log(db.session, flt, fmt))
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    return Response(body, content_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f"attachment; filename=audit-log-{stamp}.{fmt}"})


@bp.get("/stats")
@roles_required(*AUDIT_ROLES)
def stats():
    """Days spent in each state and whether reviews were completed on time, per office and partner type."""
    workflow = current_workflow()
    grace = workflow.definition.timers["review_grace_days"]
    tables = {dim: {"times": _by_key(time_in_states(db.session, dim)),
                    "reviews": review_timeliness(db.session, dim, grace)} for dim in DIMENSIONS}
    states = [s for s in workflow.definition.states if s not in workflow.definition.terminal]
    return render_template("audit/stats.html", tables=tables, workflow=workflow, grace=grace, states=states,
                           partner_types=PARTNER_TYPES)


def _by_key(times) -> dict:
    """{office or partner type: {state: StateTime}}, for a table with a column per state."""
    table = {}
    for t in times:
        table.setdefault(t.key, {})[t.state] = t
    return table


@bp.get("/verify")
@roles_required(*AUDIT_ROLES)
def verify():
    """Run the `caseflow verify` check over every chain or one case's, naming the first broken record."""
    raw = (request.args.get("case_id") or "").strip()
    result, error, case_id = None, None, None
    if raw:
        case_id = int(raw) if raw.isdigit() else None
        if case_id is None or db.session.get(Case, case_id) is None:
            error = f"There is no case {raw}."
    if request.args.get("run") and error is None:
        try:
            result = verify_chains(db.session, case_id=case_id, anchor=latest_anchor())
        except (CheckpointBroken, KeyUnavailable) as exc:
            result = VerifyResult(0, 0, BrokenRecord(None, None, None, str(exc)))
    broken_case = (db.session.get(Case, result.broken.case_id)
                   if result and result.broken and result.broken.case_id else None)
    return render_template("audit/verify.html", raw=raw, error=error, result=result, case_id=case_id,
                           broken_case=broken_case, last_check=last_check(), now=utcnow()), (400 if error else 200)
