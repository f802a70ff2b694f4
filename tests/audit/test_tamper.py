"""The tamper suite: an intruder with write access to the database edits every column of every kind of row
that caseflow shows (history records, cases, reviews, documents' digests), deletes, inserts and reorders
records, and rewrites chains consistently after a checkpoint. `verify` finds every one, naming the record
or the column. Run with `-s` to see the counts."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from caseflow.checkpoints import latest_anchor, write_checkpoint
from caseflow.extensions import db
from caseflow.models import Case, Document, HistoryRecord, Review
from caseflow.workflow.chain import record_hash
from caseflow.workflow.chain_verify import verify_chains

#: The columns edited, per table. A row's id is its name, not a fact it states: ids are left alone.
EDITED = {
    HistoryRecord.__table__: [c for c in HistoryRecord.__table__.columns if c.name != "id"],
    Case.__table__: [c for c in Case.__table__.columns if c.name != "id"],
    Review.__table__: [c for c in Review.__table__.columns if c.name != "id"],
    Document.__table__: [Document.__table__.c.sha256, Document.__table__.c.size],
}


class Tally:
    """Tampering tried and found, and what each finding said."""

    def __init__(self, label: str):
        self.label, self.tried, self.missed = label, 0, []

    def expect_found(self, what: str, result, named) -> None:
        self.tried += 1
        if result.ok or not named(result.broken):
            self.missed.append(f"{what}: {'not found' if result.ok else result.broken}")

    def report(self) -> None:
        print(f"\n[tamper suite, {self.label}, {db.engine.dialect.name}] tampering tried {self.tried}, "
              f"detected {self.tried - len(self.missed)}")
        assert self.missed == []


def _verify(anchor=None, case_id=None):
    db.session.rollback()
    return verify_chains(db.session, anchor=anchor, case_id=case_id)


def _changed(value, column):
    """A different value of the column's type that the column can hold."""
    if column.foreign_keys:
        return None  # chosen among the referenced rows by _candidates
    if isinstance(value, bool):
        return not value
    if value is None:
        kind = column.type.python_type
        return {int: 7, str: "X", dt.date: dt.date(2030, 1, 1), dt.datetime: dt.datetime(2030, 1, 1, 12),
                Decimal: Decimal("1.00"), bool: True}[kind]
    if isinstance(value, int):
        return value + 1000 if column.name == "seq" else value + 1
    if isinstance(value, Decimal):
        return value + 1
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(seconds=1)
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    return value[:-1] + ("x" if value[-1:] != "x" else "y")


def _candidates(column, value) -> list:
    if not column.foreign_keys:
        return [_changed(value, column)]
    target = next(iter(column.foreign_keys)).column.table.name
    return [i for (i,) in db.session.execute(text(f"SELECT id FROM {target} ORDER BY id")) if i != value][:8]


def _edit_each_column(intrude, tally: Tally) -> None:
    for table, columns in EDITED.items():
        for column in columns:
            # A record moved to another case takes a seq no other chain reaches: the longest chain's last.
            order = (table.c.seq.desc(),) if table.name == "history_records" and column.name == "case_id" else ()
            row = (intrude(select(table).where(column.is_not(None)).order_by(*order, table.c.id).limit(1))
                   or intrude(select(table).order_by(table.c.id).limit(1)))[0]
            original = row[column.name]
            for candidate in _candidates(column, original):
                try:
                    intrude(_update(table, row, column.name, candidate))
                except IntegrityError:
                    continue  # (case, seq) taken: try the next case
                break
            else:
                pytest.fail(f"no value of {table.name}.{column.name} could be written")
            result = _verify()
            cases = {row["id"] if table.name == "cases" else row["case_id"]}
            if column.name == "case_id":
                cases.add(candidate)
            tally.expect_found(f"{table.name}.{column.name} of row {row['id']}", result,
                               _names(table.name, column.name, cases))
            intrude(_update(table, row, column.name, original))
            assert _verify().ok, f"restoring {table.name}.{column.name} left {_verify().broken}"


def _update(table, row, column: str, value):
    """UPDATE one column of one row, and nothing else (a case's updated_at would follow by its onupdate)."""
    kept = {"updated_at": row["updated_at"]} if "updated_at" in row and column != "updated_at" else {}
    return table.update().where(table.c.id == row["id"]).values({**kept, column: value})


def _names(table: str, column: str, cases: set):
    """Whether a finding names the case and, within it, the record or the column that was edited."""
    def check(broken) -> bool:
        if broken.case_id not in cases:
            return False
        if table == "history_records":
            return broken.seq is not None or "history_head" in broken.reason
        return (column in broken.reason or (column == "state" and "its history ends in" in broken.reason)
                or (column == "case_id" and "reviews" in broken.reason))
    return check


def _records(case_id: int) -> list:
    db.session.rollback()
    # Plain rows, not ORM objects: those would reload themselves after each intrusion.
    return db.session.execute(select(HistoryRecord.__table__).where(HistoryRecord.case_id == case_id)
                              .order_by(HistoryRecord.seq)).all()


def _long_case() -> int:
    return db.session.scalar(select(HistoryRecord.case_id).group_by(HistoryRecord.case_id)
                             .order_by(db.func.count().desc(), HistoryRecord.case_id).limit(1))


def _structural(intrude, tally: Tally) -> None:
    """Delete, insert and reorder records and reviews, each undone before the next."""
    case_id = _long_case()
    records = _records(case_id)
    middle, last = records[1], records[-1]
    names_case = lambda broken: broken.case_id == case_id  # noqa: E731

    row = intrude("SELECT * FROM history_records WHERE id = :id", id=middle.id)[0]
    intrude("DELETE FROM history_records WHERE id = :id", id=middle.id)
    tally.expect_found("a record deleted from the middle", _verify(), names_case)
    _insert(intrude, "history_records", row)

    row = intrude("SELECT * FROM history_records WHERE id = :id", id=last.id)[0]
    intrude("DELETE FROM history_records WHERE id = :id", id=last.id)
    tally.expect_found("the last record deleted", _verify(), names_case)
    _insert(intrude, "history_records", row)

    forged = {**row, "id": None, "seq": last.seq + 1, "prev_hash": last.hash, "comment": "forged",
              "at": last.at.replace(tzinfo=None) + dt.timedelta(hours=1), "data": '{"changes":{},"fields":{}}'}
    forged["hash"] = record_hash(case_id=case_id, seq=forged["seq"], trigger=forged["trigger"],
                                 from_state=forged["from_state"], to_state=forged["to_state"], actor=forged["actor"],
                                 actor_user_id=forged["actor_user_id"], at=forged["at"], data=forged["data"],
                                 comment="forged", prev_hash=last.hash)
    _insert(intrude, "history_records", forged)
    tally.expect_found("a record inserted after the head", _verify(), names_case)
    intrude("DELETE FROM history_records WHERE case_id = :c AND seq = :s", c=case_id, s=last.seq + 1)

    second, third = records[1], records[2]
    intrude("UPDATE history_records SET seq = -1 WHERE id = :id", id=second.id)
    intrude("UPDATE history_records SET seq = :s WHERE id = :id", s=second.seq, id=third.id)
    intrude("UPDATE history_records SET seq = :s WHERE id = :id", s=third.seq, id=second.id)
    tally.expect_found("two records swapped", _verify(), names_case)
    intrude("UPDATE history_records SET seq = -1 WHERE id = :id", id=third.id)
    intrude("UPDATE history_records SET seq = :s WHERE id = :id", s=second.seq, id=second.id)
    intrude("UPDATE history_records SET seq = :s WHERE id = :id", s=third.seq, id=third.id)
    assert _verify().ok

    review = intrude("SELECT * FROM reviews ORDER BY id LIMIT 1")[0]
    intrude("DELETE FROM reviews WHERE id = :id", id=review["id"])
    tally.expect_found("a review deleted", _verify(), lambda b: b.case_id == review["case_id"])
    _insert(intrude, "reviews", review)
    top = intrude("SELECT MAX(id) AS top FROM reviews")[0]["top"]
    _insert(intrude, "reviews", {**review, "id": top + 1})
    tally.expect_found("a review inserted", _verify(), lambda b: b.case_id == review["case_id"])
    intrude("DELETE FROM reviews WHERE id > :top", top=top)
    assert _verify().ok, _verify().broken


def _insert(intrude, table: str, row: dict) -> None:
    values = {k: v for k, v in row.items() if not (k == "id" and v is None)}
    intrude(f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)})", **values)


def _rehash_from(intrude, case_id: int, seq: int) -> None:
    """Recompute the chain from record `seq` on and the case's head, as an intruder who knows the formula would."""
    prev = None
    for r in _records(case_id):
        if r.seq >= seq:
            digest = record_hash(case_id=case_id, seq=r.seq, trigger=r.trigger, from_state=r.from_state,
                                 to_state=r.to_state, actor=r.actor, actor_user_id=r.actor_user_id, at=r.at,
                                 data=r.data, comment=r.comment, prev_hash=prev)
            intrude("UPDATE history_records SET prev_hash = :p, hash = :h WHERE id = :id", p=prev, h=digest, id=r.id)
            prev = digest
        else:
            prev = r.hash
    intrude("UPDATE cases SET history_head = :h WHERE id = :c", h=prev, c=case_id)


def _undo_last_record(intrude, case_id: int) -> None:
    """Remove a case's last record and put the case back as it stood before it: a consistent truncation."""
    *earlier, last = _records(case_id)
    changes = json.loads(last.data)["changes"]
    sets = {column: before for column, (before, _after) in changes.items()}
    intrude("DELETE FROM history_records WHERE id = :id", id=last.id)
    assignments = ", ".join(f"{c} = :{c}" for c in sets)
    intrude("UPDATE cases SET state = :state, history_seq = history_seq - 1, version = version - 1, "
            f"history_head = :head, updated_at = :at{', ' + assignments if assignments else ''} WHERE id = :id",
            state=last.from_state, head=last.prev_hash, at=earlier[-1].at.replace(tzinfo=None), id=case_id, **sets)


def _after_a_checkpoint(intrude, tally: Tally) -> None:
    """Rewrites that recompute every hash: invisible to the chains alone, found against the signed checkpoint."""
    write_checkpoint(db.session)
    anchor = latest_anchor()
    case_id = _long_case()
    records = _records(case_id)

    intrude("UPDATE history_records SET comment = 'rewritten' WHERE id = :id", id=records[1].id)
    _rehash_from(intrude, case_id, records[1].seq)
    assert _verify(case_id=case_id).ok  # consistent: the chains alone cannot tell
    tally.expect_found("a chain's tail rewritten and rehashed", _verify(anchor, case_id), lambda b: b.case_id == case_id)

    vetted = db.session.scalar(select(Case.id).where(Case.state == "vetted").order_by(Case.id))
    _undo_last_record(intrude, vetted)
    assert _verify(case_id=vetted).ok, _verify(case_id=vetted).broken
    tally.expect_found("a chain truncated consistently", _verify(anchor, vetted), lambda b: b.case_id == vetted)

    gone = db.session.scalar(select(Case.id).where(Case.state == "proposed").order_by(Case.id))
    for table in ("notifications", "reviews", "documents", "comments", "history_records"):
        intrude(f"DELETE FROM {table} WHERE case_id = :c", c=gone)
    intrude("DELETE FROM cases WHERE id = :c", c=gone)
    assert _verify(case_id=gone).cases == 0
    tally.expect_found("a case deleted with its history", _verify(anchor, gone), lambda b: b.case_id == gone)
    # Verified whole, the history names the first of them (the lowest case) and stops there.
    assert not _verify(anchor).ok


def test_every_edit_of_every_shown_column_is_found_naming_the_record_or_column(demo, intrude):
    tally = Tally("column edits")
    assert _verify().ok
    _edit_each_column(intrude, tally)
    tally.report()


def test_deleted_inserted_and_reordered_records_and_reviews_are_found(demo, intrude):
    tally = Tally("deletions, insertions, reorderings")
    _structural(intrude, tally)
    tally.report()


def test_consistent_rewrites_after_a_checkpoint_are_found_against_it(demo, intrude):
    tally = Tally("rewrites after a checkpoint")
    _after_a_checkpoint(intrude, tally)
    tally.report()


@pytest.mark.parametrize("column", ["actor_user_id"])
def test_a_record_naming_another_user_no_longer_passes(demo, intrude, column):
    """The finding the issue reported: a system step made to read "by" a named user."""
    record = db.session.scalar(select(HistoryRecord).where(HistoryRecord.actor.startswith("system:")))
    admin = db.session.scalar(text("SELECT id FROM users WHERE role = 'admin' ORDER BY id LIMIT 1"))
    intrude(f"UPDATE history_records SET {column} = :u WHERE id = :id", u=admin, id=record.id)
    broken = _verify().broken
    assert (broken.record_id, broken.reason) == (record.id, "its content does not match its hash")


def test_a_forged_amount_no_longer_passes(demo, intrude, runner):
    """The finding the issue reported: `UPDATE cases SET amount = 9999999` left verify saying "intact"."""
    case_id = db.session.scalar(select(Case.id).where(Case.amount.is_not(None)).order_by(Case.id))
    intrude("UPDATE cases SET amount = 9999999 WHERE id = :id", id=case_id)
    result = runner.invoke(args=["verify"])
    assert result.exit_code == 1
    assert f"case {case_id}: the case's amount is '9999999.00' but its history says" in result.output
