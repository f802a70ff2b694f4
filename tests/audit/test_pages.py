"""Auditors read the log, each case's history, stats and the verification page; other roles read less."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord

AUDIT_PAGES = ["/audit", "/audit/stats", "/audit/verify", "/audit/verify?run=1", "/audit/cases/{id}",
               "/audit/cases/{id}/print", "/audit/cases/{id}/as-of?at=2026-01-01", "/audit/export?format=csv",
               "/audit/export?format=json", "/audit/cases/{id}/export?format=csv", "/audit/cases/{id}/export?format=json"]


def _a_case() -> Case:
    return db.session.scalar(select(Case).where(Case.state == "active").order_by(Case.id))


def test_every_audit_route_is_listed_here_and_reads_only(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("audit.")]
    assert {r.endpoint for r in rules} == {"audit.log", "audit.log_export", "audit.stats", "audit.verify",
                                           "audit.case_history", "audit.case_print", "audit.as_of", "audit.case_export"}
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_auditors_and_admins_read_every_audit_page_and_export(demo, sign_in, role):
    client, case = sign_in(role), _a_case()
    for page in AUDIT_PAGES:
        response = client.get(page.format(id=case.id))
        assert response.status_code == 200 and response.get_data(), page


@pytest.mark.parametrize("role", ["officer", "reviewer"])
def test_officers_and_reviewers_read_a_case_history_but_not_the_audit_pages(demo, sign_in, role):
    client, case = sign_in(role), _a_case()
    for page in AUDIT_PAGES:
        url = page.format(id=case.id)
        expected = 200 if url in (f"/audit/cases/{case.id}", f"/audit/cases/{case.id}/print") else 403
        response = client.get(url)
        response.close()  # an export is streamed: close its body rather than leave it to the collector
        assert response.status_code == expected, url
    history = client.get(f"/audit/cases/{case.id}").get_data(as_text=True)
    assert "Export" not in history and "as of a date" not in history


def test_anonymous_visitors_are_not_shown_the_log(client, demo):
    assert client.get("/audit").status_code in (302, 401)


def test_case_history_shows_each_step_form_and_changes_with_a_verified_badge(demo, sign_in):
    client, case = sign_in("auditor"), _a_case()
    page = client.get(f"/audit/cases/{case.id}").get_data(as_text=True)
    assert 'data-chain="intact"' in page
    assert "#1 Propose a partnership" in page and "Record the agreement" in page
    assert "Capacity assessment" in page  # the vetting form's data
    assert "Exit deadline" in page and "(empty)" in page  # a field change, before and after
    printable = client.get(f"/audit/cases/{case.id}/print").get_data(as_text=True)
    assert "@media print" in printable and case.history_head in printable


def _links(page: str) -> dict[str, str]:
    return {rel: html.unescape(href) for rel, href in re.findall(r'rel="(next|prev)" href="([^"]+)"', page)}


def _ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/audit/cases/(\d+)#record-\d+"', page)]


def _shown(page: str) -> list[tuple[int, int]]:
    return [(int(c), int(s)) for c, s in re.findall(r'href="/audit/cases/(\d+)#record-(\d+)"', page)]


def test_the_log_pages_through_every_record_by_keyset_both_ways(demo, sign_in):
    client = sign_in("auditor")
    expected = db.session.execute(select(HistoryRecord.case_id, HistoryRecord.seq)
                                  .order_by(HistoryRecord.at.desc(), HistoryRecord.id.desc())).all()
    seen, pages, url = [], [], "/audit?per_page=10"
    while url:
        page = client.get(url).get_data(as_text=True)
        pages.append(url)
        seen += _shown(page)
        url = _links(page).get("next")
    assert seen == [tuple(r) for r in expected]
    assert len(pages) == -(-len(expected) // 10)
    back, url = [], _links(client.get(pages[-1]).get_data(as_text=True)).get("prev")
    while url:
        page = client.get(url).get_data(as_text=True)
        back = _shown(page) + back
        url = _links(page).get("prev")
    assert back == seen[:len(back)] and len(back) == 10 * (len(pages) - 1)


FILTERS = [
    ({"actor": "system:activation"}, lambda r: r.actor == "system:activation"),
    ({"actor": "system:*"}, lambda r: r.actor.startswith("system:")),
    ({"trigger": "complete_review"}, lambda r: r.trigger == "complete_review"),
    ({"from_state": "under_review", "to_state": "active"}, lambda r: (r.from_state, r.to_state) == ("under_review", "active")),
    ({"from_state": "-"}, lambda r: r.seq == 1),
    ({"date_from": "{d0}", "date_to": "{d1}"}, lambda r: "{d0}" <= r.at.date().isoformat() <= "{d1}"),
]


@pytest.mark.parametrize("args, keep", FILTERS)
def test_the_log_filters(demo, sign_in, args, keep):
    client = sign_in("auditor")
    records = db.session.scalars(select(HistoryRecord).order_by(HistoryRecord.at.desc(), HistoryRecord.id.desc())).all()
    d0, d1 = records[len(records) // 2].at.date().isoformat(), records[len(records) // 4].at.date().isoformat()
    args = {k: v.format(d0=d0, d1=d1) for k, v in args.items()}
    if "date_from" in args:
        keep = lambda r: d0 <= r.at.date().isoformat() <= d1  # noqa: E731
    page = client.get("/audit", query_string={**args, "per_page": 500}).get_data(as_text=True)
    wanted = [(r.case_id, r.seq) for r in records if keep(r)]
    assert wanted and _shown(page) == wanted


def test_the_log_filters_by_case_and_partner(demo, sign_in):
    client, case = sign_in("auditor"), _a_case()
    by_case = client.get("/audit", query_string={"case_id": case.reference}).get_data(as_text=True)
    assert set(_ids(by_case)) == {case.id} and len(_ids(by_case)) == case.history_seq
    partner_cases = set(db.session.scalars(select(Case.id).where(Case.partner_id == case.partner_id)))
    by_partner = client.get("/audit", query_string={"partner_id": case.partner_id, "per_page": 500}).get_data(as_text=True)
    assert set(_ids(by_partner)) == partner_cases


@pytest.mark.parametrize("query, message", [
    ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "must not be before the first day"),
    ({"case_id": "abc"}, "a case number such as 42 or CF-000042"),
    ({"date_from": "1st of May"}, "Not a valid date value"),
    ({"trigger": "teleport"}, "Not a valid choice"),
])
def test_bad_filters_are_explained_beside_the_field(demo, sign_in, query, message):
    response = sign_in("auditor").get("/audit", query_string=query)
    assert response.status_code == 400 and message in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/audit?after=garbage", "/audit/export?format=xml", "/audit/export?date_to=x"])
def test_bad_cursor_and_format_are_refused(demo, sign_in, url):
    assert sign_in("auditor").get(url).status_code == 400


def test_a_missing_case_is_not_found(app, users, sign_in):
    client = sign_in("auditor")
    for page in ("/audit/cases/999", "/audit/cases/999/as-of", "/audit/cases/999/export"):
        assert client.get(page).status_code == 404


def test_with_csrf_on_the_get_filters_work_and_nothing_can_be_posted(app, demo, sign_in):
    app.config["WTF_CSRF_ENABLED"] = True
    client = sign_in("auditor")
    assert client.get("/audit?trigger=vet").status_code == 200  # a GET form changes nothing: no token needed
    refused = client.post("/audit", data={"trigger": "vet"})
    assert refused.status_code in (400, 405)  # no token, and no write route here anyway
