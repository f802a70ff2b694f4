"""Invariants: what every case in a state must satisfy, as named predicates over the case as it is or will be.

The definition lists each state's invariants; the engine checks the destination state's on every write
(fire, propose, the import, the sweeps through fire) and `caseflow check` checks the stored cases against
their state's. Each predicate returns None when the case satisfies it, or the reason it does not.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from caseflow.workflow.case_facts import CaseFacts
from caseflow.workflow.definition import WorkflowDefinition


@dataclass(frozen=True)
class Invariant:
    name: str
    column: str  # the column a breach is about: where the import reports it
    reads: frozenset[str]  # the columns it reads: a row whose value there is already wrong is not judged again
    check: Callable


INVARIANTS: dict[str, Invariant] = {}


def invariant(column: str, *reads: str):
    """Register the decorated predicate under its name, speaking about `column` and reading `reads` too."""

    def register(fn):
        INVARIANTS[fn.__name__] = Invariant(fn.__name__, column, frozenset((column, *reads)), fn)
        return fn

    return register


def broken(facts: CaseFacts, names, skip: set[str] = frozenset()) -> list[tuple[str, str]]:
    """The (invariant, reason) pairs of the invariants `names` that `facts` breaks; those reading `skip` are not judged."""
    return [(name, why) for name in names
            if not (INVARIANTS[name].reads & skip) and (why := INVARIANTS[name].check(facts))]


def broken_in_state(facts: CaseFacts, state: str) -> list[tuple[str, str]]:
    """The invariants of `state` that `facts` breaks."""
    return broken(facts, facts.definition.invariants.get(state, ()))


#: States an import may not put a flagged partner's case in: an imported case was vetted, agreed or run
#: afresh, which a flagged partner forbids (under review too, though a running case may enter a review).
IMPORT_UNFLAGGED = ("vetted", "agreed", "active", "under_review")


def for_import(definition: WorkflowDefinition, state: str) -> tuple[str, ...]:
    """The invariants an imported case in `state` must satisfy: its state's, and no flagged partner if it runs."""
    names = tuple(definition.invariants.get(state, ()))
    if state in IMPORT_UNFLAGGED and "partner_not_flagged" not in names:
        names += ("partner_not_flagged",)
    return names


def amount_in_usd(facts) -> Decimal | None:
    """The transfer's value in USD at the definition's rates, or None if unknown."""
    amount, currency = facts.value("amount"), (facts.value("currency") or "USD")
    rate = facts.definition.usd_rates.get(currency)
    if amount is None or rate is None:
        return None
    return Decimal(amount) * Decimal(str(rate))


def _transfers(facts) -> bool:
    return facts.value("resources") not in (None, "none")


# -- what a proposal already holds ---------------------------------------------------------------
@invariant("proposed_end", "proposed_start")
def end_after_start(facts: CaseFacts):
    start, end = facts.value("proposed_start"), facts.value("proposed_end")
    if start and end and end <= start:
        return f"The end date {end.isoformat()} must come after the start date {start.isoformat()}."
    return None


@invariant("amount", "resources")
def amount_when_resources(facts: CaseFacts):
    amount = facts.value("amount")
    if _transfers(facts) and (amount is None or amount <= 0):
        return "Cash or in-kind resources are transferred, so give their amount."
    return None


@invariant("resources", "cooperation_form")
def collaboration_moves_no_resources(facts: CaseFacts):
    if facts.value("cooperation_form") == "collaborative_relationship" and _transfers(facts):
        return ("A collaborative relationship transfers no resources (paras 12, 51): "
                "make it a formal partnership, or transfer none.")
    return None


@invariant("partner")
def partner_not_flagged(facts: CaseFacts):
    flags = getattr(facts.partner, "blocking_flags", None)
    if flags:
        return (f"The partner carries a blocking flag ({', '.join(flags)}): a partnership with it "
                f"cannot be {facts.label.lower()}.")
    return None


@invariant("actual_start")
def not_started(facts: CaseFacts):
    if facts.value("actual_start"):
        return f"A case that is {facts.label} has not started: its actual start date must be empty."
    return None


@invariant("closure_reason")
def not_closed(facts: CaseFacts):
    if facts.value("closure_reason"):
        return f"A case that is {facts.label} is not closed: its closure reason must be empty."
    return None


# -- what an agreement holds (paras 51-56) -------------------------------------------------------
@invariant("agreement_type")
def agreement_type_given(facts: CaseFacts):
    if not facts.value("agreement_type"):
        return f"A case that is {facts.label} rests on an agreement: give its type."
    return None


@invariant("agreement_reference", "resources", "cooperation_form", "agreement_type", "agreement_signed_on")
def written_agreement_when_resources(facts: CaseFacts):
    transfers = _transfers(facts)
    if not (transfers or facts.value("cooperation_form") == "formal_partnership"):
        return None
    why = "resources are transferred" if transfers else "this is a formal partnership"
    if facts.value("agreement_type") == "informal":
        return f"An informal collaboration cannot be recorded because {why}: a written agreement is required (paras 51, 53)."
    missing = [label for column, label in (("agreement_reference", "reference"), ("agreement_signed_on", "signing date"))
               if not facts.value(column)]
    if missing:
        return f"A written agreement is required because {why}; give its " + " and ".join(missing) + "."
    return None


@invariant("agreement_signed_on")
def signed_not_in_future(facts: CaseFacts):
    signed = facts.value("agreement_signed_on")
    if signed and signed > facts.today:
        return f"The agreement cannot be signed in the future ({signed.isoformat()})."
    return None


@invariant("amount", "agreement_type", "currency", "organisation_cash_usd")
def small_scale_within_limit(facts: CaseFacts):
    if facts.value("agreement_type") != "ssfa":
        return None
    limit = Decimal(str(facts.definition.small_scale_limit_usd))
    # A budget on the agreement: the cap is on the organisation's cash (para 31). Older cases: their amount.
    cash = facts.value("organisation_cash_usd")
    if cash is not None:
        if Decimal(str(cash)) > limit:
            return (f"A small-scale funding agreement may not exceed {limit:,.0f} USD of the organisation's cash; "
                    f"this budget's is {Decimal(str(cash)):,.2f} USD.")
        return None
    if facts.value("amount") is None:
        return (f"A small-scale funding agreement needs an amount, so that its limit of {limit:,.0f} USD "
                "can be checked (para 31).")
    usd = amount_in_usd(facts)
    if usd is None:
        return f"The currency {facts.value('currency')} has no USD rate, so the small-scale limit cannot be checked."
    if usd > limit:
        return f"A small-scale funding agreement may not exceed {limit:,.0f} USD; this one is {usd:,.2f} USD."
    return None


@invariant("released_usd", "organisation_cash_usd")
def released_within_budget(facts: CaseFacts):
    released, budget = facts.value("released_usd"), facts.value("organisation_cash_usd")
    if released is not None and Decimal(str(released)) > Decimal(str(budget or 0)):
        return (f"The instalments released ({Decimal(str(released)):,.2f} USD) may never exceed the organisation's "
                f"cash budget ({Decimal(str(budget or 0)):,.2f} USD).")
    return None


@invariant("exit_conditions", "proposed_end")
def exit_strategy_defined(facts: CaseFacts):
    missing = [label for column, label in (("proposed_end", "an intended end date"), ("exit_conditions", "exit conditions"))
               if not facts.value(column)]
    if missing:
        return "The agreement needs an exit strategy (para 56): give " + " and ".join(missing) + "."
    return None


@invariant("review_interval_months")
def review_interval_set(facts: CaseFacts):
    if not facts.value("review_interval_months"):
        return "The agreement needs a review interval in months (para 54)."
    return None


# -- what a partnership that started holds -------------------------------------------------------
@invariant("actual_start")
def started(facts: CaseFacts):
    actual = facts.value("actual_start")
    if not actual:
        return f"A case that is {facts.label} has started: give its actual start date."
    if actual > facts.today:
        return "The actual start date cannot lie in the future."
    return None


@invariant("actual_start", "agreement_signed_on")
def started_after_signing(facts: CaseFacts):
    actual, signed = facts.value("actual_start"), facts.value("agreement_signed_on")
    if actual and signed and actual < signed:
        return (f"The partnership cannot have started ({actual.isoformat()}) before its agreement "
                f"was signed ({signed.isoformat()}).")
    return None


@invariant("next_review_due", "review_interval_months", "actual_start")
def review_scheduled(facts: CaseFacts):
    # Without a start or an interval there is nothing to schedule from; `started` and `review_interval_set` say so.
    if facts.value("actual_start") and facts.value("review_interval_months") and not facts.value("next_review_due"):
        return f"A case that is {facts.label} has its next review date set (para 54)."
    return None


@invariant("exit_completion_due")
def exit_completion_set(facts: CaseFacts):
    if not facts.value("exit_completion_due"):
        return f"A case that is {facts.label} has an exit completion date."
    return None


@invariant("closure_reason")
def closure_reason_given(facts: CaseFacts):
    if not facts.value("closure_reason"):
        return f"A case that is {facts.label} has a closure reason."
    return None
