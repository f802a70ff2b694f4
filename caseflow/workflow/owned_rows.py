"""Rows of a table beside the cases (a budget's lines), streamed in case order for verify and taken case by case."""
from __future__ import annotations


class OwnedRows:
    """A stream of mappings ordered by case_id, whose head is the next row not yet taken."""

    def __init__(self, rows, table: str):
        self.rows, self.table, self.head = rows, table, next(rows, None)

    def take(self, case_id: int) -> list:
        """The rows of `case_id`, in the stream's order."""
        taken = []
        while self.head is not None and self.head["case_id"] == case_id:
            taken.append(self.head)
            self.head = next(self.rows, None)
        return taken

    def orphan(self, before: int | None = None) -> tuple[int, None, None, str] | None:
        """A broken record's (case_id, seq, id, reason) for the head row if it belongs to no case: its case_id
        is below `before` (the case being walked), or, with no `before`, the walk is over and it is left."""
        if self.head is not None and (before is None or self.head["case_id"] < before):
            return (self.head["case_id"], None, None, f"{self.table} row {self.head['id']} belongs to no case")
        return None
