"""The cases' partial date indexes (tests/test_query_plans.py) come and go with their migration, on both databases.

Apart from the plans' module: it downgrades and upgrades its own database, which the plans' shared one must not see.
"""
from __future__ import annotations

from sqlalchemy import inspect

from caseflow.extensions import db
from caseflow.models import Case
from tests.test_query_plans import DATE_OF, PARTIAL


def test_the_partial_indexes_come_and_go_with_their_migration(app):
    from flask_migrate import downgrade, upgrade

    def indexes() -> set[str]:
        return {i["name"] for i in inspect(db.engine).get_indexes("cases")}

    composite = {f"ix_cases_state_{column}" for column in set(DATE_OF.values())}
    assert PARTIAL <= indexes() and not composite & indexes()
    # The model and the migrations agree; PostgreSQL has the title's trigram index besides (caseflow/search.py).
    trigram = {"ix_cases_title_trgm"} if db.engine.dialect.name == "postgresql" else set()
    assert indexes() == {i.name for i in Case.__table__.indexes} | trigram
    downgrade(revision="a7d3c1e9b2f4")
    assert composite <= indexes() and not PARTIAL & indexes() and "ix_cases_state" in indexes()
    upgrade()
    assert PARTIAL <= indexes() and not composite & indexes()
