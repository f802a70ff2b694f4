"""The case list and a case's page, as officers, reviewers and auditors use them."""
from __future__ import annotations

import datetime as dt

from caseflow.clock import today
from caseflow.extensions import db
from caseflow.models import Comment, Organisation
from tests.ui.conftest import text_of


def test_the_list_filters_by_state_and_searches_title_and_partner(client, users, cases, sign_in, ngo):
    active = cases.in_state("active", partner=ngo, title="Water for Gao schools")
    proposed = cases.propose(partner=ngo, title="Nutrition in Mopti")
    sign_in(users["auditor"])
    everything = text_of(client.get("/cases"))
    assert active.reference in everything and proposed.reference in everything
    only_active = text_of(client.get("/cases?state=active"))
    assert active.reference in only_active and proposed.reference not in only_active
    by_title = text_of(client.get("/cases?q=gao"))
    assert active.reference in by_title and proposed.reference not in by_title
    by_partner = text_of(client.get("/cases?q=plan+intern"))
    assert active.reference in by_partner and proposed.reference in by_partner


def test_the_list_filters_by_partner_type_country_office_owner_and_review_date(client, users, cases, sign_in, ngo):
    company = Organisation(name="Acme Water", type="company", country="Mali", level="country")
    db.session.add(company)
    db.session.commit()
    theirs = cases.in_state("active", partner=company, office="Bamako")
    ours = cases.in_state("active", partner=ngo, by="officer2")
    sign_in(users["reviewer"])
    for query, shown, hidden in [
        ("partner_type=company", theirs, ours), ("country=Liberia", ours, theirs), ("office=Bamako", theirs, ours),
        (f"owner={users['officer2'].id}", ours, theirs),
    ]:
        page = text_of(client.get(f"/cases?{query}"))
        assert shown.reference in page and hidden.reference not in page, query
    later = (today() + dt.timedelta(days=400)).isoformat()
    assert theirs.reference in text_of(client.get(f"/cases?due_before={later}"))
    assert theirs.reference not in text_of(client.get(f"/cases?due_before={today().isoformat()}"))


def test_the_list_sorts_and_pages(client, users, cases, sign_in, ngo):
    made = [cases.propose(partner=ngo, title=f"Case {n:02d}") for n in range(55)]
    sign_in(users["officer"])
    first = text_of(client.get("/cases?sort=title"))
    assert "Page 1 of 2" in first and "Case 00" in first and "Case 54" not in first
    assert "/cases?sort=partner&amp;page=1" in first and "Title ▾" in first
    second = text_of(client.get("/cases?sort=title&page=2"))
    assert "Case 54" in second and "Case 00" not in second
    newest = text_of(client.get("/cases"))
    assert made[-1].reference in newest and made[0].reference not in newest


def test_a_bad_filter_value_is_ignored_with_a_message(client, users, cases, sign_in, ngo):
    cases.propose(partner=ngo)
    sign_in(users["officer"])
    response = client.get("/cases?due_before=soon&page=x")
    assert response.status_code == 200
    assert "Not a valid date value" in text_of(response)


def test_the_case_page_shows_facts_state_diagram_actions_and_timeline(client, users, cases, sign_in):
    case = cases.in_state("vetted")
    sign_in(users["officer"])
    page = text_of(client.get(f"/cases/{case.id}"))
    assert case.title in page and "Plan International" in page
    assert 'id="case-state">Vetted<' in page
    assert '<svg class="workflow-diagram"' in page and 'data-state="vetted" aria-current="step"' in page
    assert f'/cases/{case.id}/agree' in page and f'/cases/{case.id}/discontinue' not in page
    assert "Committed to the core values" in page and "Audited accounts; field presence." in page
    assert "Rita Reviewer" in page  # the vetting is shown with the reviewer's name


def test_a_reviewer_sees_only_the_reviewers_triggers(client, users, cases, sign_in):
    case = cases.in_state("under_review")
    sign_in(users["reviewer"])
    page = text_of(client.get(f"/cases/{case.id}"))
    for trigger in ("complete_review", "begin_exit", "discontinue"):
        assert f"/cases/{case.id}/{trigger}" in page
    assert f"/cases/{case.id}/amend" not in page


def test_an_auditor_reads_the_timeline_and_has_no_action_button(client, users, cases, sign_in):
    case = cases.in_state("active")
    sign_in(users["auditor"])
    page = text_of(client.get(f"/cases/{case.id}"))
    assert 'data-trigger="' not in page
    assert "its steps are for officers and reviewers" in page
    assert page.count('class="list-group-item px-0"') == 4  # propose, vet, agree, activate


def test_the_timeline_merges_comments_and_pages_long_histories(client, users, cases, sign_in):
    case = cases.in_state("active")
    for n in range(60):
        cases.workflow.fire(case.id, "amend", cases.actor("officer"), {"operational_targets": f"Target {n}", "reason": "Scale"})
    db.session.add(Comment(case_id=case.id, author_id=users["reviewer"].id, body="Looks sound."))
    db.session.commit()
    sign_in(users["auditor"])
    first = text_of(client.get(f"/cases/{case.id}"))
    assert "Looks sound." in first and "Target 59" in first and "Target 5<" not in first
    assert "1 / 2" in first
    assert "Changed new operational targets: <del>Target 58</del> → Target 59" in first
    second = text_of(client.get(f"/cases/{case.id}?page=2"))
    assert "Target 5<" in second and "Looks sound." not in second and "Propose" in second
    assert "2 / 2" in text_of(client.get(f"/cases/{case.id}?page=99"))


def test_times_are_shown_in_the_configured_zone(app, client, users, cases, sign_in):
    app.config["CASEFLOW_TIMEZONE"] = "Asia/Tokyo"
    case = cases.in_state("proposed", at=dt.datetime(2026, 3, 1, 22, 30, tzinfo=dt.timezone.utc))
    sign_in(users["auditor"])
    assert "2026-03-02 07:30" in text_of(client.get(f"/cases/{case.id}"))


def test_a_missing_case_is_404(client, users, sign_in):
    sign_in(users["officer"])
    assert client.get("/cases/424242").status_code == 404
