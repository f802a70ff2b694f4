"""Check every row of an import against the layout, the workflow and the database; list every problem."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from caseflow.imports import values as cells
from caseflow.imports.facts import closure_reasons, state_facts
from caseflow.imports.reader import Problem, Table
from caseflow.models import PARTNER_LEVELS, PARTNER_TYPES, Case, Organisation, User, partner_name_key, tidy_partner_name
from caseflow.workflow import values as v
from caseflow.workflow.columns import case_column_limits
from caseflow.workflow.definition import DEFAULT_MAX_LENGTH


@dataclass
class PlannedCase:
    """A partnership row that passed its checks, with its partner still named."""

    row: int
    partner: str
    state: str
    columns: dict  # case columns, without partner_id (known once partners exist)


@dataclass
class Plan:
    """What an import would write, and the problems that stop it."""

    new_partners: list[dict] = field(default_factory=list)
    matched_partners: list[str] = field(default_factory=list)
    cases: list[PlannedCase] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _flags(sanctions: bool, reputational: bool) -> Organisation:
    """An unsaved partner holding only its flags, for the invariants that read them."""
    return Organisation(sanctions_flag=bool(sanctions), reputational_flag=bool(reputational))


def _length(model, column: str) -> int | None:
    return getattr(model.__table__.c[column].type, "length", None)


def _lookup(value) -> str:
    """A cell as text to look a name up by; a cell no column could hold matches nothing (its row says why)."""
    try:
        return v.text(value)
    except ValueError:
        return ""


class _Row:
    """One row being checked: reads each column through a converter and notes what is wrong."""

    def __init__(self, table: Table, number: int, raw: dict, plan: Plan):
        self.table, self.number, self.raw, self.plan = table, number, raw, plan
        self.failed: set[str] = set()

    def fail(self, column: str, message: str) -> None:
        """Note a problem; only the first per column, so a bad value is not also reported as missing."""
        if column not in self.failed:
            self.failed.add(column)
            self.plan.problems.append(self.table.problem(self.number, column, message))

    def get(self, column: str, convert=None, required: bool = False):
        """The column's typed value, or None (noting the problem when it is bad or missing)."""
        value = self.raw.get(column)
        if v.blank(value):
            if required:
                self.fail(column, "a value is required")
            return None
        try:
            return convert(value) if convert else v.text(value)
        except ValueError as exc:
            self.fail(column, str(exc))
            return None


class Validator:
    """Checks an import's tables with one query per kind of lookup, not one per row."""

    def __init__(self, reader, workflow, today):
        # `reader` is the session (a dry run) or the engine's connection (inside the import's transaction).
        self.reader, self.workflow, self.today = reader, workflow, today
        self.plan = Plan()
        self.partner_names: dict[str, str] = {}  # partner_name_key -> name as written, from the file
        self.partner_flags: dict[str, Organisation] = {}  # partner_name_key -> an unsaved copy with its flags
        self.closure_reasons = closure_reasons(workflow)
        self.limits = case_column_limits(workflow.definition)

    def run(self, tables: list[Table], progress=None) -> Plan:
        """Check the partners table first (partnerships may name its partners), then the partnerships."""
        for name in ("partners", "partnerships"):
            for table in (t for t in tables if t.name == name):
                getattr(self, f"check_{name}")(table, progress)
        return self.plan

    def check_partners(self, table: Table, progress=None) -> None:
        """Check each partner row; plan new partners and note those matched by name."""
        names = [_lookup(raw.get("name")) for _, raw in table.rows if not v.blank(raw.get("name"))]
        existing = self._existing_partners(names)
        for number, raw in table.rows:
            row = _Row(table, number, raw, self.plan)
            name = row.get("name", lambda x: tidy_partner_name(v.text(x, _length(Organisation, "name"))), required=True)
            columns = {
                "type": row.get("type", lambda x: cells.choice(x, PARTNER_TYPES, "partner type"), required=True),
                "level": row.get("level", lambda x: cells.choice(x, PARTNER_LEVELS, "partner level"), required=True),
                "country": row.get("country", lambda x: v.text(x, _length(Organisation, "country"))),
                "contact_name": row.get("contact_name", lambda x: v.text(x, _length(Organisation, "contact_name"))),
                "contact_email": row.get("contact_email", cells.email),
                "sanctions_flag": bool(row.get("sanctions_flag", v.yes_no)),
                "reputational_flag": bool(row.get("reputational_flag", v.yes_no)),
                "flag_note": row.get("flag_note", lambda x: v.text(x, DEFAULT_MAX_LENGTH["textarea"])),
            }
            if name:
                key = partner_name_key(name)
                if key in self.partner_names:
                    row.fail("name", f"'{name}' appears more than once in the partners table")
                elif key in existing:
                    self.plan.matched_partners.append(existing[key])
                else:
                    self.plan.new_partners.append({"name": name, **columns})
                    self.partner_flags.setdefault(key, _flags(columns["sanctions_flag"], columns["reputational_flag"]))
                self.partner_names.setdefault(key, existing.get(key, name))
            if progress:
                progress(1)

    def check_partnerships(self, table: Table, progress=None) -> None:
        """Check each partnership row, looking partners, users and titles up once for the whole table."""
        rows = [(n, raw) for n, raw in table.rows]
        partners = self._existing_partners([_lookup(r.get("partner")) for _, r in rows if not v.blank(r.get("partner"))])
        users = self._users([r.get(c) for _, r in rows for c in ("owner", "reviewer") if not v.blank(r.get(c))])
        taken = self._existing_titles(list(partners.values()))
        for number, raw in rows:
            self._check_case(_Row(table, number, raw, self.plan), partners, users, taken)
            if progress:
                progress(1)

    def _check_case(self, row: _Row, partners: dict, users: dict, taken: set) -> None:
        c = {column: row.get(column, lambda x, n=column: v.text(x, self.limits[n]), required=required)
             for column, required in (("title", True), ("objectives", True), ("results_for_children", True),
                                      ("office", True), ("agreement_reference", False), ("contributions", False),
                                      ("roles_responsibilities", False), ("operational_targets", False),
                                      ("monitoring_arrangement", False), ("exit_conditions", False), ("exit_plan", False))}
        choices = {f.name: f.choices for f in self.workflow.definition.fields_of("propose") if f.choices}
        agree = {f.name: f for f in self.workflow.definition.fields_of("agree")}
        c["cooperation_form"] = row.get("cooperation_form", lambda x: cells.choice(x, choices["cooperation_form"], "form of cooperation"), True)
        c["resources"] = row.get("resources", lambda x: cells.choice(x, choices["resources"], "kind of resources"), True)
        c["amount"] = row.get("amount", v.amount)
        c["currency"] = row.get("currency", v.currency)
        if c["amount"] is not None and not c["currency"]:
            row.fail("currency", "is required with an amount")
        for column in ("proposed_start", "proposed_end"):
            c[column] = row.get(column, v.date, required=True)
        for column in ("actual_start", "next_review_due", "agreement_signed_on", "exit_completion_due"):
            c[column] = row.get(column, v.date)
        interval = agree["review_interval_months"]
        c["review_interval_months"] = row.get("review_interval_months", lambda x: v.whole_number(x, interval.min, interval.max))
        c["agreement_type"] = row.get("agreement_type", lambda x: cells.choice(x, agree["agreement_type"].choices, "agreement type"))
        c["closure_reason"] = row.get("closure_reason", lambda x: cells.choice(x, self.closure_reasons, "closure reason"))
        state = row.get("state", lambda x: cells.choice(x, self.workflow.definition.states, "state of the workflow"), True)
        c["owner_id"] = c["proposed_by_id"] = self._user(row, "owner", users, "officer", required=True)
        c["reviewer_id"] = self._user(row, "reviewer", users, "reviewer")
        partner = row.get("partner", required=True)
        if partner:
            key = partner_name_key(partner)
            if key not in partners and key not in self.partner_names:
                row.fail("partner", f"no partner named '{partner}' exists or is in the file's partners table")
            partner = partners.get(key) or self.partner_names.get(key, partner)
            if c["title"]:
                pair = (partner.lower(), c["title"].lower())
                if pair in taken:
                    row.fail("title", f"'{partner}' already has a partnership titled '{c['title']}'")
                taken.add(pair)
        if state:
            flags = self.partner_flags.get(partner_name_key(partner)) if partner else None
            for column, message in state_facts(self.workflow, state, c, self.today, row.failed, flags):
                row.fail(column, message)
        self.plan.cases.append(PlannedCase(row.number, partner, state, c))

    def _user(self, row: _Row, column: str, users: dict, role: str, required: bool = False) -> int | None:
        """The id of the active user of `role` the column names, or None after noting the problem."""
        email = row.get(column, cells.login, required=required)
        if email is None:
            return None
        user = users.get(email)
        if user is None:
            row.fail(column, f"no user has the e-mail {email}")
        elif user.role != role or not user.is_active_user:
            row.fail(column, f"{email} is {'an inactive' if not user.is_active_user else 'a'} {user.role}, not an active {role}")
        else:
            return user.id
        return None

    def _existing_partners(self, names: list[str]) -> dict[str, str]:
        wanted = sorted({partner_name_key(n) for n in names if n})
        found = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            query = select(Organisation.name_key, Organisation.name, Organisation.sanctions_flag,
                           Organisation.reputational_flag).where(Organisation.name_key.in_(chunk))
            for key, name, sanctions, reputational in self.reader.execute(query):
                found[key] = name
                self.partner_flags[key] = _flags(sanctions, reputational)
        return found

    def _existing_titles(self, partner_names: list[str]) -> set[tuple[str, str]]:
        taken = set()
        for start in range(0, len(partner_names), 500):
            chunk = partner_names[start:start + 500]
            query = select(Organisation.name, Case.title).join(Case.partner).where(Organisation.name.in_(chunk))
            taken.update((name.lower(), title.lower()) for name, title in self.reader.execute(query))
        return taken

    def _users(self, raw_emails: list) -> dict:
        emails = sorted({_lookup(e).lower() for e in raw_emails})
        users = {}
        columns = select(User.id, User.email, User.role, User.is_active_user)
        for start in range(0, len(emails), 500):
            for user in self.reader.execute(columns.where(func.lower(User.email).in_(emails[start:start + 500]))):
                users[user.email.lower()] = user
        return users
