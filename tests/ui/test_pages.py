"""Partners, the review queue, my cases, notifications, the dashboard and user administration."""
from __future__ import annotations

import datetime as dt

from flask import g
from sqlalchemy import select

from caseflow.clock import set_clock, today, utcnow
from caseflow.extensions import db
from caseflow.models import Case, Notification, Organisation, User
from tests.factories import PASSWORD, agreement
from tests.ui.conftest import text_of


def test_the_partner_directory_searches_and_filters(client, users, sign_in, ngo):
    db.session.add(Organisation(name="Acme Water", type="company", country="Mali", level="country"))
    db.session.commit()
    sign_in(users["officer"])
    assert "Acme Water" in text_of(client.get("/partners?q=acme"))
    assert "Plan International" not in text_of(client.get("/partners?type=company"))
    assert "Acme Water" not in text_of(client.get("/partners?country=Liberia"))
    # What is typed is looked for as it is: % and _ are no wildcards.
    assert "Acme Water" not in text_of(client.get("/partners?q=a_me"))
    assert "Acme Water" not in text_of(client.get("/partners?q=%25"))


def test_a_reviewer_flags_a_partner_and_its_proposal_cannot_be_vetted(client, users, cases, sign_in, ngo):
    case = cases.propose(partner=ngo)
    sign_in(users["officer"])
    assert "Save the flags" not in text_of(client.get(f"/partners/{ngo.id}"))
    assert client.post(f"/partners/{ngo.id}/flags", data={"sanctions_flag": "y", "note": "x"}).status_code == 403
    sign_in(users["reviewer"])
    page = text_of(client.get(f"/partners/{ngo.id}"))
    assert case.reference in page and "Save the flags" in page
    refused = client.post(f"/partners/{ngo.id}/flags", data={"sanctions_flag": "y"}, follow_redirects=True)
    assert "say why" in text_of(refused) and not db.session.get(Organisation, ngo.id).sanctions_flag
    client.post(f"/partners/{ngo.id}/flags", data={"sanctions_flag": "y", "note": "Listed on 3 March."})
    partner = db.session.get(Organisation, ngo.id)
    assert partner.sanctions_flag and "Rita Reviewer: flagged for sanctions. Listed on 3 March." in partner.flag_note
    sign_in(users["reviewer2"])
    response = client.post(f"/cases/{case.id}/vet", data={"commitment_to_values": "y", "good_governance": "y",
                           "no_breach_of_norms": "y", "reputational_risk": "low", "capacity_assessment": "Good",
                           "version": case.version})
    assert response.status_code == 422 and "blocking flag (sanctions)" in text_of(response)


def test_the_queue_lists_the_most_overdue_first_and_marks_my_reviews(client, users, cases, sign_in, ngo):
    start = utcnow() - dt.timedelta(days=200)
    old = cases.in_state("active", at=start, partner=ngo, title="Old one", office="Bamako")
    theirs = cases.in_state("under_review", at=start + dt.timedelta(days=10), partner=ngo, title="Theirs")
    fresh = cases.in_state("active", partner=ngo, title="Not due")
    mine = cases.in_state("vetted", partner=ngo, title="Mine")  # vetted by 'reviewer'
    cases.attach_signed_agreement(mine)
    cases.workflow.fire(mine.id, "agree", cases.actor("officer"), agreement())
    cases.workflow.fire(mine.id, "activate", cases.actor("officer"), {"actual_start": today().isoformat()})
    cases.workflow.fire(mine.id, "start_review", cases.actor("officer"), {"reason": "Ad hoc"})
    # The factory's vetting makes 'reviewer' everyone's reviewer; give two cases to someone else.
    db.session.execute(db.update(Case).where(Case.id.in_([old.id, theirs.id])).values(reviewer_id=users["reviewer2"].id))
    db.session.commit()
    sign_in(users["reviewer"])
    page = text_of(client.get("/queue"))
    assert fresh.title not in page
    # One order for everyone, the API's too (tests/test_review_due.py): most overdue first. "Theirs" was
    # begun early, 190 days ago, so it has been due since then, longer than "Old one" (110 days).
    assert page.index("Theirs") < page.index("Old one") < page.index("Mine")
    assert 'yours</span>' in page[page.index("Mine"):]
    assert f"/cases/{mine.id}/complete_review" in page and f"/cases/{old.id}/start_review" in page
    late = (today() - db.session.get(Case, old.id).next_review_due).days
    assert f'<td class="overdue">{late}</td>' in page
    assert "Theirs" not in text_of(client.get("/queue?office=Bamako"))


def test_my_cases_shows_what_waits_on_the_officer(client, users, cases, sign_in, ngo):
    vetted = cases.in_state("vetted", partner=ngo, title="Needs an agreement")
    proposed = cases.propose(partner=ngo, title="Waits for vetting")
    other = cases.in_state("vetted", partner=ngo, by="officer2", title="Someone else's")
    db.session.add(Notification(user_id=users["officer"].id, case_id=vetted.id, kind="exit_notice",
                                message="The partnership ends in 90 days.", dedup_key="t1"))
    db.session.commit()
    sign_in(users["officer"])
    page = text_of(client.get("/my"))
    waiting = page[page.index('id="waiting"'):page.index("Unread notifications")]
    assert vetted.title in waiting and f"/cases/{vetted.id}/agree" in waiting and proposed.title not in waiting
    assert proposed.title in page and other.title not in page
    assert "The partnership ends in 90 days." in page


def test_the_inbox_marks_notifications_read_and_the_header_counts_them(client, users, sign_in):
    for n in range(3):
        db.session.add(Notification(user_id=users["reviewer"].id, kind="review_overdue", message=f"Note {n}", dedup_key=f"k{n}"))
    db.session.add(Notification(user_id=users["officer"].id, kind="x", message="Not yours", dedup_key="k9"))
    db.session.commit()
    sign_in(users["reviewer"])
    page = text_of(client.get("/notifications"))
    assert "Note 2" in page and "Not yours" not in page
    assert 'text-bg-danger">3</span>' in page
    first = db.session.scalar(select(Notification).where(Notification.message == "Note 0"))
    client.post(f"/notifications/{first.id}/read")
    assert 'text-bg-danger">2</span>' in text_of(client.get("/notifications"))
    theirs = db.session.scalar(select(Notification).where(Notification.message == "Not yours"))
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    client.post("/notifications/read")
    assert 'text-bg-secondary">0</span>' in text_of(client.get("/notifications"))
    assert db.session.get(Notification, theirs.id).read_at is None


def test_the_dashboard_counts_states_reviews_exits_and_partner_types(client, users, cases, sign_in, ngo):
    cases.in_state("active", partner=ngo)
    cases.in_state("active", partner=ngo, proposed_end=(today() + dt.timedelta(days=60)).isoformat())
    cases.propose(partner=ngo)
    sign_in(users["auditor"])
    page = text_of(client.get("/"))
    assert 'data-state="active">2<' in page and 'data-state="proposed">1<' in page
    assert 'id="exits-count">1<' in page
    assert '<svg class="chart"' in page and "International NGO: 3" in page
    set_clock(utcnow() + dt.timedelta(days=120))
    assert 'id="reviews-due">2<' in text_of(client.get("/"))


def test_an_admin_creates_a_user_changes_the_role_and_deactivates(client, users, sign_in):
    sign_in(users["admin"])
    assert "Olu Officer" in text_of(client.get("/admin/users"))
    bad = client.post("/admin/users", data={"email": "nobody", "name": "N", "role": "officer", "password": "short"})
    assert bad.status_code == 422 and "10 to 200 characters" in text_of(bad)
    client.post("/admin/users", data={"email": "New@Example.org", "name": "Nia New", "role": "reviewer",
                                      "office": "Dakar", "password": "a long enough secret"})
    nia = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert nia.role == "reviewer" and nia.office == "Dakar" and nia.check_password("a long enough secret")
    dup = client.post("/admin/users", data={"email": "new@example.org", "name": "X", "role": "officer", "password": "0123456789ab"})
    assert "exists already" in text_of(dup)
    client.post(f"/admin/users/{nia.id}/role", data={"role": "auditor"})
    client.post(f"/admin/users/{nia.id}/active")
    nia = db.session.get(User, nia.id)
    assert nia.role == "auditor" and not nia.is_active_user
    g.pop("_login_user", None)
    other = client.application.test_client()
    assert other.post("/login", data={"email": "new@example.org", "password": "a long enough secret"}).status_code == 401


def test_an_admin_cannot_deactivate_or_demote_themself(client, users, sign_in):
    sign_in(users["admin"])
    admin_id = users["admin"].id
    page = text_of(client.post(f"/admin/users/{admin_id}/active", follow_redirects=True))
    assert "You cannot deactivate yourself." in page
    client.post(f"/admin/users/{admin_id}/role", data={"role": "officer"})
    admin = db.session.get(User, admin_id)
    assert admin.is_active_user and admin.role == "admin"


def test_the_navigation_fits_the_role(client, users, sign_in):
    sign_in(users["officer"])
    officer_nav = text_of(client.get("/cases"))
    assert ">My cases<" in officer_nav and "/admin/users" not in officer_nav
    sign_in(users["admin"])
    admin_nav = text_of(client.get("/cases"))
    assert "/admin/users" in admin_nav and ">My cases<" not in admin_nav and "Abe Admin · Admin" in admin_nav
    assert PASSWORD not in admin_nav
