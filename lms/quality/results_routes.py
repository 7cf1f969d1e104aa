"""Quality results: facility scorecards, league tables, training needs, improvement actions."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import csvio
from ..auth.access import roles_required
from ..auth.roles import Role
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..forms import apply_error
from ..i18n import format_number, local_today, localised
from ..orgunits.models import Facility, OperationalDistrict, Province
from ..paging import Page
from ..training import services as training
from ..users.models import User
from . import actions, results, services
from .forms import ActionForm, EnrolForm, ReviewForm
from .models import ImprovementAction
from .routes import VIEWERS, _done, _refused, assessors, bp

viewers = roles_required(*VIEWERS)


def _facility(facility_id: int) -> Facility:
    return db.session.get(Facility, facility_id) or abort(404)


@bp.route("/facilities/<int:facility_id>")
@viewers
def facility_scorecard(facility_id: int):
    facility = _facility(facility_id)
    today = local_today()
    card = results.scorecard(facility, today)
    return render_template(
        "quality/scorecard.html",
        card=card,
        can_assess=services.may_assess(current_user, facility),
        review_form=ReviewForm(),
        rounds=services.rounds(),
        today=today,
    )


def _filters():
    round_id = request.args.get("round", type=int)
    all_rounds = services.rounds()
    if round_id is None and all_rounds:
        assessed = db.session.scalar(
            sa.select(sa.func.max(services.QualityAssessment.round_id)).where(
                services.QualityAssessment.status == services.AssessmentStatus.VALIDATED
            )
        )
        round_id = assessed or all_rounds[-1].id
    province_id = request.args.get("province", type=int)
    district_id = request.args.get("district", type=int)
    threshold = request.args.get("below", type=float)
    if threshold is not None and not 0 <= threshold <= 100:
        abort(400)
    return all_rounds, round_id, province_id, district_id, threshold


@bp.route("/league")
@viewers
def league():
    all_rounds, round_id, province_id, district_id, threshold = _filters()
    rows = results.league(round_id, province_id, district_id, threshold) if round_id else []
    only_below = request.args.get("only") == "below"
    shown = [r for r in rows if r.below] if only_below else rows
    return render_template(
        "quality/league.html",
        page=Page.of_list(shown, request.args.get("page", 1, type=int), 100),
        districts_summary=results.district_summary(rows) if province_id and not district_id else [],
        coverage=results.coverage(local_today(), province_id, district_id),
        rounds=all_rounds,
        round_id=round_id,
        provinces=db.session.scalars(sa.select(Province).order_by(Province.code)).all(),
        districts=db.session.scalars(
            sa.select(OperationalDistrict)
            .where(OperationalDistrict.province_id == province_id)
            .order_by(OperationalDistrict.code)
        ).all()
        if province_id
        else [],
        province_id=province_id,
        district_id=district_id,
        threshold=threshold,
        only_below=only_below,
    )


@bp.route("/league.csv")
@viewers
def league_csv():
    _rounds, round_id, province_id, district_id, threshold = _filters()
    rows = results.league(round_id, province_id, district_id, threshold) if round_id else []
    header = [
        "rank",
        "facility_code",
        "facility_name_km",
        "facility_name_en",
        "type",
        "province",
        "district",
        "overall_score",
        "capped_by_critical",
        "below_threshold",
        "assessed_on",
        "tool",
    ]
    lines = []
    for row in rows:
        a = row.assessment
        lines.append(
            [
                row.rank or "",
                row.facility.code,
                row.facility.name_km,
                row.facility.name_en,
                row.facility.type.value,
                row.facility.province.code,
                row.facility.district.code if row.facility.district else "",
                a.overall_score if a else "",
                ("yes" if a.capped else "no") if a else "",
                "yes" if row.below else "no",
                a.assessed_on.isoformat() if a else "",
                f"{a.tool.code} v{a.tool.version}" if a else "",
            ]
        )
    return csvio.csv_response("quality-league.csv", header, lines)


# --- Training needs ----------------------------------------------------------------------------


def _manageable(needs):
    """The open cohorts the current user may enrol people into."""
    return {
        cohort.id
        for need in needs
        for cohort, _left in need.cohorts
        if training.manages(current_user, cohort)
    }


@bp.route("/facilities/<int:facility_id>/training-needs")
@viewers
def training_needs(facility_id: int):
    facility = _facility(facility_id)
    needs = results.training_needs(facility, local_today())
    return render_template(
        "quality/needs.html",
        facility=facility,
        needs=needs,
        manageable=_manageable(needs),
        form=EnrolForm(),
    )


@bp.route("/facilities/<int:facility_id>/training-needs/enrol", methods=["POST"])
@roles_required(Role.ADMIN, Role.INSTRUCTOR)
def enrol_staff(facility_id: int):
    facility = _facility(facility_id)
    needs = results.training_needs(facility, local_today())
    form = EnrolForm()
    cohort_id = request.form.get("cohort_id", type=int)
    # The cohort and the people must come from one need: its staff who lack that curriculum.
    need = next((n for n in needs if any(c.id == cohort_id for c, _left in n.cohorts)), None)
    if need is None:
        abort(400)
    cohort = next(c for c, _left in need.cohorts if c.id == cohort_id)
    form.cohort_id.choices = [(cohort.id, cohort.code)]
    offered = {u.id: u for u in need.staff if u.id in need.enrollable}
    form.user_ids.choices = [(uid, u.username) for uid, u in offered.items()]
    if not form.validate_on_submit():
        flash(_("Choose a cohort and at least one person."), "error")
        return redirect(url_for("quality.training_needs", facility_id=facility_id))
    if not training.manages(current_user, cohort):
        abort(403)
    people = [offered[uid] for uid in form.user_ids.data]
    now = utcnow()
    try:
        for person in people:
            training.enrol(current_user, cohort, person, now)
    except DomainError as error:
        db.session.rollback()
        flash(_("Nobody was enrolled: %(problem)s", problem=str(error.message)), "error")
        return redirect(url_for("quality.training_needs", facility_id=facility_id))
    return _done(
        ngettext(
            "%(n)s person enrolled in %(cohort)s.",
            "%(n)s people enrolled in %(cohort)s.",
            len(people),
            n=format_number(len(people)),
            cohort=cohort.code,
        ),
        "quality.training_needs",
        facility_id=facility_id,
    )


# --- Improvement actions -----------------------------------------------------------------------


@bp.route("/assessments/<int:assessment_id>/actions", methods=["GET", "POST"])
@assessors
def add_action(assessment_id: int):
    assessment = services.load_assessment(assessment_id) or abort(404)
    if not services.may_assess(current_user, assessment.facility):
        abort(403)
    failing = [r for r in results.indicator_results(assessment) if r.failing]
    form = ActionForm()
    if request.method == "GET":
        form.indicator_id.data = request.args.get("indicator", type=int)
    form.indicator_id.choices = [("", "—")] + [
        (r.indicator.id, f"{r.indicator.code} · {localised(r.indicator, 'text')}") for r in failing
    ]
    staff = db.session.scalars(
        sa.select(User)
        .where(User.facility_id == assessment.facility_id, User.active.is_(True))
        .order_by(User.family_name_en)
    ).all()
    form.responsible_id.choices = [("", "—")] + [(u.id, localised(u, "full_name")) for u in staff]
    if form.validate_on_submit():
        try:
            actions.add_action(
                current_user,
                assessment,
                actions.ActionData(
                    form.indicator_id.data,
                    form.title_km.data,
                    form.title_en.data,
                    form.due_on.data,
                    form.responsible_id.data,
                    form.responsible_name.data,
                ),
                utcnow(),
            )
            return _done(
                _("Action added."), "quality.facility_scorecard", facility_id=assessment.facility_id
            )
        except DomainError as error:
            db.session.rollback()

            apply_error(form, error)
    return render_template("quality/action.html", a=assessment, form=form)


@bp.route("/actions/<int:action_id>", methods=["POST"])
@assessors
def review_action(action_id: int):
    action = db.session.get(ImprovementAction, action_id) or abort(404)
    form = ReviewForm()
    form.round_id.choices = [("", "—")] + [(r.id, r.code) for r in services.rounds()]
    if not form.validate_on_submit():
        flash(_("Choose a status."), "error")
        return redirect(url_for("quality.facility_scorecard", facility_id=action.facility_id))
    round_ = next((r for r in services.rounds() if r.id == form.round_id.data), None)
    try:
        actions.review_action(
            current_user,
            action,
            actions.ActionStatus(form.status.data),
            form.review_note.data,
            round_,
            utcnow(),
        )
    except DomainError as error:
        return _refused(error, "quality.facility_scorecard", facility_id=action.facility_id)
    return _done(_("Action updated."), "quality.facility_scorecard", facility_id=action.facility_id)
