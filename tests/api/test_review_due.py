""""A review is due" is written once (caseflow.reviews.due): the queue page, the API, the sweep and the
dashboard agree on which cases, and the page and the API on their order."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from caseflow.clock import utcnow
from caseflow.dashboard.stats import review_figures
from caseflow.extensions import db
from caseflow.jobs.firing import reviews_due
from caseflow.models import Case
from tests.conftest import sign_in_as
from tests.ui.conftest import text_of


@pytest.fixture
def queue(users, cases):
    """Cases due at different dates, one of them the signed-in reviewer's and less overdue than the others."""
    start = utcnow() - dt.timedelta(days=200)
    made = {
        "old": cases.in_state("active", at=start, office="Bamako"),
        "theirs": cases.in_state("under_review", at=start + dt.timedelta(days=10)),
        "mine": cases.in_state("under_review"),
        "later": cases.in_state("active", at=start + dt.timedelta(days=30), office="Bamako"),
        "fresh": cases.in_state("active"),  # not due
    }
    others = [made[k].id for k in ("old", "theirs", "later")]
    db.session.execute(db.update(Case).where(Case.id.in_(others)).values(reviewer_id=users["reviewer2"].id))
    db.session.commit()
    return {k: db.session.get(Case, c.id) for k, c in made.items()}


def page_ids(client, query: str = "") -> list[int]:
    page = text_of(client.get("/queue" + query))
    table = page[page.index('id="queue"'):]
    return [int(i) for i in re.findall(r'<td><a href="/cases/(\d+)">', table)]


def api_ids(api, query: str = "") -> list[int]:
    answer = api("reviewer").get("/api/v1/queue" + query)
    assert answer.status_code == 200, answer.json
    return [item["id"] for item in answer.json["items"]]


def test_the_page_and_the_api_list_the_same_cases_in_the_same_order(client, api, users, queue):
    sign_in_as(client, users["reviewer"])
    listed = page_ids(client)
    assert listed == api_ids(api)
    # "theirs" was begun early, 190 days ago, so it has been due since then: before "old", due 110 days ago.
    assert listed == [queue[k].id for k in ("theirs", "old", "later", "mine")]
    assert page_ids(client, "?office=Bamako") == api_ids(api, "?office=Bamako") == [queue["old"].id, queue["later"].id]


def test_the_sweep_starts_the_reviews_the_queue_calls_due(app, api, queue):
    due_active = {i for i in api_ids(api) if db.session.get(Case, i).state == "active"}
    assert due_active == {queue["old"].id, queue["later"].id}
    result = reviews_due(utcnow())
    assert result.fired == len(due_active)
    db.session.expire_all()
    assert {c.id for c in db.session.query(Case).filter(Case.state == "under_review")} == (
        due_active | {queue["theirs"].id, queue["mine"].id})
    assert db.session.get(Case, queue["fresh"].id).state == "active"


def test_the_dashboard_counts_reviews_due_by_the_same_rule(app, queue):
    figures = review_figures(grace_days=14)
    assert figures["due_soon"] == 2 and figures["open"] == 2
