"""The users page: list, create, change role, deactivate and reactivate."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from caseflow.admin import bp
from caseflow.admin.forms import ActiveForm, NewUserForm, RoleForm
from caseflow.admin.service import UserRejected, create_user, set_active
from caseflow.auth.access import roles_required
from caseflow.auth.signin import reset_failures
from caseflow.extensions import db
from caseflow.models import ROLE_LABELS, User


@bp.route("/admin/users", methods=["GET", "POST"])
@roles_required("admin")
def users():
    """List users; create one with a role, an office and a password."""
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = create_user(form.email.data, form.role.data, form.password.data, form.name.data, form.office.data)
        except UserRejected as exc:
            form[exc.field].errors.append(exc.message)
        else:
            flash(f"{user.name} can now sign in as {ROLE_LABELS[user.role].lower()}.", "success")
            return redirect(url_for("admin.users"))
    people = db.session.scalars(select(User).order_by(User.is_active_user.desc(), User.name)).all()
    status = 422 if form.is_submitted() and form.errors else 200
    return render_template("admin/users.html", form=form, people=people, role_form=RoleForm(),
                           active_form=ActiveForm(), roles=ROLE_LABELS), status


@bp.post("/admin/users/<int:user_id>/role")
@roles_required("admin")
def change_role(user_id: int):
    """Give a user another role."""
    user, form = db.get_or_404(User, user_id), RoleForm()
    if not form.validate_on_submit():
        flash("Nothing was changed: choose one of the roles.", "error")
    elif user.id == current_user.id and form.role.data != "admin":
        flash("You cannot take the admin role from yourself; ask another admin.", "error")
    else:
        user.role = form.role.data
        db.session.commit()
        flash(f"{user.name} is now {ROLE_LABELS[user.role].lower()}.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/admin/users/<int:user_id>/active")
@roles_required("admin")
def toggle_active(user_id: int):
    """Deactivate an active user or reactivate a deactivated one (never yourself)."""
    user, form = db.get_or_404(User, user_id), ActiveForm()
    if not form.validate_on_submit():
        flash("Nothing was changed: the form expired, reload the page.", "error")
    elif user.id == current_user.id:
        flash("You cannot deactivate yourself.", "error")
    else:
        set_active(user, not user.is_active_user)
        flash(f"{user.name} is {'reactivated' if user.is_active_user else 'deactivated and can no longer sign in'}.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/admin/users/<int:user_id>/sign-in-failures")
@roles_required("admin")
def reset_sign_in_failures(user_id: int):
    """Let a user whose failed sign-ins hold the account back sign in again at once."""
    user, form = db.get_or_404(User, user_id), ActiveForm()
    if not form.validate_on_submit():
        flash("Nothing was changed: the form expired, reload the page.", "error")
    else:
        reset_failures(user)
        flash(f"{user.name} can sign in again at once.", "success")
    return redirect(url_for("admin.users"))
