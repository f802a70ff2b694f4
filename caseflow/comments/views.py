"""Add a comment to a case; list a case's comments."""
from __future__ import annotations

from flask import flash, redirect, render_template
from flask_login import current_user

from caseflow.auth.access import ANY_ROLE, roles_required
from caseflow.comments import bp
from caseflow.comments.forms import CommentForm
from caseflow.comments.service import (COMMENT_ROLES, MAX_COMMENT_LENGTH, CommentRejected, add_comment, comments_of,
                                       may_comment)
from caseflow.documents.views import case_page
from caseflow.extensions import db
from caseflow.models import Case


@bp.app_context_processor
def panel_helpers() -> dict:
    """What templates/comments/_panel.html needs besides `case`."""
    return {"may_comment": may_comment, "case_comments": comments_of, "max_comment_length": MAX_COMMENT_LENGTH}


@bp.get("/cases/<int:case_id>/comments")
@roles_required(*ANY_ROLE)
def index(case_id: int):
    """A case's comments, oldest first, with the comment form for those who may comment."""
    case = db.get_or_404(Case, case_id)
    return render_template("comments/index.html", case=case, comment_form=CommentForm(formdata=None))


@bp.post("/cases/<int:case_id>/comments")
@roles_required(*COMMENT_ROLES)
def add(case_id: int):
    """Add the posted comment to the case."""
    case = db.get_or_404(Case, case_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            add_comment(case, current_user, form.body.data)
        except CommentRejected as exc:
            form.body.errors = [str(exc)]
        else:
            flash(f"Your comment was added to {case.reference}.", "success")
            return redirect(case_page(case), code=303)
    return render_template("comments/index.html", case=case, comment_form=form), 422
