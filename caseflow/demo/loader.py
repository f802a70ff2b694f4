"""Load the demo data: users, partners and cases walked through the engine with a set clock."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from caseflow.clock import frozen_at, today
from caseflow.demo.data import CASES, DEMO_PASSWORD, PARTNERS, USERS
from caseflow.extensions import db
from caseflow.models import Case, Organisation, User
from caseflow.workflow import Actor, current_workflow
from caseflow.workflow.context import add_months

def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.timezone.utc)


def ensure_users() -> dict[str, User]:
    """Create the demo users that are missing; return them by the name before @."""
    users = {}
    for spec in USERS:
        user = db.session.scalar(select(User).where(User.email == spec["email"]))
        if user is None:
            user = User(**spec)
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
        users[spec["email"].split("@")[0]] = user
    db.session.commit()
    return users


def ensure_partners() -> dict[str, Organisation]:
    """Create the demo partners that are missing."""
    partners = {}
    for name, spec in PARTNERS.items():
        partner = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if partner is None:
            partner = Organisation(name=name, **spec)
            db.session.add(partner)
        partners[name] = partner
    db.session.commit()
    return partners


class _Walk:
    """Fire one demo case's steps in order, each at its own moment."""

    def __init__(self, spec: dict, users: dict[str, User], partner: Organisation, now: dt.date):
        self.spec, self.users, self.partner, self.now = spec, users, partner, now
        self.workflow = current_workflow()
        self.start = now + dt.timedelta(days=spec["start"])
        self.end = add_months(self.start, spec["months"])
        self.case_id = None

    def fire(self, day: dt.date, trigger: str, who: str, data: dict, hour: int = 10):
        actor = Actor.system(who[len("system:"):]) if who.startswith("system:") else Actor.of(self.users[who])
        with frozen_at(_at(min(day, self.now), hour)):
            if trigger == "propose":
                return self.workflow.propose(actor, data)
            return self.workflow.fire(self.case_id, trigger, actor, data)

    def run(self) -> None:
        s, target = self.spec, self.spec["target"]
        proposed_on = min(self.start - dt.timedelta(days=60), self.now - dt.timedelta(days=3))
        outcome = self.fire(proposed_on, "propose", s["owner"], {
            "partner_id": self.partner.id, "title": s["title"], "objectives": s["objectives"],
            "results_for_children": s["results"], "cooperation_form": s["form"], "resources": s["resources"],
            "amount": s.get("amount"), "currency": s.get("currency"), "office": s["office"],
            "proposed_start": self.start, "proposed_end": self.end})
        self.case_id = outcome.case_id
        if target == "proposed":
            return
        if s.get("rejected"):
            self.fire(proposed_on + dt.timedelta(days=2), "reject", "reviewer",
                      {"reason": "The capacity assessment found no financial management system to account for the funds."})
            return
        self.fire(proposed_on + dt.timedelta(days=14), "vet", "reviewer", {
            "commitment_to_values": True, "good_governance": True, "no_breach_of_norms": True,
            "reputational_risk": "low", "capacity_assessment": "Track record in the sector; audited accounts for three years.",
            "notes": "Vetted against the para 46 criteria."}, hour=11)
        if target == "vetted":
            return
        self.fire(proposed_on + dt.timedelta(days=30), "agree", s["owner"], {
            "agreement_type": s["agreement"], "agreement_reference": f"{s['agreement'].upper()}/{self.start.year}/{self.partner.id:03d}",
            "agreement_signed_on": proposed_on + dt.timedelta(days=28), "contributions": "UNICEF: funds, technical expertise and convening. Partner: staff, local presence and networks.",
            "roles_responsibilities": "The partner implements; UNICEF monitors and advises.", "objectives": s["objectives"],
            "operational_targets": "Quarterly milestones as in the agreement's annex.", "monitoring_arrangement": "Quarterly reports and a joint annual review.",
            "review_interval_months": s["interval"], "proposed_end": self.end,
            "exit_conditions": "Not continued if targets are missed two reviews running or a guiding principle is breached."}, hour=14)
        if target == "agreed":
            return
        self.fire(self.start, "activate", "system:activation", {"actual_start": self.start}, hour=6)
        self._review_cycles(target)

    def _review_cycles(self, target: str) -> None:
        case = db.session.get(Case, self.case_id)
        stop = self.end if target in ("exiting", "discontinued") else self.now
        while case.state == "active" and case.next_review_due and case.next_review_due <= stop and case.next_review_due < self.end:
            due = case.next_review_due
            self.fire(due, "start_review", "system:reviews_due", {"reason": f"Periodic review due on {due.isoformat()}."}, hour=6)
            done_on = due + dt.timedelta(days=9)
            if done_on >= self.now:
                break
            self.fire(done_on, "complete_review", "reviewer" if due.month % 2 else "reviewer2", {
                "progress": "on_track" if due.month % 3 else "some_progress",
                "results": "Milestones for the period reached; reports received on time.",
                "costs_benefits": "Costs within budget; benefits as planned.", "recommendation": "Continue."}, hour=15)
            case = db.session.get(Case, self.case_id)
        case = db.session.get(Case, self.case_id)
        if target == "under_review" and case.state == "active":
            reason = self.spec.get("review_reason", "Ad hoc review requested by the reviewer.")
            self.fire(self.now - dt.timedelta(days=4), "start_review", "reviewer", {"reason": reason})
        if target in ("exiting", "discontinued"):
            exit_on = min(self.end, self.now - dt.timedelta(days=20 if target == "exiting" else 120))
            self.fire(exit_on, "begin_exit", "system:exit_deadline" if exit_on == self.end else "reviewer", {
                "handover": "Communities and local authorities take over the running of the activities.",
                "sustainability": "Trained volunteers and a local budget line keep the work going.",
                "completion_date": exit_on + dt.timedelta(days=90)}, hour=7)
        if target == "discontinued":
            self.fire(self.now - dt.timedelta(days=15), "discontinue", "reviewer", {
                "reason": "exit_completed", "narrative": "Exit completed as planned; results handed over."})


def load_demo(progress=None) -> dict[str, int]:
    """Load every demo record that is missing; return how many cases were added and skipped."""
    users, partners = ensure_users(), ensure_partners()
    existing = set(db.session.scalars(select(Case.title)))
    now = today()
    added = skipped = 0
    for spec in CASES:
        if spec["title"] in existing:
            skipped += 1
        else:
            _Walk(spec, users, partners[spec["partner"]], now).run()
            added += 1
        if progress:
            progress(1)
    return {"added": added, "skipped": skipped, "users": len(users), "partners": len(partners)}
