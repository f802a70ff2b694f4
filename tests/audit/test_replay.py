"""A case "as of" a moment, rebuilt from its history alone, matches what the history and the live row say."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from sqlalchemy import select

from caseflow.audit.moments import parse_moment
from caseflow.audit.replay import Step, replay
from caseflow.workflow.projection import as_json_value
from caseflow.clock import utcnow
from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 3, 1, 10, tzinfo=UTC)


def _steps():
    return [
        Step(1, T0, "proposed", '{"changes":{"title":[null,"Wells"],"amount":[null,"9000.00"]},"fields":{}}'),
        Step(2, T0 + dt.timedelta(days=2), "vetted", {"changes": {"reviewer_id": [None, 4]}}),
        Step(3, T0 + dt.timedelta(days=9), "active", {"changes": {"amount": ["9000.00", None], "title": ["Wells", "Water"]}}),
    ]


def test_before_the_first_record_the_case_did_not_exist():
    snapshot = replay(_steps(), T0 - dt.timedelta(seconds=1))
    assert not snapshot.existed and snapshot.facts == {} and snapshot.seq == 0


def test_replay_applies_every_change_up_to_the_moment_and_takes_the_last_state():
    snapshot = replay(_steps(), T0 + dt.timedelta(days=2))
    assert (snapshot.state, snapshot.seq) == ("vetted", 2)
    assert snapshot.facts == {"title": "Wells", "amount": "9000.00", "reviewer_id": 4}


def test_a_change_to_nothing_removes_the_fact_and_order_comes_from_seq():
    snapshot = replay(reversed(_steps()), T0 + dt.timedelta(days=30))
    assert snapshot.state == "active"
    assert snapshot.facts == {"title": "Water", "reviewer_id": 4}


@pytest.mark.parametrize("raw, expected", [
    ("2026-03-01", dt.datetime(2026, 3, 1, 23, 59, 59, 999999, tzinfo=UTC)),
    ("2026-03-01T10:00", dt.datetime(2026, 3, 1, 10, 0, 59, 999999, tzinfo=UTC)),
    ("", T0),
])
def test_moments_mean_the_end_of_the_day_or_minute_named(raw, expected):
    assert parse_moment(raw, now=T0) == expected


@pytest.mark.parametrize("raw", ["yesterday", "2026-13-01", "2026-03-01 10:00:00x"])
def test_a_moment_that_is_not_a_date_is_refused(raw):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_moment(raw, now=T0)


def _state_by_history(case_id: int, moment: dt.datetime) -> str | None:
    """The to_state of the last record at or before `moment`, asked of the database directly."""
    return db.session.scalar(select(HistoryRecord.to_state).where(HistoryRecord.case_id == case_id,
                                                                  HistoryRecord.at <= moment)
                             .order_by(HistoryRecord.seq.desc()).limit(1))


def _shown_state(client, case_id: int, at: str) -> str | None:
    response = client.get(f"/audit/cases/{case_id}/as-of", query_string={"at": at} if at else {})
    assert response.status_code == 200, response.data
    return re.search(r'data-state="([a-z_]*)"', response.get_data(as_text=True)).group(1) or None


def test_as_of_matches_every_demo_case_at_every_date(demo, users, sign_in):
    client = sign_in("auditor")
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    assert len(cases) > 10
    for case in cases:
        records = db.session.scalars(select(HistoryRecord).where(HistoryRecord.case_id == case.id)
                                     .order_by(HistoryRecord.seq)).all()
        moments = {records[0].at - dt.timedelta(days=1)}
        for record in records:
            moments |= {record.at, record.at - dt.timedelta(minutes=1), record.at + dt.timedelta(days=3)}
        for moment in sorted(moments):
            for at, end in ((f"{moment:%Y-%m-%d}", parse_moment(f"{moment:%Y-%m-%d}", moment)),
                            (f"{moment:%Y-%m-%dT%H:%M}", parse_moment(f"{moment:%Y-%m-%dT%H:%M}", moment))):
                assert _shown_state(client, case.id, at) == _state_by_history(case.id, end), (case.id, at)
        # Now: the replay of the whole history is the live row, state and every fact it recorded.
        assert _shown_state(client, case.id, "") == case.state
        snapshot = replay([Step(r.seq, r.at, r.to_state, r.data) for r in records], utcnow())
        assert snapshot.state == case.state
        live = {column: as_json_value(getattr(case, column)) for column in snapshot.facts}
        assert snapshot.facts == live, case.id
        recorded = {c for r in records for c in json.loads(r.data)["changes"]}
        assert all(getattr(case, c) is None for c in recorded - set(snapshot.facts)), case.id


def test_as_of_shows_the_facts_and_refuses_a_bad_date(demo, sign_in):
    client = sign_in("auditor")
    case = db.session.scalar(select(Case).where(Case.state == "active").order_by(Case.id))
    page = client.get(f"/audit/cases/{case.id}/as-of").get_data(as_text=True)
    assert case.title in page and 'data-column="office"' in page
    refused = client.get(f"/audit/cases/{case.id}/as-of?at=last+week")
    assert refused.status_code == 400
    assert "Must be a date as YYYY-MM-DD" in refused.get_data(as_text=True)
