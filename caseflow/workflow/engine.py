"""The workflow engine: the one place that fires triggers. Views, API, CLI and jobs all call it."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from transitions import Machine, MachineError

from caseflow.clock import utcnow
from caseflow.database import IMMEDIATE
from caseflow.extensions import db
from caseflow.models import Case, HistoryRecord, Notification, Organisation, Review
from caseflow.workflow.actor import Actor
from caseflow.workflow.chain import record_hash
from caseflow.workflow.context import StepContext
from caseflow.workflow.definition import TransitionSpec, WorkflowDefinition
from caseflow.workflow.effects import EFFECTS
from caseflow.workflow.errors import CaseNotFound, Conflict, GuardFailed, InvalidData, NotAllowed
from caseflow.workflow.guards import GUARDS
from caseflow.workflow.steps import canonical_json, validate_step_data

_HISTORY = HistoryRecord.__table__
_NOTIFICATIONS = Notification.__table__


@dataclass(frozen=True)
class Outcome:
    case_id: int
    trigger: str
    from_state: str | None
    to_state: str
    seq: int
    version: int
    hash: str


@dataclass(frozen=True)
class ImportRow:
    """One imported case: its columns, its state and, for a case under review, its open review's fields."""

    columns: dict
    state: str
    review: dict | None = None


class _Carrier:
    """A bare model for the shared machine: it carries a state in and the destination out."""

    __slots__ = ("state",)

    def __init__(self, state: str):
        self.state = state


class Workflow:
    """One definition and its one `transitions` machine, shared by every case."""

    def __init__(self, definition: WorkflowDefinition):
        self.definition = definition
        moves = [{"trigger": t.trigger, "source": list(t.sources), "dest": t.dest}
                 for t in definition.transitions.values() if t.sources is not None]
        self.machine = Machine(model=None, states=list(definition.states), transitions=moves,
                               initial=next(iter(definition.states)), auto_transitions=False)

    # -- questions -------------------------------------------------------------------------
    def label(self, state: str | None) -> str:
        return self.definition.states.get(state, state or "(new)")

    def triggers_for(self, state: str, role: str) -> list[TransitionSpec]:
        """The triggers `role` may fire from `state`, before guards (which speak on submission)."""
        return [t for t in self.definition.transitions.values()
                if t.sources and state in t.sources and role in t.roles]

    def may_fire(self, case: Case, trigger: str, actor: Actor) -> bool:
        spec = self.definition.transitions.get(trigger)
        return bool(spec and spec.sources and case.state in spec.sources and self._role_allows(spec, actor))

    def _role_allows(self, spec: TransitionSpec, actor: Actor) -> bool:
        return (spec.system and actor.is_system) or actor.role in spec.roles

    def _spec(self, trigger: str, actor: Actor) -> TransitionSpec:
        spec = self.definition.transitions.get(trigger)
        if spec is None:
            raise InvalidData({"trigger": f"'{trigger}' is not a step of the {self.definition.name} workflow"})
        if not self._role_allows(spec, actor):
            raise NotAllowed(f"A {actor.role} may not {spec.label.lower()}.")
        return spec

    # -- firing ----------------------------------------------------------------------------
    def fire(self, case_id: int, trigger: str, actor: Actor, data: dict | None = None, *,
             expected_version: int | None = None, comment: str | None = None) -> Outcome:
        """Fire `trigger` on a case in one transaction; return the outcome or raise a WorkflowError."""
        spec = self._spec(trigger, actor)
        if spec.sources is None:
            raise InvalidData({"trigger": f"'{trigger}' creates a case; use propose"})
        clean = validate_step_data(self.definition.forms[spec.form], data)
        session = _begin_write(db.session)
        try:
            case = session.execute(
                select(Case).where(Case.id == case_id).with_for_update()
                .execution_options(populate_existing=True)
            ).scalar_one_or_none()
            if case is None:
                raise CaseNotFound(f"There is no case {case_id}.")
            if expected_version is not None and case.version != expected_version:
                raise Conflict(f"{case.reference} moved on while you worked: it is now {self.label(case.state)}. "
                               "Nothing was changed; reload it and try again.")
            carrier = _Carrier(case.state)
            try:
                self.machine.events[trigger].trigger(carrier)
            except MachineError:
                raise Conflict(f"{case.reference} is {self.label(case.state)}: "
                               f"'{spec.label}' cannot be done from there.") from None
            ctx = StepContext(self.definition, spec, case, actor, clean, utcnow().date(), partner=case.partner)
            outcome = self._apply(session, ctx, carrier.state, comment)
            session.commit()
            return outcome
        except BaseException:
            session.rollback()
            raise

    def propose(self, actor: Actor, data: dict | None, *, comment: str | None = None) -> Outcome:
        """Create a case by the definition's creating trigger (propose), with its first history record."""
        spec = self._spec(self.definition.creating_trigger.trigger, actor)
        clean = validate_step_data(self.definition.forms[spec.form], data)
        session = _begin_write(db.session)
        try:
            partner = session.get(Organisation, clean["partner_id"]) if clean.get("partner_id") else None
            placeholder = Case(state=None, version=0, history_seq=0)
            ctx = StepContext(self.definition, spec, placeholder, actor, clean, utcnow().date(), partner=partner)
            _run_guards(ctx)
            if partner is None:
                partner = _new_partner(session, clean)
            columns = {f.column: clean[f.name] for f in self.definition.forms[spec.form] if f.column}
            case = Case(partner=partner, state=spec.dest, version=0, history_seq=0, owner_id=actor.user_id,
                        proposed_by_id=actor.user_id, created_at=utcnow(), **columns)
            session.add(case)
            session.flush()
            ctx.case, ctx.partner = case, partner
            ctx.changes["partner_id"] = partner.id
            outcome = self._apply(session, ctx, spec.dest, comment, before={})
            session.commit()
            return outcome
        except BaseException:
            session.rollback()
            raise

    def import_case(self, actor: Actor, columns: dict, state: str, source: str) -> Outcome:
        """Store an imported case in `state` with a first history record saying who imported it from where."""
        return self.import_cases(actor, [ImportRow(columns, state)], source)[0]

    def import_cases(self, actor: Actor, rows, source: str, *, prepare=None, progress=None) -> list[Outcome]:
        """Store many imported cases in ONE transaction: every one of them, or (on any error) none.

        `prepare(session, rows) -> rows`, when given, runs first inside the transaction, under the
        write lock: it may re-check the rows against the database and add rows they depend on
        (partners); raising aborts the whole import.
        """
        if actor.role != "admin":
            raise NotAllowed("Only an admin may import cases.")
        session = _begin_write(db.session)
        try:
            if prepare is not None:
                rows = prepare(session, rows)
            outcomes = []
            for row in rows:
                outcomes.append(self._import_one(session, actor, row, source))
                if progress:
                    progress(1)
            session.commit()
            return outcomes
        except BaseException:
            session.rollback()
            raise

    def _import_one(self, session, actor: Actor, row: "ImportRow", source: str) -> Outcome:
        """Add one imported case and its 'import' history record to the open transaction."""
        if row.state not in self.definition.states:
            raise InvalidData({"state": f"'{row.state}' is not a state of the {self.definition.name} workflow"})
        case = Case(state=row.state, version=0, history_seq=0, created_at=utcnow(), **row.columns)
        session.add(case)
        session.flush()
        spec = TransitionSpec(trigger="import", label="Import", sources=None, dest=row.state,
                              roles=frozenset({"admin"}), form="", guards=(), effects=())
        ctx = StepContext(self.definition, spec, case, actor, {"source": source}, utcnow().date(),
                          changes=dict(row.columns), review_open=row.review)
        return self._write(session, ctx, row.state, f"Imported by {actor.name} from {source}", before={})

    def _apply(self, session, ctx: StepContext, dest: str, comment: str | None, before: dict | None = None) -> Outcome:
        """Run guards and effects, then write the case, its history record, reviews and notifications."""
        # Guards judge the case as this step would leave it, so the step's data comes first.
        for spec in self.definition.forms[ctx.spec.form]:
            if spec.column and ctx.data.get(spec.name) is not None:
                ctx.changes[spec.column] = ctx.data[spec.name]
        _run_guards(ctx)
        for name in ctx.spec.effects:
            EFFECTS[name](ctx)
        return self._write(session, ctx, dest, comment, before)

    def _write(self, session, ctx: StepContext, dest: str, comment: str | None, before: dict | None) -> Outcome:
        """Store the step: the case row under its version check, the history record, reviews, notifications."""
        case, at = ctx.case, utcnow()
        # `before` is {} when the case is new: every field then counts as changed from nothing.
        old = (lambda c: before.get(c)) if before is not None else (lambda c: getattr(case, c))
        changed = {c: [old(c), v] for c, v in ctx.changes.items() if old(c) != v}
        data_json = canonical_json({"fields": ctx.data, "changes": changed})
        seq, from_state = case.history_seq + 1, case.state
        digest = record_hash(case_id=case.id, seq=seq, trigger=ctx.trigger, from_state=from_state, to_state=dest,
                             actor=ctx.actor.name, at=at, data=data_json, comment=comment, prev_hash=case.history_head)
        result = session.execute(
            update(Case).where(Case.id == case.id, Case.version == case.version)
            .values(**ctx.changes, state=dest, version=case.version + 1, history_seq=seq,
                    history_head=digest, updated_at=at)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise Conflict(f"{case.reference} moved on while you worked; nothing was changed.")
        try:
            session.execute(insert(_HISTORY).values(
                case_id=case.id, seq=seq, trigger=ctx.trigger, from_state=from_state, to_state=dest,
                actor=ctx.actor.name, actor_user_id=ctx.actor.user_id, at=at, data=data_json, comment=comment,
                prev_hash=case.history_head, hash=digest))
        except IntegrityError:
            raise Conflict(f"{case.reference} moved on while you worked; nothing was changed.") from None
        _write_review(session, ctx, at)
        _queue_notifications(session, ctx, seq, ctx.spec.label, dest, self.label(dest))
        return Outcome(case.id, ctx.trigger, from_state, dest, seq, case.version + 1, digest)


def _run_guards(ctx: StepContext) -> None:
    reasons = [(name, why) for name in ctx.spec.guards if (why := GUARDS[name](ctx))]
    if reasons:
        raise GuardFailed(reasons)


def _begin_write(session):
    """End any read-only transaction and begin one that holds the write lock (SQLite) from its start."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("the engine owns its transaction: commit or discard pending changes first")
    session.commit()
    try:
        session.connection(execution_options={IMMEDIATE: True})
    except OperationalError as exc:
        session.rollback()
        raise Conflict("The database is busy with another change; nothing was changed, try again.") from exc
    return session


def _new_partner(session, clean: dict) -> Organisation:
    name = clean["partner_name"].strip()
    if session.execute(select(Organisation.id).where(Organisation.name == name)).first():
        raise GuardFailed([("partner_given", f"A partner named '{name}' exists already: choose it from the list.")])
    partner = Organisation(name=name, type=clean["partner_type"], country=clean.get("partner_country"),
                           level=clean["partner_level"])
    session.add(partner)
    return partner


def _write_review(session, ctx: StepContext, at) -> None:
    if ctx.review_open is not None:
        session.add(Review(case_id=ctx.case.id, opened_at=at, opened_by=ctx.actor.name, **ctx.review_open))
    if ctx.review_update is not None:
        session.execute(
            update(Review).where(Review.case_id == ctx.case.id, Review.completed_at.is_(None))
            .values(completed_at=at, completed_by_id=ctx.actor.user_id, **ctx.review_update)
            .execution_options(synchronize_session=False))
    if ctx.review_open is not None:
        session.flush()


def _queue_notifications(session, ctx: StepContext, seq: int, label: str, dest: str, dest_label: str) -> None:
    """Tell the case's owner and reviewer about a move someone else made."""
    case = ctx.case
    recipients = {ctx.value("owner_id"), ctx.value("reviewer_id")} - {None, ctx.actor.user_id}
    if not recipients:
        return
    message = f"{case.reference} {ctx.value('title')}: {label} by {ctx.actor.name}; now {dest_label}."
    session.execute(insert(_NOTIFICATIONS), [
        {"user_id": uid, "case_id": case.id, "kind": f"transition:{ctx.trigger}", "message": message,
         "dedup_key": f"transition:{case.id}:{seq}:{uid}", "created_at": utcnow()}
        for uid in sorted(recipients)])
