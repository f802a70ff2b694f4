"""The case list: filters, text search, sorting and pages, as indexed queries without N+1."""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, selectinload
from wtforms import DateField, Form, IntegerField, SearchField, SelectField
from wtforms.validators import NumberRange, Optional

from caseflow.extensions import db
from caseflow.models import PARTNER_TYPES, Case, Organisation, User

PER_PAGE = 50
SORTS = {
    "newest": ("Newest first", Case.id.desc()),
    "oldest": ("Oldest first", Case.id.asc()),
    "title": ("Title", Case.title.asc()),
    "partner": ("Partner", Organisation.name.asc()),
    "review": ("Next review due", Case.next_review_due.asc()),
    "end": ("End date", Case.proposed_end.asc()),
    "updated": ("Last changed", Case.updated_at.desc()),
}


class CaseFilterForm(Form):
    """The list's filters, read from the query string (a GET form: nothing to protect with CSRF)."""

    q = SearchField("Search title or partner", validators=[Optional()])
    state = SelectField("State", validators=[Optional()])
    partner_type = SelectField("Partner type", validators=[Optional()])
    country = SelectField("Country", validators=[Optional()])
    office = SelectField("Office", validators=[Optional()])
    owner = SelectField("Owner", validators=[Optional()])
    due_before = DateField("Review due before", validators=[Optional()])
    sort = SelectField("Sort by", choices={k: label for k, (label, _) in SORTS.items()}, default="newest")
    page = IntegerField(validators=[Optional(), NumberRange(min=1)], default=1)


def filter_form(args, states: dict[str, str]) -> CaseFilterForm:
    """The filter form over the query string, with its choices from the database (indexed DISTINCTs)."""
    form = CaseFilterForm(args)
    anything = {"": "Any"}
    form.state.choices = {**anything, **states}
    form.partner_type.choices = {**anything, **PARTNER_TYPES}
    countries = db.session.scalars(select(Organisation.country).where(Organisation.country.is_not(None))
                                   .distinct().order_by(Organisation.country))
    form.country.choices = {**anything, **{c: c for c in countries}}
    offices = db.session.scalars(select(Case.office).distinct().order_by(Case.office))
    form.office.choices = {**anything, **{o: o for o in offices}}
    owners = db.session.execute(select(User.id, User.name).where(User.role == "officer").order_by(User.name))
    form.owner.choices = {**anything, **{str(i): n for i, n in owners}}
    form.validate()
    return form


def _value(field):
    return None if field.errors or field.data in (None, "") else field.data


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def _conditions(form: CaseFilterForm) -> tuple[list, bool]:
    """The WHERE conditions, and whether any of them needs the partner's row."""
    where, needs_partner = [], False
    simple = {"state": Case.state, "office": Case.office}
    for name, column in simple.items():
        if (value := _value(form[name])) is not None:
            where.append(column == value)
    if (owner := _value(form.owner)) is not None:
        where.append(Case.owner_id == int(owner))
    if (due := _value(form.due_before)) is not None:
        where.append(Case.next_review_due < due)
    if (kind := _value(form.partner_type)) is not None:
        where.append(Organisation.type == kind)
        needs_partner = True
    if (country := _value(form.country)) is not None:
        where.append(Organisation.country == country)
        needs_partner = True
    if (text := _value(form.q)) is not None:
        # Partners are few: find the matching ones first, so the cases need no join to be counted.
        partners = select(Organisation.id).where(contains_text(Organisation.name, text))
        where.append(or_(contains_text(Case.title, text), Case.partner_id.in_(partners)))
    return where, needs_partner


def contains_text(column, text: str):
    """`column` contains `text` as typed (%, _ and \\ are no wildcards), ignoring case.

    SQLite's LIKE already ignores ASCII case, and skipping lower() keeps it quick.
    """
    pattern = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if db.session.get_bind().dialect.name == "sqlite":
        return column.like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")


def search(form: CaseFilterForm) -> Page:
    """One page of cases matching the filters, with partner and owner loaded in the same round trips."""
    where, needs_partner = _conditions(form)
    counted = select(func.count(Case.id))
    if needs_partner:
        counted = counted.join(Case.partner)
    total = db.session.scalar(counted.where(*where)) or 0
    page = _value(form.page) or 1
    _, order = SORTS.get(form.sort.data, SORTS["newest"])
    rows = db.session.scalars(
        select(Case).join(Case.partner).where(*where)
        .options(contains_eager(Case.partner), selectinload(Case.owner))
        .order_by(order, Case.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    return Page(rows, total, page, PER_PAGE)


def page_args(args, page: int, **changes) -> dict:
    """The query string of the same search on another page (or sorted otherwise, with `sort=`)."""
    kept = {k: v for k, v in args.items() if k != "page" and v not in ("", None)}
    return {**kept, **changes, "page": page}
