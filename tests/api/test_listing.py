"""Finding cases, the reviewers' queue and partners through the API: filters, order and pages."""
from __future__ import annotations

import datetime as dt

import pytest

from caseflow.clock import set_clock

NOW = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def portfolio(cases):
    """Three partnerships in different states, offices and partners."""
    set_clock(NOW - dt.timedelta(days=200))
    liberia = cases.in_state("active")
    # partner=None: a new organisation by the name given, not the first case's partner.
    school = cases.in_state("proposed", partner=None, partner_name="Save the Children", title="Schools in Ethiopia",
                            office="Addis Ababa")
    set_clock(NOW - dt.timedelta(days=100))
    media = cases.in_state("under_review", partner=None, partner_name="Radio Okapi", partner_type="independent_media",
                           partner_level="country", title="Radio for children")
    set_clock(NOW)
    return {"liberia": liberia, "school": school, "media": media}


def ids(response):
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_filters_narrow_the_list(api, portfolio):
    get = api("auditor").get
    liberia, school, media = portfolio["liberia"], portfolio["school"], portfolio["media"]
    assert ids(get("/api/v1/cases?state=proposed")) == [school.id]
    assert ids(get(f"/api/v1/cases?partner_id={school.partner_id}")) == [school.id]
    assert ids(get("/api/v1/cases?partner_type=independent_media")) == [media.id]
    assert ids(get("/api/v1/cases?office=Addis%20Ababa")) == [school.id]
    assert sorted(ids(get("/api/v1/cases?owner=OFFICER@example.org"))) == sorted([liberia.id, school.id, media.id])
    assert ids(get("/api/v1/cases?owner=officer2@example.org")) == []
    assert ids(get("/api/v1/cases?q=radio")) == [media.id]
    assert ids(get("/api/v1/cases?q=save%20the")) == [school.id]
    assert ids(get("/api/v1/cases?q=100%25")) == []
    assert liberia.next_review_due < media.next_review_due
    assert ids(get(f"/api/v1/cases?due_before={liberia.next_review_due.isoformat()}")) == [liberia.id]
    assert ids(get(f"/api/v1/cases?due_before={media.next_review_due.isoformat()}&sort=id")) == [liberia.id, media.id]


def test_sorting_and_pages_with_total_and_next_link(api, portfolio):
    get = api("officer").get
    assert ids(get("/api/v1/cases?sort=title")) == [portfolio[k].id for k in ("liberia", "media", "school")]
    newest_first = ids(get("/api/v1/cases"))
    assert newest_first[0] == portfolio["media"].id
    page = get("/api/v1/cases?limit=2&sort=id").json
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
    assert page["next"] == "/api/v1/cases?limit=2&sort=id&offset=2"
    last = get(page["next"]).json
    assert [i["id"] for i in last["items"]] == [portfolio["media"].id] and last["next"] is None


@pytest.mark.parametrize("query, field", [
    ("state=sleeping", "state"), ("limit=0", "limit"), ("limit=101", "limit"), ("offset=-1", "offset"),
    ("partner_id=abc", "partner_id"), ("due_before=tomorrow", "due_before"), ("sort=colour", "sort"),
    ("colour=red", "colour"), ("state=active&state=proposed", "state"), ("q=a%00b", "q"),
])
def test_bad_query_parameters_are_400_naming_each(api, query, field):
    response = api("officer").get(f"/api/v1/cases?{query}")
    assert response.status_code == 400 and response.json["error"] == "BadRequest"
    assert field in response.json["fields"]


def test_the_queue_lists_due_and_under_review_cases_most_overdue_first(api, portfolio, cases):
    set_clock(NOW - dt.timedelta(days=30))
    not_due = cases.in_state("active", partner=None, partner_name="Later Org")
    set_clock(NOW)
    queue = api("reviewer").get("/api/v1/queue").json
    liberia, media = portfolio["liberia"], portfolio["media"]
    assert [i["id"] for i in queue["items"]] == [liberia.id, media.id]
    assert not_due.id not in [i["id"] for i in queue["items"]]
    assert queue["items"][0]["days_overdue"] == (NOW.date() - liberia.next_review_due).days > 0
    assert queue["as_of"] == NOW.date().isoformat()


@pytest.mark.parametrize("role, status", [("reviewer", 200), ("auditor", 200), ("officer", 403), ("admin", 403)])
def test_reviewers_and_auditors_read_the_queue(api, role, status):
    assert api(role).get("/api/v1/queue").status_code == status


def test_partners_are_listed_and_read(api, portfolio):
    get = api("officer").get
    listed = get("/api/v1/partners").json
    assert [p["name"] for p in listed["items"]] == ["Plan International", "Radio Okapi", "Save the Children"]
    assert [p["name"] for p in get("/api/v1/partners?type=independent_media").json["items"]] == ["Radio Okapi"]
    assert [p["name"] for p in get("/api/v1/partners?q=okapi").json["items"]] == ["Radio Okapi"]
    one = get(f"/api/v1/partners/{portfolio['media'].partner_id}").json
    assert one["cases_by_state"] == {"under_review": 1} and one["type_label"] == "Independent media"
    assert get(one["cases_url"]).json["items"][0]["id"] == portfolio["media"].id
    missing = get("/api/v1/partners/999")
    assert missing.status_code == 404 and missing.json["error"] == "NotFound"
