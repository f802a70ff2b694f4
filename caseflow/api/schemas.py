"""What the API answers, as marshmallow schemas: they dump the models and they are the document's schemas."""
from __future__ import annotations

import json

import marshmallow as ma
from flask import url_for
from marshmallow import fields, validate

from caseflow.api.auth import api_user
from caseflow.api.fields import Page, StateName, user_ref
from caseflow.api.money import Money, money_payload
from caseflow.clock import today
from caseflow.models import DOCUMENT_KINDS
from caseflow.workflow import Actor, current_workflow
from caseflow.workflow.definition import FIELD_TYPES

_TEXT_FACTS = ("objectives", "results_for_children", "cooperation_form", "resources", "currency", "agreement_type",
               "agreement_reference", "contributions", "roles_responsibilities", "operational_targets",
               "monitoring_arrangement", "exit_conditions", "exit_plan", "closure_reason", "shared_risks_benefits",
               "national_alignment")
_DATE_FACTS = ("proposed_start", "proposed_end", "actual_start", "next_review_due", "exit_deadline",
               "exit_completion_due", "agreement_signed_on")
#: Every fact the workflow's forms record on a case; null where not recorded yet.
Facts = ma.Schema.from_dict({
    **{name: fields.String(required=True, allow_none=True) for name in _TEXT_FACTS},
    **{name: fields.Date(required=True, allow_none=True) for name in _DATE_FACTS},
    "amount": fields.String(required=True, allow_none=True, metadata={"description": "A decimal number as text."}),
    "review_interval_months": fields.Integer(required=True, allow_none=True),
}, name="Facts")


class PartnerRef(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)


class Computed(ma.Schema):
    """A schema some of whose members are computed from the object: `computed` maps each to its function."""

    computed: dict = {}

    def get_attribute(self, obj, attr, default):
        if attr in self.computed:
            return self.computed[attr](obj)
        return super().get_attribute(obj, attr, default)


class CaseSummary(Computed):
    """The fields a list of cases shows."""

    computed = {"state_label": lambda case: current_workflow().label(case.state),
                "url": lambda case: url_for("api.get_case", case_id=case.id)}

    id = fields.Integer(required=True)
    reference = fields.String(required=True, validate=validate.Regexp(r"^CF-[0-9]{6,}$"))
    title = fields.String(required=True)
    state = StateName(required=True)
    state_label = fields.String(required=True)
    version = fields.Integer(required=True, validate=validate.Range(min=0))
    partner = fields.Nested(PartnerRef, required=True)
    office = fields.String(required=True)
    owner = user_ref()
    next_review_due = fields.Date(required=True, allow_none=True)
    exit_deadline = fields.Date(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    url = fields.String(required=True)


class Choice(ma.Schema):
    value = fields.String(required=True)
    label = fields.String(required=True)


class FormField(Computed):
    """One field of a step's form, as a client needs it to build the form."""

    computed = {"help": lambda spec: spec.help or None,
                "choices": lambda spec: None if spec.choices is None else
                [{"value": k, "label": v} for k, v in spec.choices.items()]}

    name = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(sorted(FIELD_TYPES)))
    label = fields.String(required=True)
    help = fields.String(required=True, allow_none=True)
    required = fields.Boolean(required=True)
    choices = fields.List(fields.Nested(Choice), required=True, allow_none=True)
    max_length = fields.Integer(required=True, allow_none=True)
    min = fields.Float(required=True, allow_none=True)  # a whole number's, or an amount's (0.01)
    max = fields.Float(required=True, allow_none=True)
    #: A `rows` field (a budget's lines): the fields of each row, and how many rows it takes at most.
    row_fields = fields.List(fields.Nested(lambda: FormField(exclude=("row_fields", "max_rows"))),
                             data_key="fields", required=False)
    max_rows = fields.Integer(required=False, allow_none=True)


class AllowedTrigger(ma.Schema):
    """A trigger the caller may fire now, the state it leads to and its form's fields."""

    trigger = fields.String(required=True)
    label = fields.String(required=True)
    to = StateName(required=True)
    fields_ = fields.List(fields.Nested(FormField), data_key="fields", required=True)


class HistoryHead(ma.Schema):
    seq = fields.Integer(required=True)
    head = fields.String(required=True, allow_none=True)
    url = fields.String(required=True)


class CaseDetail(CaseSummary):
    """A case with its facts and the triggers the caller may fire on it now."""

    computed = {**CaseSummary.computed, "facts": lambda case: case,
                "history": lambda case: {"seq": case.history_seq, "head": case.history_head,
                                         "url": url_for("api.case_history", case_id=case.id)},
                "allowed_triggers": lambda case: _allowed_triggers(case), "money": money_payload}
    facts = fields.Nested(Facts, required=True)
    proposed_by = user_ref()
    reviewer = user_ref()
    agreement_recorded_by = user_ref()
    history = fields.Nested(HistoryHead, required=True)
    allowed_triggers = fields.List(fields.Nested(AllowedTrigger), required=True)
    money = fields.Nested(Money, required=True, allow_none=True)  # null: an agreement without budget or instalments


def _allowed_triggers(case) -> list[dict]:
    """The triggers the API's caller may fire on `case` now, each with its state to come and its form."""
    wf = current_workflow()
    return [{"trigger": t.trigger, "label": t.label, "to": t.dest_from(case.state), "fields_": wf.definition.forms[t.form]}
            for t in wf.triggers_for(case, Actor.of(api_user()))]


class Outcome(ma.Schema):
    case_id = fields.Integer(required=True)
    trigger = fields.String(required=True)
    from_ = fields.String(attribute="from_state", data_key="from", required=True, allow_none=True)
    to = StateName(attribute="to_state", required=True)
    seq = fields.Integer(required=True)
    version = fields.Integer(required=True)
    hash = fields.String(required=True)


class TransitionResult(ma.Schema):
    """The outcome of a step and the case as it is now."""

    outcome = fields.Nested(Outcome, required=True)
    case = fields.Nested(CaseDetail, required=True)


class ChainHead(ma.Schema):
    """The last record of a case's history: its number and hash (null before the first)."""

    seq = fields.Integer(required=True)
    hash = fields.String(required=True, allow_none=True)


class HistoryRecord(Computed):
    computed = {"data": lambda record: json.loads(record.data)}

    seq = fields.Integer(required=True, validate=validate.Range(min=1))
    trigger = fields.String(required=True)
    from_ = fields.String(attribute="from_state", data_key="from", required=True, allow_none=True)
    to = fields.String(attribute="to_state", required=True)
    actor = fields.String(required=True, metadata={"description": "A user's e-mail, or system:<job>."})
    at = fields.DateTime(required=True)
    data = fields.Dict(required=True, metadata={"description": '{"fields": the form\'s data, '
                                                              '"changes": {column: [before, after]}}'})
    comment = fields.String(required=True, allow_none=True)
    prev_hash = fields.String(required=True, allow_none=True)
    hash = fields.String(required=True)


class PartnerSummary(Computed):
    computed = {"url": lambda p: url_for("api.get_partner", partner_id=p.id)}

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)
    type_label = fields.String(required=True)
    country = fields.String(required=True, allow_none=True)
    level = fields.String(required=True)
    blocking_flags = fields.List(fields.String(), required=True)
    url = fields.String(required=True)


class PartnerDetail(PartnerSummary):
    computed = {**PartnerSummary.computed, "cases_url": lambda p: url_for("api.list_cases", partner_id=p.id)}

    contact_name = fields.String(required=True, allow_none=True)
    contact_email = fields.String(required=True, allow_none=True)
    sanctions_flag = fields.Boolean(required=True)
    reputational_flag = fields.Boolean(required=True)
    flag_note = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    cases_by_state = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    cases_url = fields.String(required=True)


class Document(Computed):
    """A document's record, with the link that downloads its bytes."""

    computed = {"kind_label": lambda d: DOCUMENT_KINDS.get(d.kind, d.kind),
                "download_url": lambda d: url_for("api.download_document", case_id=d.case_id, document_id=d.id)}

    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(list(DOCUMENT_KINDS)))
    kind_label = fields.String(required=True)
    filename = fields.String(required=True, metadata={"description": "The uploaded file's name, without folders."})
    content_type = fields.String(required=True)
    size = fields.Integer(required=True, validate=validate.Range(min=1), metadata={"description": "In bytes."})
    sha256 = fields.String(required=True, validate=validate.Regexp("^[0-9a-f]{64}$"))
    uploaded_by = user_ref()
    uploaded_at = fields.DateTime(required=True)
    download_url = fields.String(required=True, metadata={"description": "Where GET downloads the file."})


class QueueItem(CaseSummary):
    """A case of the reviewers' queue, with the day its review fell due and how many days ago that was."""

    computed = {**CaseSummary.computed, "due_on": lambda c: c.next_review_due,
                "days_overdue": lambda c: max(0, (today() - c.next_review_due).days) if c.next_review_due else 0}
    due_on = fields.Date(required=True, allow_none=True)
    days_overdue = fields.Integer(required=True, validate=validate.Range(min=0))


def page_of(item: type[ma.Schema], name: str, **extra: fields.Field) -> type[ma.Schema]:
    """The schema of a page of `item`s, with the list's own members."""
    return Page.from_dict({**extra, "items": fields.List(fields.Nested(item), required=True)}, name=name)


CasePage = page_of(CaseSummary, "CasePage")
PartnerPage = page_of(PartnerSummary, "PartnerPage")
QueuePage = page_of(QueueItem, "QueuePage", as_of=fields.Date(required=True))
HistoryPage = page_of(HistoryRecord, "HistoryPage", case_id=fields.Integer(required=True),
                      head=fields.Nested(ChainHead, required=True))
DocumentPage = page_of(Document, "DocumentPage", case_id=fields.Integer(required=True))
