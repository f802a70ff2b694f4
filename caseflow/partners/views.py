"""The partner directory and a partner's page."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from caseflow.auth.access import ANY_ROLE, roles_required
from caseflow.extensions import db
from caseflow.models import PARTNER_TYPES, Case, Organisation, PartnerChange
from caseflow.partners import bp
from caseflow.partners.corrections import CorrectionRefused, correct_partner
from caseflow.partners.flagging import set_flags
from caseflow.partners.forms import CorrectionForm, FlagForm, PartnerFilterForm
from caseflow.partners.service import CORRECT_ROLES, FLAG_ROLES, changes_of
from caseflow.search import partner_matches

PER_PAGE = 50


def _filters(form: PartnerFilterForm) -> list:
    where = []
    if form.q.data and form.q.data.strip():
        where.append(partner_matches(form.q.data))
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
    """Show an organisation, its flags, every partnership with it and every change to its details."""
    partner = db.get_or_404(Organisation, partner_id)
    return _detail_page(partner, CorrectionForm(obj=partner))


def _detail_page(partner: Organisation, correction: CorrectionForm, status: int = 200):
    cases = db.session.scalars(select(Case).where(Case.partner_id == partner.id)
                               .options(selectinload(Case.owner)).order_by(Case.id.desc())).all()
    changes = db.session.scalars(select(PartnerChange).where(PartnerChange.partner_id == partner.id)
                                 .options(selectinload(PartnerChange.by))
                                 .order_by(PartnerChange.at.desc(), PartnerChange.id.desc())).all()
    form = FlagForm(sanctions_flag=partner.sanctions_flag, reputational_flag=partner.reputational_flag)
    return render_template("partners/detail.html", partner=partner, cases=cases, form=form, correction=correction,
                           changes=[(c, changes_of(c)) for c in changes], may_flag=current_user.role in FLAG_ROLES,
                           may_correct=current_user.role in CORRECT_ROLES), status


@bp.post("/partners/<int:partner_id>/flags")
@roles_required(*FLAG_ROLES)
def flags(partner_id: int):
    """Set or clear the partner's blocking flags, with a note saying why; a new flag reaches its running cases."""
    partner = db.get_or_404(Organisation, partner_id)
    form = FlagForm()
    if not form.validate_on_submit():
        flash("Nothing was changed: say why you set or clear the flags.", "error")
        return redirect(url_for("partners.detail", partner_id=partner.id))
    name = partner.name
    done = set_flags(partner.id, {"sanctions_flag": form.sanctions_flag.data,
                                  "reputational_flag": form.reputational_flag.data}, form.note.data, current_user)
    flash(f"The flags of {name} are saved." if done.changed else f"The flags of {name} were already so: nothing changed.",
          "success" if done.changed else "info")
    if done.newly_flagged:
        flash(f"{done.people_told} people told about {done.cases_told} running partnership(s).", "info")
    if done.put_in_review or done.not_put_in_review:
        flash(f"{done.put_in_review} active partnership(s) put under review for the reviewers to decide"
              + (f"; {done.not_put_in_review} could not be and are still active." if done.not_put_in_review else "."),
              "warning" if done.not_put_in_review else "info")
    return redirect(url_for("partners.detail", partner_id=partner.id))


@bp.post("/partners/<int:partner_id>/details")
@roles_required(*CORRECT_ROLES)
def correct(partner_id: int):
    """Correct the partner's name, type, country or level, saying what was wrong."""
    partner = db.get_or_404(Organisation, partner_id)
    form = CorrectionForm()
    if form.validate_on_submit():
        values = {f: form[f].data for f in ("name", "type", "country", "level")}
        try:
            changes = correct_partner(partner.id, values, form.reason.data, current_user)
        except CorrectionRefused as refused:
            for field, message in refused.errors.items():
                if field in form:
                    form[field].errors = [*form[field].errors, message]
                else:
                    flash(f"Nothing was changed: {message}.", "error")
        else:
            flash(f"Corrected {', '.join(changes)} of {partner.name}.", "success")
            return redirect(url_for("partners.detail", partner_id=partner.id))
    db.session.rollback()
    return _detail_page(db.get_or_404(Organisation, partner_id), form, 422)
