"""Each role's "waiting on you": exactly the steps the user may take now, as the engine answers it."""
from __future__ import annotations

import re

from caseflow.extensions import db
from caseflow.models import Case
from caseflow.workflow import Actor, current_workflow
from tests.ui.conftest import text_of


def waiting_links(client) -> list[tuple[int, str]]:
    """The (case id, trigger) of every step offered under "Waiting on you"."""
    page = text_of(client.get("/my"))
    assert page.count('id="waiting"') <= 1
    if 'id="waiting"' not in page:
        return []
    waiting = page[page.index('id="waiting"'):page.index("Unread notifications")]
    return [(int(case_id), trigger) for case_id, trigger in re.findall(r'href="/cases/(\d+)/(\w+)"', waiting)]


def assert_every_link_opens_its_step(client, links):
    for case_id, trigger in links:
        assert client.get(f"/cases/{case_id}/{trigger}").status_code == 200, (case_id, trigger)


def test_an_officer_waits_only_on_their_own_steps(client, users, cases, sign_in, ngo):
    vetted = cases.in_state("vetted", partner=ngo)
    agreed = cases.in_state("agreed", partner=ngo)
    exiting = cases.in_state("exiting", partner=ngo)
    active = cases.in_state("active", partner=ngo)
    theirs = cases.in_state("vetted", partner=ngo, by="officer2")
    sign_in("officer")
    links = waiting_links(client)
    assert links == [(vetted.id, "agree"), (agreed.id, "activate")]
    assert_every_link_opens_its_step(client, links)
    page = text_of(client.get("/my"))
    assert "Complete the exit plan" not in page  # no officer has a step on an exiting case
    assert {exiting.id, active.id} <= {int(i) for i in re.findall(r'href="/cases/(\d+)"', page)}
    assert f"/cases/{theirs.id}" not in page


def test_a_reviewer_sees_the_proposals_to_vet_and_the_reviews_to_finish(client, users, cases, sign_in, ngo):
    proposed = cases.propose(partner=ngo)
    under_review = cases.in_state("under_review", partner=ngo)
    exiting = cases.in_state("exiting", partner=ngo)
    cases.in_state("active", partner=ngo)  # nothing waits on an active case
    sign_in("reviewer")
    assert client.get("/my").status_code == 200
    links = waiting_links(client)
    assert links == [(proposed.id, "vet"), (proposed.id, "reject"),
                     (under_review.id, "complete_review"), (under_review.id, "begin_exit"),
                     (under_review.id, "discontinue"), (exiting.id, "discontinue")]
    assert_every_link_opens_its_step(client, links)


def test_a_reviewer_never_waits_on_vetting_their_own_proposal(client, users, cases, sign_in, ngo):
    own = cases.propose(partner=ngo, by="officer2")
    other = cases.propose(partner=ngo)
    users["officer2"].role = "reviewer"  # promoted after proposing: four eyes still hold
    db.session.commit()
    sign_in("officer2")
    assert waiting_links(client) == [(other.id, "vet"), (other.id, "reject")]
    sign_in("reviewer")
    assert (own.id, "vet") in waiting_links(client)


def test_the_inbox_is_the_engines_answer(app, users, cases, ngo):
    from caseflow.cases.inbox import waiting_on

    made = [cases.in_state(s, partner=ngo, by=by) for s in ("proposed", "vetted", "agreed", "active", "under_review",
                                                             "exiting", "discontinued") for by in ("officer", "officer2")]
    wf = current_workflow()
    for key in ("officer", "officer2", "reviewer", "reviewer2", "admin", "auditor"):
        user, actor = users[key], Actor.of(users[key])
        listed = {(c.id, t.trigger) for c, steps in waiting_on(user) for t in steps}
        expected = {(c.id, t.trigger) for c in (db.session.get(Case, m.id) for m in made)
                    for t in wf.triggers_for(c, actor) if t.trigger in wf.definition.awaits[c.state]
                    and not (t.trigger == "vet" and c.proposed_by_id == user.id)
                    and not (t.trigger == "complete_review" and c.agreement_recorded_by_id == user.id)}
        assert listed == expected, key
        assert all(wf.may_fire(db.session.get(Case, cid), trigger, actor) for cid, trigger in listed)


def test_pages_say_an_officer_not_a_officer(client, users, cases, sign_in):
    case = cases.in_state("active")
    sign_in("officer2")  # not the owner: nothing to do
    page = text_of(client.get(f"/cases/{case.id}"))
    assert "Nothing for you to do at this stage." in page
    assert not re.search(r"\ba (officer|auditor|admin)\b", page, re.I)


def test_the_timeline_names_the_partner(client, users, cases, sign_in, ngo):
    case = cases.propose(partner=ngo)
    sign_in("auditor")
    page = text_of(client.get(f"/cases/{case.id}"))
    assert re.search(r"<dt[^>]*>Partner</dt><dd[^>]*>Plan International</dd>", page)
    assert not re.search(rf"<dt[^>]*>Partner</dt><dd[^>]*>{ngo.id}</dd>", page)
