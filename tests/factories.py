"""Users of each role and cases walked through the engine to any state, for tests."""
from __future__ import annotations

import contextlib
import datetime as dt
import functools

from werkzeug.security import generate_password_hash

from caseflow.clock import frozen_at, today, utcnow
from caseflow.documents.minipdf import text_pdf
from caseflow.documents.store import attach_document
from caseflow.extensions import db
from caseflow.models import Case, Organisation, User
from caseflow.workflow import Actor, current_workflow

PASSWORD = "correct horse battery"
ROLE_USERS = {
    "officer": ("officer", "Olu Officer"), "officer2": ("officer", "Otto Officer"),
    "reviewer": ("reviewer", "Rita Reviewer"), "reviewer2": ("reviewer", "Raj Reviewer"),
    "auditor": ("auditor", "Ada Auditor"), "admin": ("admin", "Abe Admin"),
}


@functools.cache
def password_hash_of(key: str) -> str:
    """The real (scrypt) hash of PASSWORD for the user `key`, made once per process: one costs about 0.2 s
    here, and most tests make six users. Each key keeps a salt of its own, as set_password would give it."""
    return generate_password_hash(PASSWORD)


def make_users() -> dict[str, User]:
    """Create one user per key of ROLE_USERS, all with PASSWORD."""
    users = {}
    for key, (role, name) in ROLE_USERS.items():
        user = User(email=f"{key}@example.org", name=name, role=role, office="Geneva")
        user.password_hash = password_hash_of(key)
        db.session.add(user)
        users[key] = user
    db.session.commit()
    return users


def proposal(partner: Organisation | None = None, **overrides) -> dict:
    """The data of a valid proposal; starts today and runs two years."""
    start = today()
    data = {"title": "Birth registration in Liberia", "objectives": "Register every child.",
            "results_for_children": "Children hold birth certificates.", "cooperation_form": "formal_partnership",
            "resources": "cash", "amount": "9000", "currency": "USD", "office": "Monrovia",
            "proposed_start": start.isoformat(), "proposed_end": (start + dt.timedelta(days=730)).isoformat()}
    if partner is not None:
        data["partner_id"] = partner.id
    else:
        data.update(partner_name="Plan International", partner_type="international_ngo",
                    partner_country="Liberia", partner_level="global")
    data.update(overrides)
    return data


VETTING = {"commitment_to_values": True, "good_governance": True, "no_breach_of_norms": True,
           "reputational_risk": "low", "capacity_assessment": "Audited accounts; field presence."}


def agreement(**overrides) -> dict:
    data = {"agreement_type": "pca", "agreement_reference": "PCA/2026/001", "agreement_signed_on": today().isoformat(),
            "contributions": "Funds and expertise.", "roles_responsibilities": "Partner implements.",
            "objectives": "Register every child.", "operational_targets": "100,000 registrations a quarter.",
            "monitoring_arrangement": "Quarterly reports.", "review_interval_months": 3,
            "exit_conditions": "Not continued if targets are missed twice."}
    data.update(overrides)
    return data


REVIEW = {"progress": "on_track", "results": "On target.", "costs_benefits": "Within budget.", "recommendation": "Continue."}
EXIT = {"handover": "To the ministry.", "sustainability": "Budget line secured."}

# The steps that lead from the previous state to each state, with who fires them.
PATH = [
    ("vetted", "vet", "reviewer", lambda: VETTING),
    ("agreed", "agree", "officer", agreement),
    ("active", "activate", "officer", lambda: {"actual_start": today().isoformat()}),
    ("under_review", "start_review", "reviewer", lambda: {"reason": "Quarterly review."}),
    ("exiting", "begin_exit", "reviewer2", lambda: {**EXIT, "completion_date": (today() + dt.timedelta(days=60)).isoformat()}),
    ("discontinued", "discontinue", "reviewer2", lambda: {"reason": "exit_completed", "narrative": "Done."}),
]


def _proposed_by_its_start(start):
    """Propose on the start day when the start lies in the past: a start is never proposed in the past."""
    try:
        day = dt.date.fromisoformat(str(start))
    except ValueError:
        return contextlib.nullcontext()
    if day >= today():
        return contextlib.nullcontext()
    return frozen_at(dt.datetime.combine(day, utcnow().time(), tzinfo=dt.timezone.utc))


class CaseFactory:
    """Make cases through the engine, never by writing the state column."""

    def __init__(self, users: dict[str, User]):
        self.users = users
        self.partner_id = None  # the first proposal registers the partner; later ones choose it

    @property
    def workflow(self):
        return current_workflow()

    def actor(self, key: str) -> Actor:
        return Actor.of(self.users[key])

    def propose(self, by: str = "officer", **overrides) -> Case:
        if "partner" not in overrides and self.partner_id is not None:
            overrides["partner"] = db.session.get(Organisation, self.partner_id)
        data = proposal(**overrides)
        with _proposed_by_its_start(data.get("proposed_start")):
            outcome = self.workflow.propose(self.actor(by), data)
        case = db.session.get(Case, outcome.case_id)
        self.partner_id = self.partner_id or case.partner_id
        return case

    def owner_key(self, case: Case) -> str:
        """The key in `users` of the case's owner."""
        return next(key for key, user in self.users.items() if user.id == case.owner_id)

    def attach_signed_agreement(self, case: Case, by: str = "officer"):
        """Attach a small signed-agreement PDF, as the agree step requires when resources are transferred."""
        content = text_pdf([f"Signed agreement for {case.title}", "Signed by both parties."])
        return attach_document(case, "signed_agreement", "signed-agreement.pdf", content, self.users[by])

    def in_state(self, state: str, at: dt.datetime | None = None, **overrides) -> Case:
        """A case walked along the usual path until it reaches `state`."""
        if at is not None:
            with frozen_at(at):
                return self.in_state(state, **overrides)
        case = self.propose(**overrides)
        for reached, trigger, by, data in PATH:
            if case.state == state:
                break
            by = self.owner_key(case) if self.users[by].role == "officer" else by  # officers act on their own cases
            if trigger == "agree" and case.resources != "none":
                self.attach_signed_agreement(case, by)
            self.workflow.fire(case.id, trigger, self.actor(by), data())
            case = db.session.get(Case, case.id)
        assert case.state == state
        return case
