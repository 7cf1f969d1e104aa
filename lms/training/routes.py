"""Cohorts: list, set up, show, enrol. Sessions, attendance and materials: teaching_routes."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import csvio, web
from ..auth.access import roles_required
from ..auth.roles import Role
from ..confirm import Confirmation, ask_first
from ..database import utcnow
from ..forms import CsvImportForm
from ..i18n import localised
from ..navigation import Link, NavItem, Panel, register_nav, register_panel
from ..orgunits.forms import FacilityFinder
from ..users import services as users
from . import materials, services
from .forms import CohortForm, EnrolForm, ReasonForm
from .models import Enrolment

bp = Blueprint("training", __name__)
TEACHING = frozenset({Role.ADMIN, Role.INSTRUCTOR, Role.OFFICER, Role.TRAINEE})
managers = roles_required(Role.ADMIN, Role.INSTRUCTOR)

register_nav(NavItem(_l("Cohorts"), "training.list_cohorts", TEACHING, order=30))
register_panel(
    Panel(
        _l("Training"),
        TEACHING,
        lambda user: [
            Link(
                _l("Cohorts"),
                "training.list_cohorts",
                _l("Training batches, their trainees, sessions and materials"),
            ),
        ],
        order=10,
    )
)


def cohort_or_404(cohort_id: int, manage: bool = False):
    """The cohort in the URL: 404 when there is none, 403 unless the user may view it (or,
    with `manage`, manage it)."""
    cohort = web.found_or_404(services.load_cohort(cohort_id))
    allowed = services.manages if manage else services.can_view
    if not allowed(current_user, cohort):
        abort(403)
    return cohort


def cohort_url(cohort_id: int, part: str = "") -> str:
    """The cohort's page, at one of its sections (`#trainees`, `#sessions`, `#modules`)."""
    return url_for("training.show_cohort", cohort_id=cohort_id) + part


@bp.route("/cohorts")
@roles_required(*TEACHING)
def list_cohorts():
    q = (request.args.get("q") or "").strip()[:100] or None
    return render_template(
        "training/list.html",
        cohorts=services.cohorts_for(current_user, q),
        open_cohorts=services.open_cohorts_for_trainee(current_user),
        q=q or "",
    )


@bp.route("/cohorts/new", methods=["GET", "POST"], defaults={"cohort_id": None})
@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_cohort(cohort_id):
    cohort = None if cohort_id is None else web.found_or_404(services.load_cohort(cohort_id))
    form = CohortForm(obj=cohort).offer(
        services.curricula_offered(cohort),
        FacilityFinder(keep=cohort.venue_id if cohort else None),
        services.instructors_offered(),
    )
    if cohort is not None and request.method == "GET":
        form.show(cohort)
    if form.validate_on_submit():
        saved = web.run(
            lambda: services.save_cohort(current_user, form.to_data(), cohort, now=utcnow()),
            form=form,
            success=_("The cohort was saved."),
        )
        if saved:
            return redirect(cohort_url(saved.value.id))
    return render_template("training/form.html", form=form, cohort=cohort)


@bp.route("/cohorts/<int:cohort_id>")
@roles_required(*TEACHING)
def show_cohort(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    page = services.cohort_page(current_user, cohort, utcnow())
    return render_template(
        "training/show.html",
        cohort=cohort,
        page=page,
        materials=materials.of_cohort(cohort) if page.reads_materials else {},
        enrol_form=EnrolForm(councils=users.councils()),
        reason_form=ReasonForm(),
    )


@bp.route("/cohorts/<int:cohort_id>/enrolments", methods=["POST"])
@managers
def enrol_trainee(cohort_id: int):
    cohort = cohort_or_404(cohort_id, manage=True)
    form = EnrolForm(councils=users.councils())
    if form.validate_on_submit():
        web.run(
            lambda: services.enrol_named(
                current_user, cohort, form.trainee.data, utcnow(), form.council.data
            ),
            success=lambda enrolment: _(
                "%(name)s was enrolled.", name=localised(enrolment.trainee, "full_name")
            ),
        )
    return redirect(cohort_url(cohort_id, "#trainees"))


@bp.route("/cohorts/<int:cohort_id>/enrolments/import", methods=["GET", "POST"])
@managers
def import_enrolments(cohort_id: int):
    cohort = cohort_or_404(cohort_id, manage=True)
    form = CsvImportForm()
    outcome = web.Outcome(False)
    if form.validate_on_submit():
        outcome = web.run(
            lambda: [
                e.id
                for e in services.import_enrolments(
                    current_user, cohort, form.file.data.read(), utcnow()
                )
            ],
            form=form,
        )
    enrolled = set(outcome.value or [])
    return render_template(
        "training/import.html",
        form=form,
        cohort=cohort,
        errors=outcome.rows,
        done=[e for e in services.roster(cohort) if e.id in enrolled] if enrolled else None,
    ), 422 if outcome.rows else 200


@bp.route(
    "/cohorts/<int:cohort_id>/enrolments/<int:enrolment_id>/"
    "<any(accept, refuse, withdraw, reinstate):action>",
    methods=["POST"],
)
@roles_required(*TEACHING)
def change_enrolment(cohort_id: int, enrolment_id: int, action: str):
    cohort = cohort_or_404(cohort_id)
    enrolment = web.child_or_404(Enrolment, enrolment_id, cohort_id=cohort.id)
    form = ReasonForm()
    form.validate()
    reason = form.reason.data or None
    if action in ("withdraw", "reinstate") and not services.may_withdraw(current_user, enrolment):
        abort(403)
    if action == "withdraw":
        asked = ask_first(_withdrawal(cohort, enrolment))
        if asked is not None:
            return asked
        change = partial(services.withdraw, current_user, enrolment, reason, utcnow())
        return web.act(
            change,
            cohort_url(cohort_id),
            success=_("The withdrawal was recorded. It can be undone today on this page."),
        )
    if action == "reinstate":
        change = partial(services.undo_withdrawal, current_user, enrolment, utcnow())
        return web.act(change, cohort_url(cohort_id), success=_("The withdrawal was undone."))
    else:
        accept = action == "accept"
        change = partial(services.decide_request, current_user, enrolment, accept, reason, utcnow())
    return web.act(change, cohort_url(cohort_id), success=_("The enrolment was updated."))


def _withdrawal(cohort, enrolment) -> Confirmation:
    own = enrolment.trainee_id == current_user.id
    name = localised(enrolment.trainee, "full_name")
    title = localised(cohort, "title")
    return Confirmation(
        _("Withdraw from %(cohort)s?", cohort=title)
        if own
        else _("Withdraw %(name)s from %(cohort)s?", name=name, cohort=title),
        _(
            "The place is given up: no more sessions, assessments or certificate in this "
            "cohort. The attendance and results so far are kept. It can be undone today only."
        ),
        _("Withdraw"),
        cohort_url(cohort.id),
    )


@bp.route("/cohorts/<int:cohort_id>/join", methods=["POST"])
@roles_required(Role.TRAINEE)
def join_cohort(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    return web.act(
        lambda: services.request_to_join(current_user, cohort, utcnow()),
        cohort_url(cohort_id),
        success=_("Your request was sent. An instructor will answer it."),
    )


@bp.route("/cohorts/<int:cohort_id>/enrolments/template.csv")
@managers
def enrolment_template(cohort_id: int):
    cohort_or_404(cohort_id, manage=True)
    return csvio.csv_response(
        "enrolments.csv", ["trainee", "council"], [["sok.dara", ""], ["MW-0001", "CMWC"]]
    )


from . import teaching_routes  # noqa: E402, F401 (adds the sessions, attendance and materials)
