"""Quality assessment capture: rounds, assessor assignments, tools, assessing and validating."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..auth.access import roles_required
from ..auth.roles import Role
from ..database import utcnow
from ..errors import DomainError, Forbidden
from ..extensions import db
from ..forms import Form, apply_error
from ..i18n import format_number, local_today, localised
from ..navigation import Link, NavItem, Panel, register_nav, register_panel
from ..orgunits.models import Facility, Province
from ..users.models import User, UserRole
from . import services
from .forms import ReasonForm, RoundForm, ScopeForm, StartForm
from .models import AssessmentStatus, AssessorScope, QualityAssessment, QualityTool
from .results import actions_due, indicator_results

bp = Blueprint("quality", __name__, url_prefix="/quality")
assessors = roles_required(Role.QUALITY_ASSESSOR, Role.ADMIN)
admins = roles_required(Role.ADMIN)
VIEWERS = frozenset({Role.QUALITY_ASSESSOR, Role.ADMIN, Role.OFFICER, Role.INSTRUCTOR})

register_nav(NavItem(_l("Quality"), "quality.index", VIEWERS, order=50))
register_panel(
    Panel(
        _l("Facility quality"),
        VIEWERS,
        lambda user: (
            (
                [Link(_l("Assessments"), "quality.index", _l("Assess facilities and validate"))]
                if user.has_role(Role.QUALITY_ASSESSOR, Role.ADMIN)
                else []
            )
            + [Link(_l("League table"), "quality.league", _l("Facilities ranked by quality score"))]
        ),
        order=20,
    )
)


def _assessment(assessment_id: int) -> QualityAssessment:
    assessment = services.load_assessment(assessment_id) or abort(404)
    if not services.may_assess(current_user, assessment.facility):
        abort(403)
    return assessment


def _done(message, endpoint: str, **values):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


def _refused(error: DomainError, endpoint: str, **values):
    db.session.rollback()
    if isinstance(error, Forbidden):
        abort(403)
    flash(str(error.message), "error")
    return redirect(url_for(endpoint, **values))


@bp.route("/")
@roles_required(*VIEWERS)
def index():
    if not current_user.has_role(Role.QUALITY_ASSESSOR, Role.ADMIN):
        return redirect(url_for("quality.league"))
    work = services.assessments_for(current_user)
    # The work is within the user's facilities: the team decides who validates.
    waiting, to_validate = [], []
    for a in work:
        if a.status == AssessmentStatus.SUBMITTED:
            (waiting if services.on_team(current_user, a) else to_validate).append(a)
    return render_template(
        "quality/index.html",
        drafts=[a for a in work if a.status == AssessmentStatus.DRAFT],
        to_validate=to_validate,
        waiting=waiting,
        rounds=services.rounds(),
        scopes=services.scopes_of(current_user),
    )


# --- Tools and rounds --------------------------------------------------------------------------


@bp.route("/tools")
@roles_required(*VIEWERS)
def list_tools():
    tools = db.session.scalars(
        sa.select(QualityTool).order_by(QualityTool.code, QualityTool.version.desc())
    )
    return render_template("quality/tools.html", tools=list(tools))


@bp.route("/tools/<int:tool_id>")
@roles_required(*VIEWERS)
def show_tool(tool_id: int):
    tool = services.load_tool(tool_id) or abort(404)
    return render_template("quality/tool.html", tool=tool)


@bp.route("/rounds", methods=["GET", "POST"])
@assessors
def list_rounds():
    form = RoundForm()
    if request.method == "POST":
        if not current_user.has_role(Role.ADMIN):
            abort(403)
        if form.validate_on_submit():
            try:
                round_ = services.save_round(
                    current_user,
                    services.RoundData(
                        form.code.data.strip(),
                        form.title_km.data,
                        form.title_en.data,
                        form.starts_on.data,
                        form.ends_on.data,
                    ),
                    utcnow(),
                )
                return _done(
                    _("Round %(code)s was saved.", code=round_.code), "quality.list_rounds"
                )
            except DomainError as error:
                db.session.rollback()
                apply_error(form, error)
    return render_template("quality/rounds.html", rounds=services.rounds(), form=form)


@bp.route("/assessors")
@admins
def list_assessors():
    people = db.session.scalars(
        sa.select(User)
        .join(UserRole)
        .where(UserRole.role == Role.QUALITY_ASSESSOR)
        .order_by(User.family_name_en)
    ).all()

    scopes: dict[int, list] = {}
    for scope in db.session.scalars(
        sa.select(AssessorScope).options(
            joinedload(AssessorScope.province), joinedload(AssessorScope.facility)
        )
    ):
        scopes.setdefault(scope.user_id, []).append(scope)
    return render_template("quality/assessors.html", people=people, scopes=scopes)


@bp.route("/assessors/<int:user_id>", methods=["GET", "POST"])
@admins
def edit_scopes(user_id: int):
    person = db.session.get(User, user_id) or abort(404)
    if not person.has_role(Role.QUALITY_ASSESSOR):
        abort(404)
    current = services.scopes_of(person)
    form = ScopeForm(
        province_ids=[s.province_id for s in current if s.province_id],
        facility_ids=[s.facility_id for s in current if s.facility_id],
    )

    form.province_ids.choices = [
        (p.id, localised(p, "name"))
        for p in db.session.scalars(sa.select(Province).order_by(Province.code))
    ]
    form.facility_ids.choices = [
        (f.id, f"{f.code} · {localised(f, 'name')}")
        for f in db.session.scalars(
            sa.select(Facility).where(Facility.active.is_(True)).order_by(Facility.code)
        )
    ]
    if form.validate_on_submit():
        try:
            services.set_scopes(
                current_user,
                person,
                form.province_ids.data or [],
                form.facility_ids.data or [],
                utcnow(),
            )
            return _done(_("Assignments saved."), "quality.list_assessors")
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
    return render_template("quality/scopes.html", person=person, form=form)


# --- Assessing ---------------------------------------------------------------------------------


@bp.route("/assessments/new", methods=["GET", "POST"])
@assessors
def new_assessment():

    form = StartForm()
    if request.method == "GET":
        form.facility_id.data = request.args.get("facility", type=int)
        form.assessed_on.data = local_today()
    facilities = db.session.scalars(
        services.assessable_facilities(current_user).order_by(Facility.code)
    ).all()
    form.facility_id.choices = [("", "—")] + [
        (f.id, f"{f.code} · {localised(f, 'name')}") for f in facilities
    ]
    all_rounds = services.rounds()
    form.round_id.choices = [("", "—")] + [(r.id, localised(r, "title")) for r in all_rounds]
    if request.method == "GET" and all_rounds:
        today = local_today()
        current = [r for r in all_rounds if r.starts_on <= today <= r.ends_on]
        form.round_id.data = (current or all_rounds)[-1].id
    others = db.session.scalars(
        sa.select(User)
        .join(UserRole)
        .where(
            UserRole.role == Role.QUALITY_ASSESSOR,
            User.active.is_(True),
            User.id != current_user.id,
        )
        .order_by(User.family_name_en)
    ).all()
    form.assessor_ids.choices = [(u.id, localised(u, "full_name")) for u in others]
    if form.validate_on_submit():
        facility = next((f for f in facilities if f.id == form.facility_id.data), None)
        round_ = next((r for r in all_rounds if r.id == form.round_id.data), None)
        if facility is None or round_ is None:
            abort(400)
        try:
            assessment = services.start_assessment(
                current_user,
                facility,
                round_,
                form.assessed_on.data,
                [u for u in others if u.id in set(form.assessor_ids.data or [])],
                utcnow(),
            )
            return _done(
                _("Assessment started. Answer one domain per page; each page is saved."),
                "quality.capture_domain",
                assessment_id=assessment.id,
                number=1,
            )
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
    return render_template("quality/new.html", form=form)


@bp.route("/assessments/<int:assessment_id>")
@assessors
def show_assessment(assessment_id: int):
    assessment = _assessment(assessment_id)
    tool = services.load_tool(assessment.tool_id)
    domains = services.applicable(tool, assessment.facility.type.value)
    answers = {a.indicator_id: a for a in assessment.answers}
    score = services.score_of(assessment, tool)
    team = {u.id for u in assessment.assessors}

    return render_template(
        "quality/assessment.html",
        a=assessment,
        tool=tool,
        domains=domains,
        answers=answers,
        score=score,
        missing=services.missing_answers(assessment, tool) if assessment.editable else [],
        reason_form=ReasonForm(),
        to_review=[
            a for a in actions_due(assessment.facility_id) if a.assessment_id != assessment.id
        ],
        failing=[r for r in indicator_results(assessment) if r.failing]
        if assessment.status != AssessmentStatus.DRAFT
        else [],
        team=current_user.has_role(Role.ADMIN) or current_user.id in team,
        can_validate=assessment.status == AssessmentStatus.SUBMITTED
        and services.may_validate(current_user, assessment),
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


@bp.route("/assessments/<int:assessment_id>/domains/<int:number>", methods=["GET", "POST"])
@assessors
def capture_domain(assessment_id: int, number: int):
    assessment = _assessment(assessment_id)
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
        given = _answers_from(request.form, domain)
        values = given
        try:
            services.save_answers(current_user, assessment, given, utcnow())
            db.session.commit()
            flash(_("Saved."), "success")
            if request.form.get("go") == "next" and number < len(domains):
                return redirect(
                    url_for(
                        "quality.capture_domain", assessment_id=assessment.id, number=number + 1
                    )
                )
            if request.form.get("go") == "prev" and number > 1:
                return redirect(
                    url_for(
                        "quality.capture_domain", assessment_id=assessment.id, number=number - 1
                    )
                )
            if request.form.get("go") == "done":
                return redirect(url_for("quality.show_assessment", assessment_id=assessment.id))
            return redirect(request.path)
        except services.AnswerErrors as refused:
            db.session.rollback()
            errors = refused.errors
            assessment = services.load_assessment(assessment_id)
        except DomainError as error:
            return _refused(error, "quality.show_assessment", assessment_id=assessment_id)
    answers = {a.indicator_id: a for a in assessment.answers}
    return render_template(
        "quality/capture.html",
        a=assessment,
        domains=domains,
        domain=domain,
        number=number,
        answers=answers,
        values=values,
        errors=errors,
        form=form,
    )


@bp.route("/assessments/<int:assessment_id>/submit", methods=["POST"])
@assessors
def submit_assessment(assessment_id: int):
    assessment = _assessment(assessment_id)
    if not Form().validate_on_submit():
        abort(400)
    try:
        result = services.submit(current_user, assessment, utcnow())
    except DomainError as error:
        return _refused(error, "quality.show_assessment", assessment_id=assessment_id)

    return _done(
        _(
            "Submitted with an overall score of %(score)s%%. A second assessor validates it next.",
            score=format_number(result.overall),
        ),
        "quality.show_assessment",
        assessment_id=assessment_id,
    )


@bp.route("/assessments/<int:assessment_id>/validate", methods=["POST"])
@assessors
def validate_assessment(assessment_id: int):
    assessment = _assessment(assessment_id)
    if not Form().validate_on_submit():
        abort(400)
    try:
        services.validate(current_user, assessment, utcnow())
    except DomainError as error:
        return _refused(error, "quality.show_assessment", assessment_id=assessment_id)
    return _done(_("Assessment validated."), "quality.show_assessment", assessment_id=assessment_id)


@bp.route("/assessments/<int:assessment_id>/return", methods=["POST"])
@assessors
def return_assessment(assessment_id: int):
    assessment = _assessment(assessment_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Say what needs changing."), "error")
        return redirect(url_for("quality.show_assessment", assessment_id=assessment_id))
    try:
        services.return_to_draft(current_user, assessment, form.reason.data, utcnow())
    except DomainError as error:
        return _refused(error, "quality.show_assessment", assessment_id=assessment_id)
    return _done(
        _("Returned to the assessors as a draft."),
        "quality.show_assessment",
        assessment_id=assessment_id,
    )


@bp.route("/assessments/<int:assessment_id>/correct", methods=["POST"])
@assessors
def correct_assessment(assessment_id: int):
    assessment = _assessment(assessment_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for the correction."), "error")
        return redirect(url_for("quality.show_assessment", assessment_id=assessment_id))
    try:
        copy = services.correct(current_user, assessment, form.reason.data, utcnow())
    except DomainError as error:
        return _refused(error, "quality.show_assessment", assessment_id=assessment_id)
    return _done(
        _("A corrected version was started as a draft."),
        "quality.show_assessment",
        assessment_id=copy.id,
    )
