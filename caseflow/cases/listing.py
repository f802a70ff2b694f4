"""The case list: filters, text search, sorting and pages, as indexed queries without N+1."""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload
from wtforms import DateField, Form, IntegerField, SearchField, SelectField
from wtforms.validators import NumberRange, Optional

from caseflow.extensions import db
from caseflow.models import PARTNER_TYPES, Case, Organisation, User
from caseflow.search import case_ids, case_matches, indexed, unindexed

PER_PAGE = 50
SORTS = {
    "newest": ("Newest first", (Case.id.desc(),)),
    "oldest": ("Oldest first", (Case.id.asc(),)),
    "title": ("Title", (Case.title.asc(),)),
    "partner": ("Partner", (Organisation.name.asc(),)),
    "review": ("Next review due", (Case.next_review_due.asc(),)),
    "end": ("End date", (Case.proposed_end.asc(),)),
    "updated": ("Last changed", (Case.updated_at.desc(),)),
}
#: The sorts an index holds in the page's order (the id, or caseflow.models.case.SORT_INDEXES).
WALKABLE = ("newest", "oldest", "title", "end", "updated")


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


def _conditions(form: CaseFilterForm, walk: bool = False) -> tuple[list, bool]:
    """The WHERE conditions, and whether any of them needs the partner's row.

    `walk`: the page is read in its sort's order and each case tested, so no equality may drive (see _walks).
    """
    where, needs_partner = [], False
    col = unindexed if walk else (lambda column: column)
    simple = {"state": Case.state, "office": Case.office}
    for name, column in simple.items():
        if (value := _value(form[name])) is not None:
            where.append(col(column) == value)
    if (owner := _value(form.owner)) is not None:
        where.append(col(Case.owner_id) == int(owner))
    if (due := _value(form.due_before)) is not None:
        where.append(Case.next_review_due < due)
    if (kind := _value(form.partner_type)) is not None:
        where.append(col(Organisation.type) == kind)
        needs_partner = True
    if (country := _value(form.country)) is not None:
        where.append(col(Organisation.country) == country)
        needs_partner = True
    if (text := _text(form)) is not None:
        # With other filters, theirs is the index to read by: stepping through it and testing each case
        # against the matches is cheaper than seeking each match in it.
        where.append(case_matches(text, probe=walk or bool(where)))
    return where, needs_partner


def _text(form: CaseFilterForm) -> str | None:
    text = _value(form.q)
    return text if text is not None and text.strip() else None


def _count(form: CaseFilterForm, where: list, needs_partner: bool) -> int:
    """How many cases match: a search alone is counted from its index, reading no case."""
    if len(where) == 1 and (text := _text(form)) is not None and indexed(text):
        return db.session.scalar(select(func.count()).select_from(case_ids(text).subquery())) or 0
    counted = select(func.count(Case.id)).where(*where)
    return db.session.scalar(counted.join(Case.partner) if needs_partner else counted) or 0


def _walks(form: CaseFilterForm, sort: str, total: int, offset: int) -> bool:
    """Whether to read the page in the order of its sort's index, testing each case against the filters,
    rather than fetch every match and sort them: when the matches are many (then the page is near the
    index's start) and the filters are not all there is. SQLite has no statistics to weigh this; the count
    has just been made.
    """
    if db.session.get_bind().dialect.name != "sqlite" or sort not in WALKABLE:
        return False
    cases = db.session.scalar(select(func.max(Case.id))) or 0
    # Walking reads about (offset + a page) * cases / total index entries; fetching and sorting reads `total`.
    return 0 < total < cases and (offset + PER_PAGE) * cases < total * total


def search(form: CaseFilterForm) -> Page:
    """One page of cases matching the filters, with partner and owner loaded in the same round trips.

    The page's ids are chosen first (only ids and sort keys are sorted), then fifty cases are read.
    """
    where, needs_partner = _conditions(form)
    total = _count(form, where, needs_partner)
    page = _value(form.page) or 1
    sort = form.sort.data if form.sort.data in SORTS else "newest"
    offset = (page - 1) * PER_PAGE
    if _walks(form, sort, total, offset):
        where, needs_partner = _conditions(form, walk=True)
    order = (*SORTS[sort][1], Case.id.desc())
    chosen = select(Case.id).where(*where).order_by(*order).limit(PER_PAGE).offset(offset)
    if needs_partner or sort == "partner":
        chosen = chosen.join(Case.partner)
    rows = db.session.scalars(
        select(Case).join(Case.partner).where(Case.id.in_(chosen))
        .options(contains_eager(Case.partner), selectinload(Case.owner)).order_by(*order)
    ).all()
    return Page(rows, total, page, PER_PAGE)


def page_args(args, page: int, **changes) -> dict:
    """The query string of the same search on another page (or sorted otherwise, with `sort=`)."""
    kept = {k: v for k, v in args.items() if k != "page" and v not in ("", None)}
    return {**kept, **changes, "page": page}
