"""Seed the load run's database: users of each role with API tokens, and running cases made through the engine,
their reviews and exit deadlines spread over the year ahead. Every partner name is invented."""
from __future__ import annotations

import datetime as dt
import json
import sys

from caseflow import create_app
from caseflow.api.tokens import issue
from caseflow.clock import frozen_at, today, utcnow
from caseflow.extensions import db
from caseflow.models import User
from caseflow.workflow import Actor, current_workflow

PASSWORD = "load-run password"
ROLES = {"officer": 8, "reviewer": 4, "auditor": 2}


def proposal(number: int, start: dt.date) -> dict:
    """A proposal that moves no resources, with an invented partner of its own."""
    return {"title": f"Load run partnership {number}", "objectives": "Keep children in school.",
            "results_for_children": "Children finish primary school.", "cooperation_form": "formal_partnership",
            "resources": "none", "office": "Load office", "proposed_start": start.isoformat(),
            "proposed_end": (start + dt.timedelta(days=900)).isoformat(),
            "partner_name": f"Load run partner {number:05d} (invented)", "partner_type": "international_ngo",
            "partner_country": "Liberia", "partner_level": "global"}


VETTING = {"commitment_to_values": True, "good_governance": True, "no_breach_of_norms": True,
           "reputational_risk": "low", "capacity_assessment": "Load run assessment."}


def agreement(number: int, signed: dt.date) -> dict:
    return {"agreement_type": "pca", "agreement_reference": f"LOAD/{number:05d}", "agreement_signed_on": signed.isoformat(),
            "contributions": "Expertise.", "roles_responsibilities": "Partner implements.",
            "objectives": "Keep children in school.", "operational_targets": "Attendance reported each term.",
            "monitoring_arrangement": "Quarterly reports.", "review_interval_months": 3,
            "exit_conditions": "Not continued if targets are missed twice."}


def seed(cases: int, tokens_path: str) -> None:
    """Create the users (their tokens written to `tokens_path` as JSON) and `cases` active cases."""
    users = {}
    for role, count in ROLES.items():
        for i in range(1, count + 1):
            user = User(email=f"{role}{i}@load.test", name=f"Load {role} {i}", role=role, office="Load office")
            user.set_password(PASSWORD)
            db.session.add(user)
            users[user.email] = user
    db.session.commit()
    secrets = {email: {"role": user.role, "token": issue(user, "load run")[1]} for email, user in users.items()}
    officers = [u for u in users.values() if u.role == "officer"]
    reviewer = next(u for u in users.values() if u.role == "reviewer")
    workflow, now = current_workflow(), utcnow()
    for number in range(1, cases + 1):
        officer = officers[number % len(officers)]
        # Each case walked on a day of the last quarter: their first reviews fall due over the next one.
        with frozen_at(now - dt.timedelta(days=number % 90)):
            start = today()
            outcome = workflow.propose(Actor.of(officer), proposal(number, start))
            workflow.fire(outcome.case_id, "vet", Actor.of(reviewer), VETTING)
            workflow.fire(outcome.case_id, "agree", Actor.of(officer), agreement(number, start))
            workflow.fire(outcome.case_id, "activate", Actor.of(officer), {"actual_start": start.isoformat()})
    with open(tokens_path, "w", encoding="utf-8") as f:
        json.dump(secrets, f)


def main() -> None:
    cases, tokens_path = int(sys.argv[1]), sys.argv[2]
    app = create_app()
    with app.app_context():
        seed(cases, tokens_path)


if __name__ == "__main__":
    main()
