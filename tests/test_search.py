"""Searching cases and partners finds what the plain LIKE found, from an index, whatever is typed."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select, text, update

from caseflow.extensions import db
from caseflow.models import Case, Organisation
from caseflow.search import case_ids, case_matches, partner_matches
from tests.api.conftest import secrets  # noqa: F401 - a fixture

PARTNERS = ["Plan Internationale", "Tostan", "Ñandú Foundation", "100% Kids", "under_score Trust",
            "\u212a Kelvin Trust", "Straße der Kinder", 'The "Quoted" NEAR Fund', "ÉCOLE Ouverte"]
TITLES = ["Water and sanitation in Gao", "WATER for schools", "École 50% ready", "snake_case * wells",
          'Say "NEAR" twice', "Birth registration", "Vaccination NEAR(a b)", "straße lighting", "x",
          "Ǆemal schools", "Back\\slash learning", "Emoji 🙂 clubs", "AND OR NOT", "ab"]
FRAGMENTS = ["water", "WAT", "ate", "École", "école", "ÉCOLE", "50%", "%", "_", "e_c", "\\", '"', '""', "NEAR",
             "NEAR(", "*", "wat*", "^", "-", ":", "title:", "partner:", "AND", "OR NOT", "ß", "ss", "\u212a", "k",
             "kelvin", "Ǆ", "ǆ", "🙂", " ", "  water  ", "plan intern", "x", "ab", "a", "Trust", "rust",
             "ned", "nd", "e ", "\x00", "tostan\x00"]


@pytest.fixture
def catalogue(app, cases):
    """The partners above, each with every title above (as made by the engine once, then copied)."""
    model = db.session.execute(select(Case.__table__).where(Case.id == cases.propose().id)).mappings().one()
    rows = []
    for name in PARTNERS:
        partner_id = db.session.execute(insert(Organisation).values(
            name=name, type="national_ngo", level="country", sanctions_flag=False, reputational_flag=False,
            created_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)).returning(Organisation.id)).scalar_one()
        rows += [{**{k: v for k, v in model.items() if k != "id"}, "title": title, "partner_id": partner_id}
                 for title in TITLES]
    db.session.execute(insert(Case.__table__), rows)
    db.session.commit()


def _like(column: str, typed: str) -> str:
    # The old search, written out: LIKE on SQLite (ASCII case ignored), ILIKE on PostgreSQL.
    return f"{column} {'LIKE' if db.engine.dialect.name == 'sqlite' else 'ILIKE'} :pattern ESCAPE '\\'"


def expected(typed: str) -> tuple[set[int], set[int]]:
    """The cases and partners the plain LIKE finds (nothing for a NUL, which no stored text holds)."""
    if "\x00" in typed:
        return set(), set()
    pattern = "%" + typed.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    partners = set(db.session.scalars(text(f"SELECT id FROM organisations WHERE {_like('name', typed)}"),
                                      {"pattern": pattern}))
    found = set(db.session.scalars(text(f"SELECT cases.id FROM cases JOIN organisations o ON o.id = cases.partner_id "
                                        f"WHERE {_like('cases.title', typed)} OR {_like('o.name', typed)}"),
                                   {"pattern": pattern}))
    return found, partners


def found(typed: str) -> tuple[set[int], set[int]]:
    cases_found = set(db.session.scalars(select(Case.id).where(case_matches(typed))))
    counted = db.session.scalar(select(func.count()).select_from(case_ids(typed).subquery()))
    assert counted == len(cases_found), typed
    return cases_found, set(db.session.scalars(select(Organisation.id).where(partner_matches(typed))))


searches = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6),
                     st.lists(st.sampled_from(FRAGMENTS), min_size=2, max_size=3).map("".join))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=searches)
@example(typed="water " * 2000)
@example(typed="wat" + "\u212a" * 10_000)
def test_any_search_finds_exactly_what_like_found(catalogue, typed):
    assert found(typed) == expected(typed)


def test_a_search_finds_titles_and_partners_ignoring_case(catalogue):
    water, _ = found("WATER")
    titles = set(db.session.scalars(select(Case.title).where(Case.id.in_(water))))
    assert titles == {"Water and sanitation in Gao", "WATER for schools"}
    kids, partners = found("kids")
    assert len(partners) == 1 and len(kids) == len(TITLES)
    underscored, _ = found("e_c")  # wildcards are taken literally
    assert set(db.session.scalars(select(Case.title).where(Case.id.in_(underscored)))) == {"snake_case * wells"}


def test_short_searches_still_find(catalogue):
    for typed in ("x", "ab", "%", "ß"):
        assert found(typed) == expected(typed) and expected(typed)[0], typed


def test_a_corrected_title_or_partner_name_is_found_by_its_new_words(catalogue):
    tostan = db.session.scalar(select(Organisation.id).where(Organisation.name == "Tostan"))
    db.session.execute(update(Organisation).where(Organisation.id == tostan).values(name="Tostan Renamed"))
    one = db.session.scalar(select(Case.id).where(Case.title == "x").limit(1))
    db.session.execute(update(Case).where(Case.id == one).values(title="Brand new title"))
    db.session.commit()
    for typed in ("renamed", "brand new", "tostan", "x"):
        assert found(typed) == expected(typed), typed
    db.session.execute(Case.__table__.delete().where(Case.id == one))
    db.session.commit()
    assert found("brand new") == (set(), set())


@pytest.mark.parametrize("typed", ['"', "NEAR(", "*", "%_\\", "🙂", "\x00", "x" * 10_000, "title:water"])
def test_hostile_searches_answer_on_every_listing(catalogue, client, sign_in, secrets, typed):
    sign_in("auditor")
    for path in ("/cases", "/partners"):
        assert client.get(path, query_string={"q": typed}).status_code == 200, path
    bearer = {"Authorization": f"Bearer {secrets['auditor']}"}
    for path in ("/api/v1/cases", "/api/v1/partners"):
        # The API bounds q at 200 characters: longer is a 400 naming the field, never a 500.
        answer = client.get(path, query_string={"q": typed}, headers=bearer)
        assert answer.status_code in (200, 400) and answer.is_json, (path, answer.status_code)
