"""Assessing a facility: starting, answering one domain per page, submitting, validating,
returning and correcting."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import web
from ..confirm import Confirmation, ask_first
from ..database import utcnow
from ..forms import Form
from ..i18n import format_number, local_today, localised
from ..orgunits import services as orgunits
from ..orgunits.forms import FacilityFinder
from ..receipts.guard import idempotent
from . import services
from .forms import ReasonForm, StartForm
from .routes import assessment_for_user, assessors, bp


def _assessment_url(assessment_id: int) -> str:
    return url_for("quality.show_assessment", assessment_id=assessment_id)


# --- Assessing ---------------------------------------------------------------------------------


@bp.route("/assessments/new", methods=["GET", "POST"])
@assessors
def new_assessment():
    form = StartForm()
    assessable = services.assessable_facilities(current_user)
    all_rounds = services.rounds()
    others = services.co_assessors(current_user)
    form.facility_id.offer(FacilityFinder(within=assessable))
    form.round_id.choices = [("", "—")] + [(r.id, localised(r, "title")) for r in all_rounds]
    form.assessor_ids.choices = [(u.id, localised(u, "full_name")) for u in others]
    if request.method == "GET":
        form.facility_id.data = web.id_arg(request.args, "facility")
        form.assessed_on.data = local_today()
        current = services.current_round(all_rounds, utcnow())
        if current is not None:
            form.round_id.data = current.id
    if form.validate_on_submit():
        facility = orgunits.facility_among(form.facility_id.data, assessable)
        round_ = next((r for r in all_rounds if r.id == form.round_id.data), None)
        if facility is None or round_ is None:
            abort(400)
        chosen = set(form.assessor_ids.data or [])
        outcome = web.run(
            lambda: services.start_assessment(
                current_user,
                facility,
                round_,
                form.assessed_on.data,
                [u for u in others if u.id in chosen],
                utcnow(),
            ),
            form=form,
            success=_("Assessment started. Answer one domain per page; each page is saved."),
        )
        if outcome:
            return redirect(
                url_for("quality.capture_domain", assessment_id=outcome.value.id, number=1)
            )
    return render_template("quality/new.html", form=form)


@bp.route("/assessments/<int:assessment_id>")
@assessors
def show_assessment(assessment_id: int):
    assessment = assessment_for_user(assessment_id)
    page = services.assessment_page(current_user, assessment)
    return render_template(
        "quality/assessment.html", a=assessment, reason_form=ReasonForm(), **vars(page)
    )


def _answers_from(form_data, domain) -> dict[int, services.AnswerInput]:
    given = {}
    for indicator in domain.indicators:
        if indicator.is_computed:
            continue
        key = str(indicator.id)
        given[indicator.id] = services.AnswerInput(
            choice=form_data.get(f"c{key}") or None,
            value=form_data.get(f"v{key}"),
            note=form_data.get(f"n{key}"),
        )
    return given


def _after_saving(assessment_id: int, number: int, count: int) -> str:
    """Where the button pressed on a domain's page goes once its answers are saved."""
    go = request.form.get("go") or ""
    chosen = go.removeprefix("to-")
    if go.startswith("to-") and chosen.isdecimal() and 1 <= int(chosen) <= count:
        return url_for("quality.capture_domain", assessment_id=assessment_id, number=int(chosen))
    if go == "next" and number < count:
        return url_for("quality.capture_domain", assessment_id=assessment_id, number=number + 1)
    if go == "prev" and number > 1:
        return url_for("quality.capture_domain", assessment_id=assessment_id, number=number - 1)
    if go == "done":
        return _assessment_url(assessment_id)
    return request.path


@bp.route("/assessments/<int:assessment_id>/domains/<int:number>", methods=["GET", "POST"])
@assessors
@idempotent
def capture_domain(assessment_id: int, number: int):
    assessment = assessment_for_user(assessment_id)
    tool = services.load_tool(assessment.tool_id)
    domains = services.applicable(tool, assessment.facility.type.value)
    if not 1 <= number <= len(domains):
        abort(404)
    domain = domains[number - 1]
    errors: dict[int, object] = {}
    form = Form()
    values = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        values = _answers_from(request.form, domain)
        outcome = web.run(
            lambda: services.save_answers(current_user, assessment, values, utcnow()),
            success=_("Saved."),
        )
        if outcome:
            return redirect(_after_saving(assessment.id, number, len(domains)))
        if not isinstance(outcome.error, services.AnswerErrors):
            return redirect(_assessment_url(assessment_id))
        # The refused answers stay on the page, each with what is wrong with it.
        errors = outcome.error.errors
        assessment = services.load_assessment(assessment_id)
    elif request.form:  # the GET after logging in again: the answers that were kept
        values = _answers_from(request.form, domain)
    return render_template(
        "quality/capture.html",
        a=assessment,
        domains=domains,
        domain=domain,
        number=number,
        answers={a.indicator_id: a for a in assessment.answers},
        values=values,
        errors=errors,
        form=form,
    )


@bp.route("/assessments/<int:assessment_id>/submit", methods=["POST"])
@assessors
def submit_assessment(assessment_id: int):
    assessment = assessment_for_user(assessment_id)
    if not Form().validate_on_submit():
        abort(400)
    return web.act(
        lambda: services.submit(current_user, assessment, utcnow()),
        _assessment_url(assessment_id),
        success=lambda result: _(
            "Submitted with an overall score of %(score)s%%. A second assessor validates it next.",
            score=format_number(result.overall),
        ),
    )


@bp.route("/assessments/<int:assessment_id>/validate", methods=["POST"])
@assessors
def validate_assessment(assessment_id: int):
    assessment = assessment_for_user(assessment_id)
    if not Form().validate_on_submit():
        abort(400)
    if not services.may_validate(current_user, assessment):
        abort(403)
    asked = ask_first(
        Confirmation(
            _(
                "Validate this assessment of %(facility)s?",
                facility=localised(assessment.facility, "name"),
            ),
            _(
                "A validated assessment never changes: its scores count in scorecards and "
                "league tables at once, and a mistake is put right only by a correction (a new "
                "version)."
            ),
            _("Validate"),
            _assessment_url(assessment_id),
            danger=False,
        )
    )
    if asked is not None:
        return asked
    return web.act(
        lambda: services.validate(current_user, assessment, utcnow()),
        _assessment_url(assessment_id),
        success=_("Assessment validated."),
    )


@bp.route("/assessments/<int:assessment_id>/return", methods=["POST"])
@assessors
def return_assessment(assessment_id: int):
    assessment = assessment_for_user(assessment_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Say what needs changing."), "error")
        return redirect(_assessment_url(assessment_id))
    return web.act(
        lambda: services.return_to_draft(current_user, assessment, form.reason.data, utcnow()),
        _assessment_url(assessment_id),
        success=_("Returned to the assessors as a draft."),
    )


@bp.route("/assessments/<int:assessment_id>/correct", methods=["POST"])
@assessors
def correct_assessment(assessment_id: int):
    assessment = assessment_for_user(assessment_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for the correction."), "error")
        return redirect(_assessment_url(assessment_id))
    return web.act(
        lambda: services.correct(current_user, assessment, form.reason.data, utcnow()),
        lambda copy: _assessment_url(copy.id if copy else assessment_id),
        success=_("A corrected version was started as a draft."),
    )
