"""Turn cases, partners, history records, documents and step forms into JSON-ready dicts."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from flask import url_for

from caseflow.models import DOCUMENT_KINDS
from caseflow.workflow import Actor, current_workflow

FACTS = ("objectives", "results_for_children", "cooperation_form", "resources", "amount", "currency",
         "proposed_start", "proposed_end", "actual_start", "next_review_due", "exit_deadline",
         "exit_completion_due", "review_interval_months", "agreement_type", "agreement_reference",
         "agreement_signed_on", "contributions", "roles_responsibilities", "operational_targets",
         "monitoring_arrangement", "exit_conditions", "exit_plan", "closure_reason")


def plain(value):
    """A JSON value for a column value: dates as ISO text, decimals as strings (no rounding)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def user_ref(user) -> dict | None:
    return None if user is None else {"id": user.id, "email": user.email, "name": user.name}


def partner_ref(partner) -> dict:
    return {"id": partner.id, "name": partner.name, "type": partner.type}


def case_summary(case) -> dict:
    """The fields a list of cases shows."""
    wf = current_workflow()
    return {
        "id": case.id, "reference": case.reference, "title": case.title, "state": case.state,
        "state_label": wf.label(case.state), "version": case.version, "partner": partner_ref(case.partner),
        "office": case.office, "owner": user_ref(case.owner), "next_review_due": plain(case.next_review_due),
        "exit_deadline": plain(case.exit_deadline), "created_at": plain(case.created_at),
        "updated_at": plain(case.updated_at), "url": url_for("api.get_case", case_id=case.id),
    }


def field_dict(spec) -> dict:
    """One field of a step's form, as a client needs it to build the form."""
    choices = None if spec.choices is None else [{"value": k, "label": v} for k, v in spec.choices.items()]
    return {"name": spec.name, "type": spec.type, "label": spec.label, "help": spec.help or None,
            "required": spec.required, "choices": choices, "max_length": spec.max_length,
            "min": spec.min, "max": spec.max}


def trigger_dict(spec, state: str) -> dict:
    """A trigger that may be fired from `state`, with the state it leads to and its form's fields."""
    fields = current_workflow().definition.forms[spec.form]
    return {"trigger": spec.trigger, "label": spec.label, "to": spec.dest_from(state),
            "fields": [field_dict(f) for f in fields]}


def case_detail(case, user) -> dict:
    """A case with its facts and the triggers `user` may fire on it now."""
    wf = current_workflow()
    return {
        **case_summary(case),
        "facts": {name: plain(getattr(case, name)) for name in FACTS},
        "proposed_by": user_ref(case.proposed_by), "reviewer": user_ref(case.reviewer),
        "agreement_recorded_by": user_ref(case.agreement_recorded_by),
        "history": {"seq": case.history_seq, "head": case.history_head,
                    "url": url_for("api.case_history", case_id=case.id)},
        "allowed_triggers": [trigger_dict(t, case.state) for t in wf.triggers_for(case, Actor.of(user))],
    }


def outcome_dict(outcome) -> dict:
    return {"case_id": outcome.case_id, "trigger": outcome.trigger, "from": outcome.from_state,
            "to": outcome.to_state, "seq": outcome.seq, "version": outcome.version, "hash": outcome.hash}


def history_dict(record) -> dict:
    return {"seq": record.seq, "trigger": record.trigger, "from": record.from_state, "to": record.to_state,
            "actor": record.actor, "at": plain(record.at), "data": json.loads(record.data),
            "comment": record.comment, "prev_hash": record.prev_hash, "hash": record.hash}


def partner_summary(partner) -> dict:
    return {"id": partner.id, "name": partner.name, "type": partner.type, "type_label": partner.type_label,
            "country": partner.country, "level": partner.level, "blocking_flags": partner.blocking_flags,
            "url": url_for("api.get_partner", partner_id=partner.id)}


def partner_detail(partner, cases_by_state: dict[str, int]) -> dict:
    return {**partner_summary(partner), "contact_name": partner.contact_name,
            "contact_email": partner.contact_email, "sanctions_flag": partner.sanctions_flag,
            "reputational_flag": partner.reputational_flag, "flag_note": partner.flag_note,
            "created_at": plain(partner.created_at), "cases_by_state": cases_by_state,
            "cases_url": url_for("api.list_cases", partner_id=partner.id)}


def document_dict(document) -> dict:
    """A document's record, with the link that downloads its bytes."""
    return {"id": document.id, "case_id": document.case_id, "kind": document.kind,
            "kind_label": DOCUMENT_KINDS.get(document.kind, document.kind), "filename": document.filename,
            "content_type": document.content_type, "size": document.size, "sha256": document.sha256,
            "uploaded_by": user_ref(document.uploaded_by), "uploaded_at": plain(document.uploaded_at),
            "download_url": url_for("api.download_document", case_id=document.case_id, document_id=document.id)}
