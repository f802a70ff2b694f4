"""Import partners and partnerships from a file: a dry run lists every problem; a run writes all or nothing."""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, text

from caseflow.clock import today, utcnow
from caseflow.extensions import db
from caseflow.imports.facts import open_review
from caseflow.imports.reader import Problem, Table, read_tables
from caseflow.imports.validate import Plan, Validator
from caseflow.models import Organisation, partner_name_key
from caseflow.partners.service import record_initial_flags
from caseflow.workflow import Actor, ImportRow, current_workflow

_IMPORT_LOCK = 0x0CA5EF10  # serialises imports on PostgreSQL (SQLite already allows one writer)


class ImportRefused(Exception):
    """The file changed meaning while it was written (the database moved on): nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class LoadedFile:
    """A file read into tables, with the name its history records will quote."""

    filename: str
    source: str
    tables: list[Table]
    header_problems: list[Problem]

    @property
    def rows(self) -> int:
        """Data rows in every table."""
        return sum(len(t.rows) for t in self.tables)

    @property
    def case_rows(self) -> int:
        """Data rows in the partnerships tables."""
        return sum(len(t.rows) for t in self.tables if t.name == "partnerships")


@dataclass
class ImportReport:
    """What an import did or would do, and the problems that stopped it."""

    source: str
    problems: list[Problem]
    new_partners: list[str] = field(default_factory=list)
    matched_partners: list[str] = field(default_factory=list)
    by_state: dict[str, int] = field(default_factory=dict)
    written: bool = False
    case_ids: list[int] = field(default_factory=list)

    @property
    def cases(self) -> int:
        """Partnerships imported, or to be imported."""
        return sum(self.by_state.values())

    def summary(self) -> str:
        """One line for people: what was (or would be) imported, or how many problems stop it."""
        if self.problems:
            return f"{self.source}: {len(self.problems)} problem(s); nothing was imported"
        states = ", ".join(f"{n} {s}" for s, n in self.by_state.items()) or "none"
        verb = "imported" if self.written else "ready to import (dry run, nothing written)"
        return (f"{self.source}: {self.cases} partnerships {verb} ({states}); "
                f"{len(self.new_partners)} new partners, {len(self.matched_partners)} matched")


def load_file(path: str | Path, filename: str | None = None) -> LoadedFile:
    """Read the file's tables; raise UnreadableFile when it is neither a usable CSV nor XLSX."""
    path = Path(path)
    name = Path(filename or path.name).name
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    tables, problems = read_tables(path, name)
    return LoadedFile(name, f"{name} (sha256 {digest[:12]})", tables, problems)


def check(loaded: LoadedFile, progress=None, reader=None) -> Plan:
    """Validate every row against the database as it is now (through `reader`, by default the session)."""
    plan = Validator(reader if reader is not None else db.session, current_workflow(), today()).run(loaded.tables, progress)
    sheets = [t.sheet for t in loaded.tables]
    plan.problems = loaded.header_problems + sorted(
        plan.problems, key=lambda p: (sheets.index(p.sheet) if p.sheet in sheets else 0, p.row))
    return plan


def _report(loaded: LoadedFile, plan: Plan) -> ImportReport:
    states = Counter(current_workflow().label(c.state) for c in plan.cases if c.state)
    return ImportReport(loaded.source, plan.problems, [p["name"] for p in plan.new_partners], plan.matched_partners,
                        dict(states))


def dry_run(loaded: LoadedFile, progress=None) -> ImportReport:
    """What importing the file would do, and every problem that stops it; writes nothing."""
    plan = check(loaded, progress)
    db.session.rollback()
    return _report(loaded, plan)


def import_file(loaded: LoadedFile, user, progress=None) -> ImportReport:
    """Write the file's partners and partnerships in one transaction, only if every row is valid."""
    plan = check(loaded, progress)
    report = _report(loaded, plan)
    if plan.problems:
        db.session.rollback()
        return report
    actor = Actor.of(user)
    try:
        outcomes = current_workflow().import_cases(actor, plan.cases, loaded.source, progress=progress,
                                                   prepare=lambda conn, _: _prepare(conn, loaded, actor))
    except ImportRefused as exc:
        report.problems = exc.problems
        return report
    report.written, report.case_ids = True, [o.case_id for o in outcomes]
    return report


def _keep_imported_flags(conn, new_partners: list[dict], source: str, actor: Actor) -> None:
    """The flags a file gives its new partners, kept as their first recorded change (caseflow/partners/chain.py)."""
    flagged = {partner_name_key(p["name"]): p for p in new_partners if p.get("sanctions_flag") or p.get("reputational_flag")}
    if not flagged:
        return
    ids = conn.execute(select(Organisation.name_key, Organisation.id).where(Organisation.name_key.in_(list(flagged))))
    record_initial_flags(conn, [{**flagged[key], "id": partner_id} for key, partner_id in ids],
                         f"Flagged in the file {source}, imported by {actor.name}.", actor.user_id)


def _prepare(conn, loaded: LoadedFile, actor: Actor) -> list[ImportRow]:
    """Inside the write transaction: check again, add the new partners, and return the cases to write."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _IMPORT_LOCK})
    plan = check(loaded, reader=conn)
    if plan.problems:
        raise ImportRefused(plan.problems)
    if plan.new_partners:
        conn.execute(Organisation.__table__.insert(), [{**p, "name_key": partner_name_key(p["name"]), "created_at": utcnow()}
                                                       for p in plan.new_partners])
        _keep_imported_flags(conn, plan.new_partners, loaded.source, actor)
    keys = sorted({partner_name_key(c.partner) for c in plan.cases})
    ids = {}
    for start in range(0, len(keys), 500):
        query = select(Organisation.name_key, Organisation.id).where(Organisation.name_key.in_(keys[start:start + 500]))
        ids.update(conn.execute(query).all())
    note = f"Under review when imported by {actor.name} from {loaded.source}."
    return [ImportRow({**c.columns, "partner_id": ids[partner_name_key(c.partner)]}, c.state,
                      open_review(c.state, c.columns, today(), note)) for c in plan.cases]
