"""Load a workflow definition from YAML and refuse a broken one, naming the line."""
from __future__ import annotations

from pathlib import Path

import yaml

from caseflow.models import Case
from caseflow.workflow.definition import (BUILTIN_CHOICES, DEFAULT_MAX_LENGTH, FIELD_TYPES, MAX_ROWS, RATES_CHOICES,
                                          SAME_STATE, TIMER_DEFAULTS, TRIGGER_ROLES, DefinitionError, FieldSpec,
                                          TransitionSpec, WorkflowDefinition)


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers each mapping's line as the key `__line__`."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def load_definition(path: str | Path, guards: set[str], effects: set[str],
                    invariants: set[str] | None = None) -> WorkflowDefinition:
    """Read `path`, check it against the known guards, effects and invariants, and return the definition."""
    if invariants is None:
        from caseflow.workflow.invariants import INVARIANTS  # imports this module: read on first use
        invariants = set(INVARIANTS)
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(), Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except (OSError, yaml.YAMLError) as exc:
        raise DefinitionError(f"{path}: cannot read the workflow definition: {exc}") from None
    return _Parser(path, raw, guards, effects, invariants).parse()


class _Parser:
    def __init__(self, path: Path, raw, guards: set[str], effects: set[str], invariants: set[str]):
        self.path, self.raw, self.guards, self.effects, self.invariants = path, raw, guards, effects, invariants

    def fail(self, node, message: str):
        line = node.get("__line__", "?") if isinstance(node, dict) else "?"
        raise DefinitionError(f"{self.path} line {line}: {message}")

    def need(self, node, key: str, kind=None):
        if not isinstance(node, dict) or key not in node:
            self.fail(node, f"missing '{key}'")
        value = node[key]
        if kind is not None and not isinstance(value, kind):
            self.fail(node, f"'{key}' must be a {kind.__name__}")
        return value

    def parse(self) -> WorkflowDefinition:
        raw = self.raw
        if not isinstance(raw, dict):
            raise DefinitionError(f"{self.path}: the definition must be a mapping")
        states, terminal, invariants = {}, set(), {}
        for node in self.need(raw, "states", list):
            name = self.need(node, "name", str)
            if name in states:
                self.fail(node, f"state '{name}' is defined twice")
            states[name] = node.get("label", name.replace("_", " ").capitalize())
            if node.get("terminal"):
                terminal.add(name)
            invariants[name] = self.parse_invariants(node, name)
        rates = {k: float(v) for k, v in (raw.get("usd_rates") or {}).items() if k != "__line__"}
        choices = {**BUILTIN_CHOICES, RATES_CHOICES: {code: code for code in rates}}
        for key, value in (raw.get("choices") or {}).items():
            if key != "__line__":
                choices[key] = {k: str(v) for k, v in value.items() if k != "__line__"}
        forms = {name: self.parse_form(name, node, choices)
                 for name, node in self.need(raw, "forms", dict).items() if name != "__line__"}
        transitions = {}
        for node in self.need(raw, "transitions", list):
            spec = self.parse_transition(node, states, forms)
            if spec.trigger in transitions:
                self.fail(node, f"trigger '{spec.trigger}' is defined twice")
            transitions[spec.trigger] = spec
        creators = [t for t in transitions.values() if t.sources is None]
        if len(creators) != 1:
            raise DefinitionError(f"{self.path}: exactly one transition must create the case (source: null)")
        self.check_reachable(raw, states, transitions)
        awaits = {node["name"]: self.parse_awaits(node, transitions) for node in raw["states"]}
        timers = {**TIMER_DEFAULTS,
                  **{k: int(v) for k, v in (raw.get("timers") or {}).items() if k != "__line__"}}
        return WorkflowDefinition(
            name=self.need(raw, "name", str), states=states, terminal=frozenset(terminal),
            transitions=transitions, forms=forms, timers=timers, usd_rates=rates,
            small_scale_limit_usd=float(raw.get("small_scale_limit_usd", 10000)), invariants=invariants,
            ownership=self.parse_ownership(raw), awaits=awaits,
        )

    def parse_invariants(self, node, state: str) -> tuple[str, ...]:
        names = node.get("invariants") or []
        if not isinstance(names, list):
            self.fail(node, f"state '{state}': 'invariants' must be a list")
        for name in names:
            if name not in self.invariants:
                self.fail(node, f"state '{state}': invariant '{name}' does not exist")
        if len(set(names)) != len(names):
            self.fail(node, f"state '{state}' lists an invariant twice")
        return tuple(names)

    def parse_awaits(self, node, transitions) -> frozenset[str]:
        awaited = node.get("awaits") or []
        for trigger in awaited:
            spec = transitions.get(trigger)
            if spec is None or not spec.sources or node["name"] not in spec.sources:
                self.fail(node, f"state '{node['name']}' awaits '{trigger}', which is no step from it")
        return frozenset(awaited)

    def parse_ownership(self, raw) -> dict[str, str]:
        node = raw.get("ownership") or {}
        owned = {k: v for k, v in node.items() if k != "__line__"}
        for role, column in owned.items():
            if role not in TRIGGER_ROLES:
                self.fail(node, f"ownership: unknown or forbidden role '{role}'")
            if column not in Case.__table__.columns:
                self.fail(node, f"ownership: '{column}' is not a column of cases")
        return owned

    def parse_form(self, name: str, node, choices) -> tuple[FieldSpec, ...]:
        return tuple(self.parse_field(name, f, choices) for f in self.need(node, "fields", list))

    def parse_field(self, name: str, f, choices, in_rows: bool = False) -> FieldSpec:
        ftype = self.need(f, "type", str)
        if ftype not in FIELD_TYPES or (in_rows and ftype in ("rows", "partner")):
            self.fail(f, f"form '{name}': unknown field type '{ftype}'" + (" in a row" if in_rows else ""))
        column = f.get("column")
        if column is not None and (in_rows or column not in Case.__table__.columns):
            self.fail(f, f"form '{name}': '{column}' is not a column of cases")
        field_choices = f.get("choices")
        if isinstance(field_choices, str):
            if field_choices not in choices:
                self.fail(f, f"form '{name}': unknown choice list '{field_choices}'")
            field_choices = choices[field_choices]
        elif isinstance(field_choices, list):
            field_choices = {str(c): str(c).replace("_", " ").capitalize() for c in field_choices}
        if ftype == "choice" and not field_choices:
            self.fail(f, f"form '{name}': choice field '{f.get('name')}' has no choices")
        max_length = f.get("max_length", DEFAULT_MAX_LENGTH.get(ftype))
        if max_length is not None and (ftype not in DEFAULT_MAX_LENGTH or not _positive(max_length)):
            self.fail(f, f"form '{name}': max_length of '{f.get('name')}' must be a positive whole number "
                         "on a text or textarea field")
        row_fields, max_rows = (), None
        if ftype == "rows":
            row_fields = tuple(self.parse_field(name, sub, choices, in_rows=True)
                               for sub in self.need(f, "fields", list))
            max_rows = f.get("max_rows", MAX_ROWS)
            if not _positive(max_rows) or max_rows > MAX_ROWS:
                self.fail(f, f"form '{name}': max_rows of '{f.get('name')}' must be a whole number from 1 to {MAX_ROWS}")
        return FieldSpec(
            name=self.need(f, "name", str), type=ftype, label=str(f.get("label", f["name"])),
            help=str(f.get("help", "")), required=bool(f.get("required", False)), choices=field_choices,
            column=column, max_length=max_length, min=f.get("min"), max=f.get("max"), row_fields=row_fields,
            max_rows=max_rows,
        )

    def parse_transition(self, node, states, forms) -> TransitionSpec:
        trigger = self.need(node, "trigger", str)
        reserved = set(Case.__table__.columns.keys()) | set(Case.__mapper__.relationships.keys())
        if trigger in reserved or trigger == "state":
            self.fail(node, f"trigger '{trigger}' has the name of a case column or relationship")
        sources = node.get("source")
        if sources is not None:
            sources = tuple(sources if isinstance(sources, list) else [sources])
            for s in sources:
                if s not in states:
                    self.fail(node, f"trigger '{trigger}': unknown source state '{s}'")
        dest = self.need(node, "dest", str)
        if dest == SAME_STATE and sources is None:
            self.fail(node, f"trigger '{trigger}' creates the case, so it has no state to stay in")
        if dest not in states and dest != SAME_STATE:
            self.fail(node, f"trigger '{trigger}': unknown destination state '{dest}'")
        roles = frozenset(self.need(node, "roles", list))
        if not roles <= TRIGGER_ROLES:
            self.fail(node, f"trigger '{trigger}': unknown or forbidden roles {sorted(roles - TRIGGER_ROLES)}")
        form = node.get("form")
        if not form:
            self.fail(node, f"trigger '{trigger}' has no form")
        if form not in forms:
            self.fail(node, f"trigger '{trigger}': form '{form}' is not defined under forms")
        for kind, known in (("guards", self.guards), ("effects", self.effects)):
            for name in node.get(kind) or []:
                if name not in known:
                    self.fail(node, f"trigger '{trigger}': {kind[:-1]} '{name}' does not exist")
        return TransitionSpec(
            trigger=trigger, label=str(node.get("label", trigger)), sources=sources, dest=dest, roles=roles,
            form=form, guards=tuple(node.get("guards") or []), effects=tuple(node.get("effects") or []),
            system=bool(node.get("system", False)),
        )

    def check_reachable(self, raw, states, transitions) -> None:
        reached = {t.dest for t in transitions.values() if t.sources is None}
        changed = True
        while changed:
            changed = False
            for t in transitions.values():
                if t.sources and reached.intersection(t.sources) and t.dest not in reached | {SAME_STATE}:
                    reached.add(t.dest)
                    changed = True
        for node in raw["states"]:
            if node["name"] not in reached:
                self.fail(node, f"state '{node['name']}' cannot be reached by any transition")


def _positive(number) -> bool:
    return isinstance(number, int) and not isinstance(number, bool) and number >= 1
