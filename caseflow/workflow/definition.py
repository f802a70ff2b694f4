"""What a workflow definition is: its states, forms, fields, transitions and timers, as frozen data."""
from __future__ import annotations

from dataclasses import dataclass, field

from caseflow.models import CONTRIBUTION_KINDS, PARTIES, PARTNER_LEVELS, PARTNER_TYPES, ROLES

FIELD_TYPES = {"text", "textarea", "date", "choice", "affirm", "bool", "decimal", "integer", "currency", "partner",
               "officer", "reviewer", "rows"}  # officer, reviewer: the id of an active user of that role
#: A `rows` field (repeating rows, e.g. a budget's lines) holds at most this many rows unless it says fewer.
MAX_ROWS = 50
#: A field's `choices: usd_rates`: the currencies the definition has a USD rate for.
RATES_CHOICES = "usd_rates"
BUILTIN_CHOICES = {"partner_types": PARTNER_TYPES, "partner_levels": PARTNER_LEVELS, "parties": PARTIES,
                   "contribution_kinds": CONTRIBUTION_KINDS}
# Auditors read and change nothing. Admins may fire only the triggers that name them (reassign).
TRIGGER_ROLES = set(ROLES) - {"auditor"}
#: A transition's `dest: "="`: the case stays in the state it is in (transitions' reflexive wildcard).
SAME_STATE = "="
#: The most characters a text field holds when the definition sets no max_length: a line, or a few pages.
DEFAULT_MAX_LENGTH = {"text": 200, "textarea": 10000}


class DefinitionError(ValueError):
    """A workflow definition that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    label: str
    help: str = ""
    required: bool = False
    choices: dict[str, str] | None = None
    column: str | None = None
    max_length: int | None = None
    min: int | float | None = None
    max: int | float | None = None
    #: A `rows` field: the fields of each row (none of them `rows`), and how many rows it takes at most.
    row_fields: tuple["FieldSpec", ...] = ()
    max_rows: int | None = None


@dataclass(frozen=True)
class TransitionSpec:
    trigger: str
    label: str
    sources: tuple[str, ...] | None  # None: the trigger creates the case
    dest: str
    roles: frozenset[str]
    form: str
    guards: tuple[str, ...]
    effects: tuple[str, ...]
    system: bool = False

    def dest_from(self, state: str | None) -> str:
        """The state this trigger leaves a case in when fired from `state`."""
        return state if self.dest == SAME_STATE else self.dest


#: The timers a definition may set, and their values when it does not: one default for every reader.
TIMER_DEFAULTS = {
    "default_review_interval_months": 3,
    "exit_notice_days": 90,
    "review_grace_days": 14,
    "exit_completion_days": 90,
    "exit_overdue_grace_days": 0,
}


@dataclass(frozen=True)
class WorkflowDefinition:
    name: str
    states: dict[str, str]  # name -> label, in order
    terminal: frozenset[str]
    transitions: dict[str, TransitionSpec]
    forms: dict[str, tuple[FieldSpec, ...]]
    timers: dict[str, int]  # every key of TIMER_DEFAULTS, as set or defaulted
    usd_rates: dict[str, float] = field(default_factory=dict)
    small_scale_limit_usd: float = 10000.0
    invariants: dict[str, tuple[str, ...]] = field(default_factory=dict)  # state -> what every case in it satisfies
    #: role -> case column: that role acts only on the cases whose column holds the user's id.
    ownership: dict[str, str] = field(default_factory=dict)
    #: state -> the triggers a case in it waits for: who may fire one has the case in their inbox.
    awaits: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def creating_trigger(self) -> TransitionSpec:
        return next(t for t in self.transitions.values() if t.sources is None)

    def fields_of(self, trigger: str) -> tuple[FieldSpec, ...]:
        return self.forms[self.transitions[trigger].form]
