"""Assessing trainees (instructors) and following one's own progress (trainees).

The blueprint's views are in three modules: this one (progress, the cohort's matrix and queue,
panel decisions), `record_routes` (assessment records) and `trainee_routes` (logbooks and
online tests), imported at the bottom so that they register on `bp`.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import web
from ..auth.access import roles_required
from ..auth.roles import Role
from ..curricula.models import Instrument
from ..database import utcnow
from ..frameworks.models import Competency
from ..i18n import local_date
from ..navigation import Link, Panel, register_panel
from ..training import services as training
from ..training.models import Cohort, Enrolment
from . import progress, rules
from . import services as assessments
from .forms import PanelForm, ReviewForm
from .models import AssessmentRecord, LogbookEntry, PanelDecision

bp = Blueprint("assessments", __name__)
STAFF = (Role.ADMIN, Role.INSTRUCTOR)
ANYONE = (Role.ADMIN, Role.INSTRUCTOR, Role.OFFICER, Role.TRAINEE)

register_panel(
    Panel(
        _l("My progress"),
        frozenset({Role.TRAINEE}),
        lambda user: [
            Link(
                _l("My progress"),
                "assessments.my_progress",
                _l("Competencies achieved, tests, logbook, attendance and CPD credits"),
            ),
        ],
        order=5,
    )
)


# --- Objects from the URL: 404 when there is none, 403 when it is not the user's to see -------


def viewable_enrolment(enrolment_id: int, manage: bool = False) -> Enrolment:
    """The enrolment, for its trainee, the cohort's managers and officers (`manage`: managers
    only)."""
    enrolment = web.get_or_404(Enrolment, enrolment_id)
    if manage and not training.manages(current_user, enrolment.cohort):
        abort(403)
    if not assessments.may_view(current_user, enrolment):
        abort(403)
    return enrolment


def own_enrolment(enrolment_id: int) -> Enrolment:
    """The enrolment, for its own trainee only."""
    enrolment = web.get_or_404(Enrolment, enrolment_id)
    if enrolment.trainee_id != current_user.id:
        abort(403)
    return enrolment


def viewable_record(record_id: int, manage: bool = False) -> AssessmentRecord:
    """The record, for whoever may see (`manage`: manage) its enrolment."""
    record = web.get_or_404(AssessmentRecord, record_id)
    viewable_enrolment(record.enrolment_id, manage)
    return record


def plan_instrument(enrolment: Enrolment, instrument_id: int) -> Instrument:
    """An instrument of the enrolment's assessment plan; any other is not found here."""
    return web.found_or_404(assessments.find_instrument(enrolment, instrument_id))


def managed_cohort(cohort_id: int, officers: bool = False) -> Cohort:
    """The cohort, for its managers (and officers, with `officers`)."""
    cohort = web.found_or_404(training.load_cohort(cohort_id))
    if not (
        training.manages(current_user, cohort) or (officers and current_user.has_role(Role.OFFICER))
    ):
        abort(403)
    return cohort


# --- Views ------------------------------------------------------------------------------------


@bp.route("/my/progress")
@roles_required(Role.TRAINEE)
def my_progress():
    now = utcnow()
    found = progress.progress_of(progress.enrolled(current_user), now)
    return render_template(
        "assessments/my_progress.html",
        items=list(found.values()),
        registrations=progress.registration(found),
        cpd=progress.cpd_status(current_user, local_date(now), now, found),
    )


@bp.route("/enrolments/<int:enrolment_id>")
@roles_required(*ANYONE)
def show_enrolment(enrolment_id: int):
    enrolment = viewable_enrolment(enrolment_id)
    return render_template(
        "assessments/enrolment.html",
        enrolment=enrolment,
        p=progress.enrolment_progress(enrolment, utcnow()),
        records=assessments.records_of(enrolment),
        entries=assessments.logbook_entries(enrolment),
        manage=training.manages(current_user, enrolment.cohort),
        own=enrolment.trainee_id == current_user.id,
    )


@bp.route("/cohorts/<int:cohort_id>/queue")
@roles_required(*STAFF)
def queue(cohort_id: int):
    cohort = managed_cohort(cohort_id)
    return render_template(
        "assessments/queue.html",
        cohort=cohort,
        records=assessments.records_to_verify(cohort),
        entries=assessments.entries_to_check(cohort),
        proposals=assessments.proposals_to_confirm(cohort),
    )


@bp.route("/logbook/<int:entry_id>/<any(verify, reject):action>", methods=["POST"])
@roles_required(*STAFF)
def review_entry(entry_id: int, action: str):
    entry = web.get_or_404(LogbookEntry, entry_id)
    enrolment = viewable_enrolment(entry.enrolment_id, manage=True)
    form = ReviewForm()
    form.validate()
    if request.form.get("back") == "queue":
        back = url_for("assessments.queue", cohort_id=enrolment.cohort_id)
    else:
        back = url_for("assessments.show_enrolment", enrolment_id=enrolment.id)
    return web.act(
        lambda: assessments.review_logbook_entry(
            current_user, entry, action == "verify", form.note.data, utcnow()
        ),
        back,
        _("The logbook entry was reviewed."),
    )


@bp.route("/cohorts/<int:cohort_id>/matrix")
@roles_required(Role.ADMIN, Role.INSTRUCTOR, Role.OFFICER)
def matrix(cohort_id: int):
    """The whole matrix, or (on a phone) one trainee's row (`trainee=<enrolment id>`) or one
    competency's column (`competency=<id>`)."""
    cohort = managed_cohort(cohort_id, officers=True)
    found = assessments.cohort_matrix(cohort)
    focus = assessments.matrix_focus(
        found, web.id_arg(request.args, "trainee"), web.id_arg(request.args, "competency")
    )
    return render_template(
        "assessments/matrix.html",
        cohort=cohort,
        enrolled=found.enrolled,
        table=found.table,
        achieved=found.achieved,
        by_sex=found.by_sex,
        focus=focus,
        states=rules.CompetencyState,
        labels={state: str(state.label) for state in rules.CompetencyState},
    )


@bp.route("/enrolments/<int:enrolment_id>/competencies/<int:competency_id>")
@roles_required(*ANYONE)
def competency_evidence(enrolment_id: int, competency_id: int):
    """One cell of the matrix: the records, tests, logbook cases and panel decisions behind
    one trainee's state on one competency."""
    enrolment = viewable_enrolment(enrolment_id)
    found = web.found_or_404(assessments.competency_evidence(enrolment, competency_id))
    cohort = enrolment.cohort
    return render_template(
        "assessments/evidence.html",
        enrolment=enrolment,
        found=found,
        manage=training.manages(current_user, cohort),
        matrix=training.manages(current_user, cohort) or current_user.has_role(Role.OFFICER),
    )


@bp.route(
    "/enrolments/<int:enrolment_id>/competencies/<int:competency_id>/panel", methods=["GET", "POST"]
)
@roles_required(*STAFF)
def panel_decision(enrolment_id: int, competency_id: int):
    enrolment = viewable_enrolment(enrolment_id, manage=True)
    competency = web.get_or_404(Competency, competency_id)
    form = PanelForm()
    if web.saved(
        form,
        lambda: assessments.propose_panel_decision(
            current_user,
            enrolment,
            competency.id,
            form.achieved.data == "1",
            form.reason.data,
            utcnow(),
        ),
        _("The decision was proposed. It counts once a second member of the panel confirms it."),
    ):
        return redirect(request.path)
    return render_template(
        "assessments/panel.html",
        form=form,
        enrolment=enrolment,
        competency=competency,
        decisions=assessments.panel_decisions(enrolment, competency),
        evidence=assessments.evidence_for(enrolment, competency),
    )


@bp.route("/panel-decisions/<int:decision_id>/confirm", methods=["POST"])
@roles_required(*STAFF)
def confirm_panel_decision(decision_id: int):
    decision = web.get_or_404(PanelDecision, decision_id)
    enrolment = viewable_enrolment(decision.enrolment_id, manage=True)
    if request.form.get("back") == "queue":
        back = url_for("assessments.queue", cohort_id=enrolment.cohort_id)
    else:
        back = url_for(
            "assessments.panel_decision",
            enrolment_id=enrolment.id,
            competency_id=decision.competency_id,
        )
    return web.act(
        lambda: assessments.confirm_panel_decision(current_user, decision, utcnow()),
        back,
        _("The panel decision was confirmed: it now counts."),
    )


from . import record_routes, trainee_routes  # noqa: E402, F401 (they add their views to bp)
