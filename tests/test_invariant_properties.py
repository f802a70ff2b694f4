"""Whatever data a step is given, through the engine on each database: either it is refused with a reason and
nothing changes, or the stored case satisfies every invariant of its new state."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from caseflow.clock import frozen_at, today
from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord, Organisation
from caseflow.workflow import Actor, GuardFailed, WorkflowError, current_workflow
from caseflow.workflow.conformance import case_breaches
from tests.factories import EXIT, REVIEW, VETTING, agreement, proposal

MOMENT = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
DAY = MOMENT.date()
# Modest counts: CI runs every example on SQLite and on PostgreSQL.
EXAMPLES = settings(max_examples=25, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# The step, the state its case starts in, and who fires it.
STEPS = [("vet", "proposed", "reviewer"), ("agree", "vetted", "officer"), ("activate", "agreed", "officer"),
         ("amend", "active", "officer"), ("start_review", "active", "reviewer"),
         ("complete_review", "under_review", "reviewer2"), ("begin_exit", "active", "reviewer"),
         ("begin_exit", "under_review", "reviewer2"), ("discontinue", "exiting", "reviewer2"),
         ("discontinue", "agreed", "reviewer")]
# The kinds of partnership the cases are built as (overrides of the factory's proposal).
KINDS = [{}, {"amount": "9000", "currency": "EUR"}, {"resources": "in_kind", "amount": "25000"},
         {"cooperation_form": "collaborative_relationship", "resources": "none", "amount": None}]

dates = st.one_of(st.sampled_from([DAY - dt.timedelta(days=1), DAY, DAY + dt.timedelta(days=1)]),
                  st.dates(min_value=DAY - dt.timedelta(days=900), max_value=DAY + dt.timedelta(days=900)))
junk = st.one_of(st.just(""), st.text(max_size=12))


def value_of(spec):
    """Values for a field of `spec`'s type: mostly well-formed, sometimes blank or junk."""
    typed = {
        "date": dates.map(dt.date.isoformat),
        "decimal": st.one_of(st.sampled_from(["0", "1", "9999.99", "10000", "10000.01"]),
                             st.decimals(min_value=-5, max_value=10**7, places=2, allow_nan=False)).map(str),
        "integer": st.integers(min_value=-2, max_value=48),
        "choice": st.sampled_from(sorted(spec.choices or {"x": "x"})),
        "affirm": st.booleans(), "bool": st.booleans(),
        "currency": st.sampled_from(["USD", "EUR", "XYZ", "usd", "US"]),
        "text": st.text(min_size=1, max_size=20), "textarea": st.text(min_size=1, max_size=40),
        "partner": st.integers(min_value=0, max_value=3),
        # A budget's lines: each cell mostly well-formed, sometimes blank or junk.
        "rows": st.lists(st.fixed_dictionaries({f.name: value_of(f) for f in spec.row_fields}), max_size=4),
    }[spec.type]
    return st.one_of(typed, typed, junk)


def step_data(data, trigger: str) -> dict:
    """A step's data: the well-formed data of a usual step with up to four fields changed or left out."""
    base = {"vet": lambda: VETTING, "agree": agreement, "activate": lambda: {"actual_start": DAY.isoformat()},
            "amend": lambda: {"operational_targets": "Twice as many.", "reason": "New funding."},
            "start_review": lambda: {"reason": "Due."}, "complete_review": lambda: REVIEW,
            "begin_exit": lambda: {**EXIT, "completion_date": (DAY + dt.timedelta(days=60)).isoformat()},
            "discontinue": lambda: {"reason": "partner_withdrew", "narrative": "Withdrew."},
            "propose": lambda: proposal(partner_name=f"Partner {data.draw(st.uuids(), label='name')}")}[trigger]()
    fields = {f.name: f for f in current_workflow().definition.fields_of(trigger)}
    step = dict(base)
    for name in data.draw(st.lists(st.sampled_from(sorted(fields)), max_size=4, unique=True), label=f"{trigger} changes"):
        value = data.draw(st.one_of(st.none(), value_of(fields[name])), label=name)
        if value is None:
            step.pop(name, None)
        else:
            step[name] = value
    return step


def stored(case_id: int) -> tuple[dict, int]:
    """The case row and its number of history records, as stored."""
    row = dict(db.session.execute(select(Case.__table__).where(Case.id == case_id)).mappings().one())
    records = db.session.scalar(select(func.count()).select_from(HistoryRecord).where(HistoryRecord.case_id == case_id))
    db.session.rollback()
    return row, records


def set_flag(partner_id: int | None, flagged: bool) -> None:
    if partner_id is not None:
        db.session.get(Organisation, partner_id).sanctions_flag = flagged
        db.session.commit()


def assert_valid_or_unchanged(case_id: int, before, fire, step: str) -> None:
    """Fire; a refusal names its reason and leaves the case as it was, a success leaves it satisfying its state."""
    try:
        fire()
    except WorkflowError as refusal:
        assert refusal.message.strip()
        if isinstance(refusal, GuardFailed):
            assert all(name and why for name, why in refusal.reasons)
        assert stored(case_id) == before
        event(f"{step}: refused")
        return
    event(f"{step}: done")
    case = db.session.get(Case, case_id, populate_existing=True)
    assert case_breaches(case, current_workflow().definition, today()) == []


@pytest.fixture
def spare():
    """A case of each kind in the step's source state, kept while refusals leave it there: building costs steps."""
    return {}


@settings(EXAMPLES, max_examples=60)
@given(data=st.data())
def test_a_step_is_refused_with_a_reason_or_leaves_a_valid_case(app, users, cases, spare, data):
    trigger, source, who = data.draw(st.sampled_from(STEPS), label="step")
    with frozen_at(MOMENT):
        set_flag(cases.partner_id, False)
        kind = data.draw(st.sampled_from(range(len(KINDS))), label="kind")
        case = spare.get((source, kind))
        if case is None or db.session.get(Case, case.id, populate_existing=True).state != source:
            case = spare[source, kind] = cases.in_state(source, **KINDS[kind])
        set_flag(case.partner_id, data.draw(st.booleans(), label="partner flagged"))
        if trigger == "agree" and data.draw(st.booleans(), label="signed agreement attached"):
            cases.attach_signed_agreement(case)
        step = step_data(data, trigger)
        before = stored(case.id)
        assert_valid_or_unchanged(case.id, before, lambda: current_workflow().fire(
            case.id, trigger, Actor.of(users[who]), step), f"{trigger} from {source}")


@EXAMPLES
@given(data=st.data())
def test_a_proposal_is_refused_with_a_reason_or_stored_valid(app, users, cases, data):
    with frozen_at(MOMENT):
        proposed = step_data(data, "propose")
        counts = (db.session.scalar(select(func.count()).select_from(Case)),
                  db.session.scalar(select(func.count()).select_from(Organisation)))
        db.session.rollback()
        try:
            outcome = current_workflow().propose(Actor.of(users["officer"]), proposed)
        except WorkflowError as refusal:
            assert refusal.message.strip()
            assert (db.session.scalar(select(func.count()).select_from(Case)),
                    db.session.scalar(select(func.count()).select_from(Organisation))) == counts
            event("propose: refused")
            return
        event("propose: done")
        case = db.session.get(Case, outcome.case_id)
        assert case.state == "proposed"
        assert case_breaches(case, current_workflow().definition, today()) == []
