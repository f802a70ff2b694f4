"""Where resources are transferred, the signed agreement must be attached before the agreement is recorded."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from caseflow.documents.minipdf import text_pdf
from caseflow.documents.store import attach_document
from caseflow.extensions import db
from caseflow.models import Case, Document, HistoryRecord
from caseflow.workflow import Actor, GuardFailed, current_workflow
from tests.factories import VETTING, agreement


def vetted(cases, **overrides) -> Case:
    case = cases.propose(**overrides)
    current_workflow().fire(case.id, "vet", Actor.of(cases.users["reviewer"]), VETTING)
    return db.session.get(Case, case.id)


def agree(cases, case, **overrides):
    return current_workflow().fire(case.id, "agree", Actor.of(cases.users["officer"]), agreement(**overrides))


def test_recording_a_funded_agreement_without_the_signed_document_is_refused(app, cases):
    case = vetted(cases)
    with pytest.raises(GuardFailed) as refused:
        agree(cases, case)
    [(guard, why)] = refused.value.reasons
    assert guard == "signed_agreement_attached"
    assert "signed agreement must be attached" in why and "'Signed agreement'" in why
    case = db.session.get(Case, case.id)
    assert case.state == "vetted" and case.agreement_reference is None
    assert db.session.scalar(select(HistoryRecord.trigger).order_by(HistoryRecord.id.desc()).limit(1)) == "vet"


def test_a_document_of_another_kind_does_not_count(app, cases):
    case = vetted(cases)
    attach_document(case, "other", "letter.txt", b"Dear partner,\n", cases.users["officer"])
    with pytest.raises(GuardFailed, match="signed agreement must be attached"):
        agree(cases, case)


def test_with_the_signed_agreement_attached_the_agreement_is_recorded(app, cases):
    case = vetted(cases, resources="in_kind")
    attach_document(case, "signed_agreement", "PCA-2026-001.pdf", text_pdf(["Signed."]), cases.users["reviewer"])
    outcome = agree(cases, case)
    assert outcome.to_state == "agreed"


def test_an_agreement_transferring_nothing_needs_no_document(app, cases):
    case = vetted(cases, resources="none", amount=None, currency=None)
    assert agree(cases, case, agreement_type="mou").to_state == "agreed"
    assert db.session.scalar(select(Document.id)) is None


def test_the_factory_attaches_the_agreement_on_its_way_through_agree(app, cases):
    case = cases.in_state("active")
    [document] = db.session.scalars(select(Document).where(Document.case_id == case.id)).all()
    assert document.kind == "signed_agreement" and document.filename == "signed-agreement.pdf"


def test_every_demo_case_that_transfers_resources_and_got_past_vetting_has_its_signed_agreement(app, runner):
    assert runner.invoke(args=["demo", "--quiet"]).exit_code == 0
    agreed = db.session.scalars(select(Case).join(HistoryRecord, HistoryRecord.case_id == Case.id)
                                .where(HistoryRecord.trigger == "agree", Case.resources != "none")).all()
    assert agreed
    for case in agreed:
        [document] = db.session.scalars(select(Document).where(Document.case_id == case.id)).all()
        agree_at = db.session.scalar(select(HistoryRecord.at).where(HistoryRecord.case_id == case.id,
                                                                    HistoryRecord.trigger == "agree"))
        assert document.kind == "signed_agreement" and document.filename.endswith("-signed.pdf")
        # An hour before the agreement; closer when the demo had to pull today's steps before loading began.
        assert 0 < (agree_at - document.uploaded_at).total_seconds() <= 3600
        assert document.uploaded_by_id == case.owner_id
