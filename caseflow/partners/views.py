"""The partner directory and a partner's page."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from caseflow.auth.access import ANY_ROLE, roles_required
from caseflow.cases.listing import contains_text
from caseflow.extensions import db
from caseflow.models import PARTNER_TYPES, Case, Organisation
from caseflow.partners import bp
from caseflow.partners.forms import FlagForm, PartnerFilterForm
from caseflow.partners.service import FLAG_ROLES, set_flags

PER_PAGE = 50


def _filters(form: PartnerFilterForm) -> list:
    where = []
    if form.q.data:
        where.append(contains_text(Organisation.name, form.q.data))
    if form.type.data:
        where.append(Organisation.type == form.type.data)
    if form.country.data:
        where.append(Organisation.country == form.country.data)
    return where


@bp.get("/partners")
@roles_required(*ANY_ROLE)
def index():
    """List organisations, searchable by name and filtered by type and country, a page at a time."""
    form = PartnerFilterForm(request.args)
    form.type.choices = {"": "Any", **PARTNER_TYPES}
    countries = db.session.scalars(select(Organisation.country).where(Organisation.country.is_not(None))
                                   .distinct().order_by(Organisation.country))
    form.country.choices = {"": "Any", **{c: c for c in countries}}
    page = form.page.data if form.validate() and form.page.data else 1
    where = _filters(form)
    total = db.session.scalar(select(func.count(Organisation.id)).where(*where)) or 0
    case_count = select(func.count(Case.id)).where(Case.partner_id == Organisation.id).scalar_subquery()
    rows = db.session.execute(select(Organisation, case_count).where(*where).order_by(Organisation.name)
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("partners/index.html", form=form, rows=rows, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)), args=args)


@bp.get("/partners/<int:partner_id>")
@roles_required(*ANY_ROLE)
def detail(partner_id: int):
    """Show an organisation, its flags and every partnership with it."""
    partner = db.get_or_404(Organisation, partner_id)
    cases = db.session.scalars(select(Case).where(Case.partner_id == partner.id)
                               .options(selectinload(Case.owner)).order_by(Case.id.desc())).all()
    form = FlagForm(sanctions_flag=partner.sanctions_flag, reputational_flag=partner.reputational_flag)
    return render_template("partners/detail.html", partner=partner, cases=cases, form=form,
                           may_flag=current_user.role in FLAG_ROLES)


@bp.post("/partners/<int:partner_id>/flags")
@roles_required(*FLAG_ROLES)
def flags(partner_id: int):
    """Set or clear the partner's blocking flags, with a note saying why."""
    partner = db.get_or_404(Organisation, partner_id)
    form = FlagForm()
    if form.validate_on_submit():
        set_flags(partner, form.sanctions_flag.data, form.reputational_flag.data, form.note.data, current_user)
        flash(f"The flags of {partner.name} are saved.", "success")
    else:
        flash("Nothing was changed: say why you set or clear the flags.", "error")
    return redirect(url_for("partners.detail", partner_id=partner.id))
