"""Import partners and partnerships from the spreadsheets people keep today (CSV, XLSX)."""
from flask import Blueprint

bp = Blueprint("imports", __name__)

from caseflow.imports import views  # noqa: E402,F401 - registers the routes on bp
