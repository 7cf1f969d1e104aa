"""Quality results: facility scorecards, league tables, training needs, improvement actions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import csvio, web
from ..auth.access import roles_required
from ..auth.roles import Role
from ..database import utcnow
from ..i18n import format_number, local_today, localised
from ..orgunits import services as orgunits
from ..orgunits.models import Facility
from ..paging import Page, page_number, page_size
from . import actions, results, services
from .forms import ActionForm, EnrolForm, ReviewForm
from .models import ImprovementAction
from .routes import VIEWERS, assessment_for_user, assessors, bp

viewers = roles_required(*VIEWERS)


def _scorecard_url(facility_id: int) -> str:
    return url_for("quality.facility_scorecard", facility_id=facility_id)


@bp.route("/facilities/<int:facility_id>")
@viewers
def facility_scorecard(facility_id: int):
    facility = web.get_or_404(Facility, facility_id)
    today = local_today()
    all_rounds = services.rounds()
    return render_template(
        "quality/scorecard.html",
        card=results.scorecard(facility, today),
        can_assess=services.may_assess(current_user, facility),
        review_form=ReviewForm(),
        rounds=all_rounds,
        current_round=services.current_round(all_rounds, utcnow()),
        today=today,
    )


def _filters():
    all_rounds = services.rounds()
    round_id = web.id_arg(request.args, "round")
    if round_id is None:
        round_id = results.default_round_id(all_rounds)
    province_id = web.id_arg(request.args, "province")
    district_id = web.id_arg(request.args, "district")
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
        page=Page.of_list(shown, page_number(request.args.get("page", type=int)), page_size(2)),
        districts_summary=results.district_summary(rows) if province_id and not district_id else [],
        coverage=results.coverage(local_today(), province_id, district_id),
        rounds=all_rounds,
        round_id=round_id,
        provinces=orgunits.provinces(),
        districts=results.districts_of(province_id),
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
    return csvio.csv_response(
        "quality-league.csv", results.LEAGUE_COLUMNS, results.league_cells(rows)
    )


# --- Training needs ----------------------------------------------------------------------------


@bp.route("/facilities/<int:facility_id>/training-needs")
@viewers
def training_needs(facility_id: int):
    facility = web.get_or_404(Facility, facility_id)
    needs = results.training_needs(facility, local_today())
    return render_template(
        "quality/needs.html",
        facility=facility,
        needs=needs,
        manageable=results.manageable_cohorts(current_user, needs),
        form=EnrolForm(),
    )


@bp.route("/facilities/<int:facility_id>/training-needs/enrol", methods=["POST"])
@roles_required(Role.ADMIN, Role.INSTRUCTOR)
def enrol_staff(facility_id: int):
    facility = web.get_or_404(Facility, facility_id)
    needs = results.training_needs(facility, local_today())
    # The cohort and the people must come from one need: its staff who lack that curriculum.
    offer = results.enrolment_offer(needs, web.id_arg(request.form, "cohort_id"))
    if offer is None:
        abort(400)
    cohort, offered = offer
    form = EnrolForm()
    form.cohort_id.choices = [(cohort.id, cohort.code)]
    form.user_ids.choices = [(uid, u.username) for uid, u in offered.items()]
    back = url_for("quality.training_needs", facility_id=facility_id)
    if not form.validate_on_submit():
        flash(_("Choose a cohort and at least one person."), "error")
        return redirect(back)
    people = [offered[uid] for uid in form.user_ids.data]
    return web.act(
        lambda: results.enrol_staff(current_user, cohort, people, utcnow()),
        back,
        success=lambda count: ngettext(
            "%(n)s person enrolled in %(cohort)s.",
            "%(n)s people enrolled in %(cohort)s.",
            count,
            n=format_number(count),
            cohort=cohort.code,
        ),
    )


# --- Improvement actions -----------------------------------------------------------------------


@bp.route("/assessments/<int:assessment_id>/actions", methods=["GET", "POST"])
@assessors
def add_action(assessment_id: int):
    assessment = assessment_for_user(assessment_id)
    form = ActionForm()
    if request.method == "GET":
        form.indicator_id.data = web.id_arg(request.args, "indicator")
    form.indicator_id.choices = [("", "—")] + [
        (r.indicator.id, f"{r.indicator.code} · {localised(r.indicator, 'text')}")
        for r in results.failing_results(assessment)
    ]
    form.responsible_id.choices = [("", "—")] + [
        (u.id, localised(u, "full_name")) for u in actions.staff_of(assessment.facility_id)
    ]
    if web.saved(
        form,
        lambda: actions.add_action(
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
        ),
        _("Action added."),
    ):
        return redirect(_scorecard_url(assessment.facility_id))
    return render_template("quality/action.html", a=assessment, form=form)


@bp.route("/actions/<int:action_id>", methods=["POST"])
@assessors
def review_action(action_id: int):
    action = web.get_or_404(ImprovementAction, action_id)
    all_rounds = services.rounds()
    form = ReviewForm()
    form.round_id.choices = [("", "—")] + [(r.id, r.period.label) for r in all_rounds]
    back = _scorecard_url(action.facility_id)
    if not form.validate_on_submit():
        flash(_("Choose a status."), "error")
        return redirect(back)
    round_ = next((r for r in all_rounds if r.id == form.round_id.data), None)
    return web.act(
        lambda: actions.review_action(
            current_user,
            action,
            actions.ActionStatus(form.status.data),
            form.review_note.data,
            round_,
            utcnow(),
        ),
        back,
        success=_("Action updated."),
    )
