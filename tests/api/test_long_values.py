"""Every text field takes values of its full length on both databases, and one character more is refused by name."""
from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseflow.clock import today
from caseflow.extensions import db
from caseflow.models import Case, Review
from caseflow.workflow import current_workflow
from caseflow.workflow.columns import COMMENT_MAX_LENGTH
from tests.factories import EXIT, REVIEW, VETTING, CaseFactory, agreement, proposal

# Letters, marks, digits, symbols and punctuation from all of Unicode, astral planes too; no spaces at
# the ends (the value is stripped), no control characters, no lone surrogates (no UTF-8 can carry them).
BASES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Z")), min_size=1, max_size=12)
_serial = itertools.count(1)

# The steps that take a case through every form, with who fires each and the data besides the text fields.
WALK = [
    ("vet", "reviewer", lambda: VETTING),
    ("agree", "officer", lambda: agreement()),
    ("activate", "officer", lambda: {"actual_start": today().isoformat()}),
    ("amend", "officer", lambda: {}),
    ("start_review", "reviewer", lambda: {}),
    ("complete_review", "reviewer", lambda: REVIEW),
    ("start_review", "reviewer", lambda: {}),
    ("begin_exit", "reviewer2", lambda: {**EXIT, "completion_date": (today() + dt.timedelta(days=60)).isoformat()}),
    ("discontinue", "reviewer2", lambda: {"reason": "exit_completed"}),
]


def filled(base: str):
    """fill(n): a text of exactly n characters built from `base`, different from every other call's."""
    def fill(n: int) -> str:
        start = f"{next(_serial)}·"
        return (start + base * (n // len(base) + 1))[:n]
    return fill


def text_fields(trigger: str):
    return [f for f in current_workflow().definition.fields_of(trigger) if f.type in {"text", "textarea"}]


def at_most(trigger: str, data: dict, fill) -> dict:
    """The step's data with every text field at its maximum length."""
    return {**data, **{f.name: fill(f.max_length) for f in text_fields(trigger)}}


def fire(api, who: str, case_id: int, trigger: str, data: dict, comment: str | None = None):
    return api(who).post(f"/api/v1/cases/{case_id}/transitions",
                         json={"trigger": trigger, "data": data, "comment": comment})


def refuses_one_more(post, trigger: str, data: dict, fill) -> None:
    """Each text field, and the comment, one character too long: refused with the field named, nothing stored."""
    for field in text_fields(trigger):
        response = post({**data, field.name: fill(field.max_length + 1)}, None)
        assert response.status_code == 422, (field.name, response.json)
        message = response.json["fields"][field.name]
        assert f"at most {field.max_length:,} are allowed" in message
    response = post(data, fill(COMMENT_MAX_LENGTH + 1))
    assert response.status_code == 422 and "comment" in response.json["fields"]


def walk(api, cases: CaseFactory, fill, one_more: bool) -> Case:
    """Propose, reject one proposal, and take another through every step, all text at its maximum length."""
    def propose(data, comment):
        return api("officer").post("/api/v1/cases", json={"data": data, "comment": comment})

    data = at_most("propose", proposal(), fill)
    if one_more:
        refuses_one_more(propose, "propose", data, fill)
    created = propose(data, fill(COMMENT_MAX_LENGTH))
    assert created.status_code == 201, created.json
    rejected = propose(at_most("propose", proposal(), fill), None).json["case"]["id"]
    response = fire(api, "reviewer", rejected, "reject", at_most("reject", {}, fill))
    assert response.status_code == 200, response.json
    case = db.session.get(Case, created.json["case"]["id"])
    cases.attach_signed_agreement(case)
    for trigger, who, extra in WALK:
        data = at_most(trigger, extra(), fill)
        if one_more:
            refuses_one_more(lambda d, c: fire(api, who, case.id, trigger, d, c), trigger, data, fill)
        response = fire(api, who, case.id, trigger, data, fill(COMMENT_MAX_LENGTH))
        assert response.status_code == 200, (trigger, response.json)
    db.session.expire_all()
    return db.session.get(Case, case.id)


def test_every_text_field_takes_its_maximum_and_refuses_one_more(api, cases):
    case = walk(api, cases, filled("é漢🙂"), one_more=True)
    assert case.state == "discontinued" and case.history_seq == 10
    wf = current_workflow().definition
    assert len(case.title) == next(f.max_length for f in wf.fields_of("propose") if f.name == "title")
    assert len(case.partner.name) == 200 and len(case.partner.country) == 80
    completed = db.session.query(Review).filter(Review.case_id == case.id, Review.outcome == "complete_review").one()
    assert len(completed.recommendation) == 10000


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(base=BASES)
def test_any_unicode_text_of_the_maximum_length_is_stored_whole(api, cases, base):
    case = walk(api, cases, filled(base), one_more=False)
    assert case.state == "discontinued"


def test_a_long_recommendation_completes_a_review_through_the_form(client, users, cases, sign_in):
    case = cases.in_state("under_review")
    sign_in(users["reviewer"])
    form = {**REVIEW, "version": case.version}
    too_long = client.post(f"/cases/{case.id}/complete_review", data={**form, "recommendation": "r" * 10001})
    assert too_long.status_code == 422
    page = too_long.get_data(as_text=True)
    assert "has 10,001 characters; at most 10,000 are allowed" in page and 'maxlength="10000"' in page
    done = client.post(f"/cases/{case.id}/complete_review", data={**form, "recommendation": "Continue, " + "r" * 9990})
    assert done.status_code == 302, done.get_data(as_text=True)
    review = db.session.query(Review).filter(Review.case_id == case.id).one()
    assert len(review.recommendation) == 10000
