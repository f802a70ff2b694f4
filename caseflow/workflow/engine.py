"""The workflow engine: the one place that fires triggers. Views, API, CLI and jobs all call it."""
from __future__ import annotations

from dataclasses import dataclass

from transitions import Machine, MachineError

from caseflow.clock import utcnow
from caseflow.models import a_role
from caseflow.workflow import store
from caseflow.workflow.actor import Actor
from caseflow.workflow.claims import Claim, store_claim
from caseflow.workflow.context import StepContext
from caseflow.workflow.definition import TransitionSpec, WorkflowDefinition
from caseflow.workflow.effects import EFFECTS
from caseflow.workflow.errors import CaseNotFound, Conflict, GuardFailed, InvalidData, NotAllowed
from caseflow.workflow.guards import GUARDS
from caseflow.workflow.invariants import CaseFacts, broken, for_import
from caseflow.workflow.step_data import clean_comment, validate_step_data
from caseflow.workflow.transaction import core_transaction, driver_transaction
from caseflow.workflow.writing import Outcome, write_step


@dataclass(frozen=True)
class ImportRow:
    """One imported case: its columns, its state and, for a case under review, its open review's fields."""

    columns: dict
    state: str
    review: dict | None = None


#: Guards that judge only who acts, not the step's data: an inbox can ask them before any form is filled.
WHO_GUARDS = frozenset({"not_the_proposer", "not_the_agreement_recorder"})


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

    def triggers_for(self, case, actor: Actor) -> list[TransitionSpec]:
        """The triggers `actor` may fire on `case` now: by state, role and ownership, before guards.

        The one answer to "what may this user do here": the step pages, the case page, the inboxes
        and the API all ask it, and `fire` refuses what it leaves out.
        """
        return [t for t in self.definition.transitions.values()
                if t.sources and case.state in t.sources and self._allows(t, actor, case)]

    def may_fire(self, case, trigger: str, actor: Actor) -> bool:
        """Tell whether `actor` may fire `trigger` on the case now (its state, their role and ownership)."""
        spec = self.definition.transitions.get(trigger)
        return bool(spec and spec.sources and case.state in spec.sources and self._allows(spec, actor, case))

    def steps_waiting(self, case, actor: Actor) -> list[TransitionSpec]:
        """The steps the case waits for (its state's `awaits`) that `actor` may take: those of
        `triggers_for` that the four-eyes guards, which judge only who acts, do not refuse."""
        awaited, today = self.definition.awaits.get(case.state, frozenset()), utcnow().date()
        return [t for t in self.triggers_for(case, actor) if t.trigger in awaited
                and not any(GUARDS[g](StepContext(self.definition, t, case, actor, {}, today))
                            for g in t.guards if g in WHO_GUARDS)]

    def owns(self, case, actor: Actor) -> bool:
        """Tell whether `actor` may act on `case` as far as ownership goes: a role bound to a column
        (the definition's `ownership`, e.g. officer -> owner_id) acts only where that column holds its id."""
        column = self.definition.ownership.get(actor.role)
        return column is None or (actor.user_id is not None and getattr(case, column) == actor.user_id)

    def _allows(self, spec: TransitionSpec, actor: Actor, case) -> bool:
        return self.may_role_fire(spec, actor) and self.owns(case, actor)

    def may_role_fire(self, spec: TransitionSpec, actor: Actor) -> bool:
        """Tell whether `actor`'s role may fire `spec` at all, on some case."""
        return (spec.system and actor.is_system) or actor.role in spec.roles

    def _spec(self, trigger: str, actor: Actor) -> TransitionSpec:
        spec = self.definition.transitions.get(trigger)
        if spec is None:
            raise InvalidData({"trigger": f"'{trigger}' is not a step of the {self.definition.name} workflow"})
        if not self.may_role_fire(spec, actor):
            raise NotAllowed(f"{a_role(actor.role)} may not {spec.label.lower()}.")
        return spec

    # -- firing ----------------------------------------------------------------------------
    def fire(self, case_id: int, trigger: str, actor: Actor, data: dict | None = None, *,
             expected_version: int | None = None, comment: str | None = None, claim: Claim | None = None) -> Outcome:
        """Fire `trigger` on a case in one transaction; return the outcome or raise a WorkflowError.

        `claim`, when given, is the request's one-time key, stored with the step (workflow/claims.py).
        """
        spec = self._spec(trigger, actor)
        if spec.sources is None:
            raise InvalidData({"trigger": f"'{trigger}' creates a case; use propose"})
        with driver_transaction() as conn:
            case = store.load_case(conn, case_id)
            if case is None:
                raise CaseNotFound(f"There is no case {case_id}.")
            # Who comes before what: a case that is not yours is refused whatever the data says.
            if not self.owns(case, actor):
                raise NotAllowed(f"{case.reference} is not yours: {a_role(actor.role).lower()} acts only on the "
                                 "cases they own. A reviewer or an admin can reassign it.")
            clean, comment = validate_step_data(self.definition.forms[spec.form], data), clean_comment(comment)
            if expected_version is not None and case.version != expected_version:
                raise Conflict(f"{case.reference} moved on while you worked: it is now {self.label(case.state)}. "
                               "Nothing was changed; reload it and try again.")
            carrier = _Carrier(case.state)
            try:
                self.machine.events[trigger].trigger(carrier)
            except MachineError:
                raise Conflict(f"{case.reference} is {self.label(case.state)}: "
                               f"'{spec.label}' cannot be done from there.") from None
            now = utcnow()
            ctx = StepContext(self.definition, spec, case, actor, clean, now.date(), conn=conn, at=now)
            return self._claimed(conn, claim, self._apply(conn, ctx, carrier.state, comment), now)

    def propose(self, actor: Actor, data: dict | None, *, comment: str | None = None,
                claim: Claim | None = None) -> Outcome:
        """Create a case by the definition's creating trigger (propose), with its first history record."""
        spec = self._spec(self.definition.creating_trigger.trigger, actor)
        clean, comment = validate_step_data(self.definition.forms[spec.form], data), clean_comment(comment)
        with core_transaction() as conn:
            partner = store.load_partner(conn, clean["partner_id"]) if clean.get("partner_id") else None
            now = utcnow()
            ctx = StepContext(self.definition, spec, store.NEW_CASE, actor, clean, now.date(), partner=partner, at=now)
            _run_guards(ctx)
            partner_id = partner.id if partner is not None else _new_partner(conn, clean)
            columns = {f.column: clean[f.name] for f in self.definition.forms[spec.form] if f.column}
            case_id = store.insert_case(conn, {**columns, "partner_id": partner_id, "state": spec.dest,
                                               "owner_id": actor.user_id, "created_at": now})
            ctx.case = store.load_case(conn, case_id)
            ctx.changes["partner_id"] = partner_id
            return self._claimed(conn, claim, self._apply(conn, ctx, spec.dest, comment, before={}), now)

    def import_case(self, actor: Actor, columns: dict, state: str, source: str) -> Outcome:
        """Store an imported case in `state` with a first history record saying who imported it from where."""
        return self.import_cases(actor, [ImportRow(columns, state)], source)[0]

    def import_cases(self, actor: Actor, rows, source: str, *, prepare=None, progress=None) -> list[Outcome]:
        """Store many imported cases (ImportRow) in ONE transaction: every one of them, or on any error none.

        `prepare(conn, rows) -> rows`, when given, runs first in that transaction, under the write lock:
        it may check the rows again and insert what they depend on (partners); raising aborts it all.
        """
        if actor.role != "admin":
            raise NotAllowed("Only an admin may import cases.")
        with core_transaction() as conn:
            if prepare is not None:
                rows = prepare(conn, rows)
            outcomes = []
            for row in rows:
                outcomes.append(self._import_one(conn, actor, row, source))
                if progress is not None:
                    progress(1)
            return outcomes

    def _import_one(self, conn, actor: Actor, row: ImportRow, source: str) -> Outcome:
        """Insert one imported case and its 'import' history record in the open transaction."""
        if row.state not in self.definition.states:
            raise InvalidData({"state": f"'{row.state}' is not a state of the {self.definition.name} workflow"})
        spec = TransitionSpec(trigger="import", label="Import", sources=None, dest=row.state,
                              roles=frozenset({"admin"}), form="", guards=(), effects=())
        now = utcnow()
        case_id = store.insert_case(conn, {**row.columns, "state": row.state, "created_at": now})
        # The review an import opens is recorded with it, so verify can rebuild the review's row.
        fields = {"source": source, **({"review": row.review} if row.review else {})}
        ctx = StepContext(self.definition, spec, store.load_case(conn, case_id), actor, fields,
                          now.date(), changes=dict(row.columns), review_open=row.review, at=now)
        _refuse_if_broken([], ctx, row.state, for_import(self.definition, row.state))
        return self._write(conn, ctx, row.state, f"Imported by {actor.name} from {source}", before={})

    def _apply(self, conn, ctx: StepContext, dest: str, comment: str | None, before: dict | None = None) -> Outcome:
        """Run guards and effects, then store the step."""
        # Guards judge the case as this step would leave it, so the step's data comes first.
        for spec in self.definition.forms[ctx.spec.form]:
            if spec.column and ctx.data.get(spec.name) is not None:
                ctx.changes[spec.column] = ctx.data[spec.name]
        refusals = _guard_refusals(ctx)
        for name in ctx.spec.effects:
            EFFECTS[name](ctx)
        _refuse_if_broken(refusals, ctx, dest, self.definition.invariants.get(dest, ()))
        return self._write(conn, ctx, dest, comment, before)

    @staticmethod
    def _claimed(conn, claim: Claim | None, outcome: Outcome, at) -> Outcome:
        if claim is not None:
            store_claim(conn, claim, outcome, at)
        return outcome

    def _write(self, conn, ctx: StepContext, dest: str, comment: str | None, before: dict | None) -> Outcome:
        return write_step(conn, ctx, dest, self.label(dest), comment, before)


def _guard_refusals(ctx: StepContext) -> list[tuple[str, str]]:
    return [(name, why) for name in ctx.spec.guards if (why := GUARDS[name](ctx))]


def _run_guards(ctx: StepContext) -> None:
    if reasons := _guard_refusals(ctx):
        raise GuardFailed(reasons)


def _refuse_if_broken(refusals: list, ctx: StepContext, dest: str, invariants) -> None:
    """Refuse the step, with the guards' reasons, if the case it leaves in `dest` breaks one of `invariants`."""
    refusals = refusals + broken(CaseFacts.of_step(ctx, dest), invariants)
    if refusals:
        raise GuardFailed(refusals)


def _new_partner(conn, clean: dict) -> int:
    name = clean["partner_name"].strip()
    if store.partner_named(conn, name):
        raise GuardFailed([("partner_given", f"A partner named '{name}' exists already: choose it from the list.")])
    return store.insert_partner(conn, {"name": name, "type": clean["partner_type"],
                                       "country": clean.get("partner_country"), "level": clean["partner_level"],
                                       "created_at": utcnow()})
