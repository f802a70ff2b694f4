"""Officers, reviewers and admins comment on a case; auditors read; comments are plain text and kept."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from caseflow.comments.service import MAX_COMMENT_LENGTH, comments_of
from caseflow.extensions import db
from caseflow.models import Comment


def comment_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Comment))


@pytest.mark.parametrize("who", ["officer", "reviewer2", "admin"])
def test_people_who_work_a_case_comment_on_it(app, users, cases, sign_in, who):
    case = cases.in_state("active")
    response = sign_in(users[who]).post(f"/cases/{case.id}/comments", data={"body": "  Quarterly report received.\r\n"})
    assert response.status_code == 303
    [comment] = comments_of(case)
    assert (comment.body, comment.author_id) == ("Quarterly report received.", users[who].id)


def test_auditors_may_not_comment(app, users, cases, sign_in):
    case = cases.propose()
    response = sign_in(users["auditor"]).post(f"/cases/{case.id}/comments", data={"body": "I was here."})
    assert response.status_code == 403
    assert comment_count() == 0


def test_auditors_see_comments_but_no_comment_form(app, users, cases, sign_in):
    case = cases.propose()
    sign_in(users["officer"]).post(f"/cases/{case.id}/comments", data={"body": "Waiting for the budget."})
    page = sign_in(users["auditor"]).get(f"/cases/{case.id}/comments").get_data(as_text=True)
    assert "Waiting for the budget." in page and 'name="body"' not in page


@pytest.mark.parametrize("body, message", [
    ("   ", "Write something to comment."),
    ("x" * (MAX_COMMENT_LENGTH + 1), f"A comment may have at most {MAX_COMMENT_LENGTH} characters; this one has {MAX_COMMENT_LENGTH + 1}."),
])
def test_an_empty_or_overlong_comment_is_refused_beside_the_field(app, users, cases, sign_in, body, message):
    case = cases.propose()
    response = sign_in(users["officer"]).post(f"/cases/{case.id}/comments", data={"body": body})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert comment_count() == 0


def test_comments_are_shown_as_text_never_as_markup(app, users, cases, sign_in):
    case = cases.propose()
    client = sign_in(users["reviewer"])
    client.post(f"/cases/{case.id}/comments", data={"body": '<script>alert("x")</script> & <b>bold</b>'})
    page = client.get(f"/cases/{case.id}/comments").get_data(as_text=True)
    assert "<script>alert" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_a_comment_on_a_missing_case_is_not_found(app, users, sign_in):
    assert sign_in(users["officer"]).post("/cases/999/comments", data={"body": "Hello"}).status_code == 404


def test_comments_are_refused_without_a_csrf_token(app, users, cases, sign_in):
    app.config["WTF_CSRF_ENABLED"] = True
    case = cases.propose()
    response = sign_in(users["officer"]).post(f"/cases/{case.id}/comments", data={"body": "No token."})
    assert response.status_code == 400
    assert comment_count() == 0
