"""Facility quality pages: the blueprint, the work list, tools, rounds and assessor assignments.

Assessing is in assessment_routes (imported below) and results in results_routes, both views of
this one blueprint."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import web
from ..auth.access import roles_required
from ..auth.roles import Role
from ..database import utcnow
from ..i18n import localised
from ..navigation import Link, NavItem, Panel, register_nav, register_panel
from ..orgunits import services as orgunits
from ..orgunits.forms import FacilityFinder
from . import services
from .forms import RoundForm, ScopeForm
from .models import QualityAssessment

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


def assessment_for_user(assessment_id: int) -> QualityAssessment:
    """The assessment in the URL: 404 when there is none, 403 when the user may not assess its
    facility."""
    assessment = web.found_or_404(services.load_assessment(assessment_id))
    if not services.may_assess(current_user, assessment.facility):
        abort(403)
    return assessment


@bp.route("/")
@roles_required(*VIEWERS)
def index():
    if not current_user.has_role(Role.QUALITY_ASSESSOR, Role.ADMIN):
        return redirect(url_for("quality.league"))
    work = services.work_of(current_user)
    return render_template(
        "quality/index.html",
        drafts=work.drafts,
        to_validate=work.to_validate,
        waiting=work.waiting,
        rounds=services.rounds(),
        scopes=services.scopes_of(current_user),
    )


# --- Tools and rounds --------------------------------------------------------------------------


@bp.route("/tools")
@roles_required(*VIEWERS)
def list_tools():
    return render_template("quality/tools.html", tools=services.tools())


@bp.route("/tools/<int:tool_id>")
@roles_required(*VIEWERS)
def show_tool(tool_id: int):
    tool = web.found_or_404(services.load_tool(tool_id))
    return render_template("quality/tool.html", tool=tool)


def _round_data(form: RoundForm) -> services.RoundData:
    return services.RoundData(
        form.code.data.strip(),
        form.title_km.data,
        form.title_en.data,
        form.starts_on.data,
        form.ends_on.data,
    )


@bp.route("/rounds", methods=["GET", "POST"])
@assessors
def list_rounds():
    form = RoundForm()
    if request.method == "POST":
        if not current_user.has_role(Role.ADMIN):
            abort(403)
        if web.saved(
            form,
            lambda: services.save_round(current_user, _round_data(form), utcnow()),
            lambda round_: _("Round %(code)s was saved.", code=round_.code),
        ):
            return redirect(url_for("quality.list_rounds"))
    return render_template("quality/rounds.html", rounds=services.rounds(), form=form)


@bp.route("/assessors")
@admins
def list_assessors():
    return render_template(
        "quality/assessors.html",
        people=services.quality_assessors(),
        scopes=services.scopes_by_user(),
    )


@bp.route("/assessors/<int:user_id>", methods=["GET", "POST"])
@admins
def edit_scopes(user_id: int):
    person = web.found_or_404(services.quality_assessor(user_id))
    current = services.scopes_of(person)
    form = ScopeForm(
        province_ids=[s.province_id for s in current if s.province_id],
        facility_ids=[s.facility_id for s in current if s.facility_id],
    )
    form.province_ids.choices = [(p.id, localised(p, "name")) for p in orgunits.provinces()]
    form.facility_ids.offer(FacilityFinder())
    if web.saved(
        form,
        lambda: services.set_scopes(
            current_user,
            person,
            form.province_ids.data or [],
            form.facility_ids.data or [],
            utcnow(),
        ),
        _("Assignments saved."),
    ):
        return redirect(url_for("quality.list_assessors"))
    return render_template("quality/scopes.html", person=person, form=form)


# The assessing views are one module of this blueprint, registered with it.
from . import assessment_routes, results_routes  # noqa: E402, F401
