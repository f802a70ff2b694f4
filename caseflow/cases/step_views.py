"""The step forms: propose a partnership, and fire any other trigger, through the engine."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from caseflow.auth.access import roles_required
from caseflow.cases import bp
from caseflow.cases.forms import bind_partner_choices, bind_people_choices, initial_data, step_form_class
from caseflow.cases.once import AlreadySubmitted, earlier_landing, run_once
from caseflow.extensions import db
from caseflow.models import Case
from caseflow.workflow import Actor, GuardFailed, InvalidData, WorkflowError, current_workflow
from caseflow.workflow.definition import SAME_STATE

FIRING_ROLES = ("officer", "reviewer", "admin")  # an admin fires the steps that name admins: reassign


def _refused(form, error) -> tuple[list[str], int]:
    """Turn the engine's refusal into messages: beside the fields, or above the form."""
    if isinstance(error, InvalidData):
        general = []
        for name, message in error.errors.items():
            if name in form.field_names:
                form[name].errors = [*form[name].errors, message]
            else:
                general.append(f"{name}: {message}")
        return general, 422
    if isinstance(error, GuardFailed):
        return [why for _, why in error.reasons], 422
    return [error.message], error.status


def _submit(form, act, settle):
    """Validate the form and call `act(claim)` once per drawn form; return its outcome, or None with the problems
    and the status. `settle(outcome)` says where a repeated submission lands (once.run_once)."""
    if not form.validate_on_submit():
        return None, [], 422 if form.is_submitted() else 200
    try:
        return run_once(act, settle), [], 200
    except WorkflowError as error:
        return None, *_refused(form, error)


@bp.route("/cases/<int:case_id>/<trigger>", methods=["GET", "POST"])
@roles_required(*FIRING_ROLES)
def fire(case_id: int, trigger: str):
    """Show a step's form; on submission fire the trigger with the version the user saw."""
    wf, case = current_workflow(), db.session.get(Case, case_id)
    spec = wf.definition.transitions.get(trigger)
    if case is None or spec is None or spec.sources is None:
        abort(404)
    actor = Actor.of(current_user)
    if current_user.role not in spec.roles:
        abort(403)
    if not wf.owns(case, actor):
        abort(403, description=f"{case.reference} is not yours: an officer acts only on the cases they own.")
    if not wf.may_fire(case, trigger, actor):
        if (landing := earlier_landing()) is not None:  # this form's first submission moved the case on
            return landing
        abort(409, description=f"{case.reference} is {wf.label(case.state)} now: "
                               f"“{spec.label}” cannot be done from there.")
    prefill = {**initial_data(wf.definition, spec.form, case), "version": case.version}
    form = step_form_class(wf.definition, spec.form)(data=prefill)
    bind_partner_choices(form, wf.definition, spec.form)
    bind_people_choices(form, wf.definition, spec.form)
    dest = case.state if spec.dest == SAME_STATE else spec.dest
    done = f"{spec.label}: done. {case.reference} is now {wf.label(dest)}."
    try:
        outcome, problems, status = _submit(form, lambda claim: wf.fire(
            case_id, trigger, actor, form.step_data(),
            expected_version=form.expected_version(), comment=form.comment.data or None, claim=claim),
            lambda _: (f"This form was sent twice; the first was taken. {done}", url_for("cases.detail", case_id=case_id)))
    except AlreadySubmitted as repeat:
        return repeat.landing
    if outcome is not None:
        flash(done, "success")
        return redirect(url_for("cases.detail", case_id=case_id))  # the step's commit expired `case`
    return render_template("cases/fire.html", case=case, spec=spec, form=form, problems=problems), status


@bp.route("/cases/new", methods=["GET", "POST"])
@roles_required("officer")
def new():
    """Propose a partnership with an existing partner, or register a new partner in the same form."""
    wf = current_workflow()
    spec = wf.definition.creating_trigger
    form = step_form_class(wf.definition, spec.form)(data={"office": current_user.office or ""})
    bind_partner_choices(form, wf.definition, spec.form)
    try:
        outcome, problems, status = _submit(form, lambda claim: wf.propose(
            Actor.of(current_user), form.step_data(), comment=form.comment.data or None, claim=claim),
            lambda done: (f"This proposal was sent twice; the first was taken: CF-{done.case_id:06d} waits for vetting.",
                          url_for("cases.detail", case_id=done.case_id)))
    except AlreadySubmitted as repeat:
        return repeat.landing
    if outcome is not None:
        flash(f"Proposed: CF-{outcome.case_id:06d} waits for vetting.", "success")
        return redirect(url_for("cases.detail", case_id=outcome.case_id))
    return render_template("cases/new.html", spec=spec, form=form, problems=problems), status
