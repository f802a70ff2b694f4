"""A first page listing the cases (the full web application replaces it)."""
from flask import Blueprint, render_template
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.models import Case

bp = Blueprint("web", __name__)


@bp.get("/")
def index():
    """List the most recent cases."""
    cases = db.session.scalars(select(Case).order_by(Case.id.desc()).limit(100)).all()
    return render_template("index.html", cases=cases)
