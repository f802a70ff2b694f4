"""The audit trail for auditors: the global log, each case's history, as-of views, stats, exports, verification."""
from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")

# Who reads what (README "Audit"): the log, exports, as-of, stats and verification are for auditors
# and admins; a case's history page (and its print view) is open to every role, since officers and
# reviewers work the case and the history shows them nothing their case page does not.
AUDIT_ROLES = ("auditor", "admin")


@bp.app_template_filter("audit_time")
def audit_time(value) -> str:
    """A timestamp as the history holds it: UTC, to the second."""
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else ""


from caseflow.audit import case_views, views  # noqa: E402,F401 - registers the routes on bp
