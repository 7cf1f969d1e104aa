"""Browsing competency frameworks; administrators publish, version and edit drafts."""

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import version_pages, versioning, web
from ..auth.access import login_required, roles_required
from ..auth.roles import Role
from ..database import utcnow
from ..forms import choices
from ..i18n import localised
from ..navigation import Link, NavItem, Panel, register_nav, register_panel
from ..users import services as users
from . import editing, services
from .forms import CompetencyForm, FrameworkDetailsForm
from .models import Competency, Framework

bp = Blueprint("frameworks", __name__)
admin_only = roles_required(Role.ADMIN)

register_nav(NavItem(_l("Competencies"), "frameworks.list_frameworks", frozenset(), order=20))
register_panel(
    Panel(
        _l("Competency standards"),
        frozenset(),
        lambda _user: [
            Link(
                _l("Competency frameworks"),
                "frameworks.list_frameworks",
                _l("What each cadre must be able to do"),
            ),
            Link(
                _l("Curricula"),
                "curricula.list_curricula",
                _l("Courses, their modules and how they are assessed"),
            ),
        ],
        order=30,
    )
)

FORMATS = {"yaml": "application/x-yaml", "moodle": "text/csv", "case": "application/json"}


def _show(framework_id: int) -> str:
    return url_for("frameworks.show_framework", framework_id=framework_id)


@bp.route("/frameworks")
@login_required
def list_frameworks():
    return version_pages.list_page("frameworks/list.html", services.latest_versions)


@bp.route("/frameworks/<int:framework_id>")
@login_required
def show_framework(framework_id: int):
    framework = web.get_or_404(Framework, framework_id)
    competencies = services.competencies_of(framework.id)
    return render_template(
        "frameworks/show.html",
        framework=framework,
        tree=services.build_tree(competencies),
        versions=services.versions_of(framework.code),
        count=len(competencies),
        actions=versioning.actions_for(current_user, framework),
    )


@bp.route("/frameworks/<int:framework_id>/download/<any(yaml, moodle, case):fmt>")
@login_required
def download_framework(framework_id: int, fmt: str):
    text, filename = services.export_text(
        web.get_or_404(Framework, framework_id), fmt, current_app.config["LMS_BASE_URL"]
    )
    return Response(
        text,
        mimetype=FORMATS[fmt] + "; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@bp.route("/frameworks/<int:framework_id>/diff")
@login_required
def diff_frameworks(framework_id: int):
    framework = web.get_or_404(Framework, framework_id)
    other = web.child_or_404(Framework, web.id_arg(request.args, "other") or 0, code=framework.code)
    old, new = sorted((framework, other), key=lambda f: f.version)
    changes = services.diff(services.read_framework(old), services.read_framework(new))
    return render_template("frameworks/diff.html", old=old, new=new, changes=changes)


@bp.route("/frameworks/<int:framework_id>/publish", methods=["POST"])
@admin_only
def publish_framework(framework_id: int):
    framework = web.get_or_404(Framework, framework_id)
    return version_pages.change_version(
        services.publish_framework, framework, _show, _("The framework was published.")
    )


@bp.route("/frameworks/<int:framework_id>/retire", methods=["POST"])
@admin_only
def retire_framework(framework_id: int):
    framework = web.get_or_404(Framework, framework_id)
    return version_pages.change_version(
        services.retire_framework, framework, _show, _("The framework was retired.")
    )


@bp.route("/frameworks/<int:framework_id>/versions", methods=["POST"])
@admin_only
def new_framework_version(framework_id: int):
    framework = web.get_or_404(Framework, framework_id)
    return version_pages.change_version(
        services.new_draft_version,
        framework,
        _show,
        _("A new draft version was made. Edit it, then publish it."),
    )


@bp.route(
    "/frameworks/<int:framework_id>/competencies/new",
    methods=["GET", "POST"],
    defaults={"competency_id": None},
)
@bp.route(
    "/frameworks/<int:framework_id>/competencies/<int:competency_id>/edit", methods=["GET", "POST"]
)
@admin_only
def edit_competency(framework_id: int, competency_id):
    framework = web.get_or_404(Framework, framework_id)
    competency = None
    if competency_id is not None:
        competency = web.child_or_404(Competency, competency_id, framework_id=framework.id)
    form = CompetencyForm(obj=competency)
    if competency is None and request.method == "GET":
        form.parent_id.data = web.id_arg(request.args, "parent")
    form.parent_id.choices = choices(
        (
            (c.id, f"{'· ' * c.depth}{c.code} {localised(c, 'title')}")
            for c in services.competencies_of(framework.id)
        ),
        _("(top level)"),
    )
    if web.saved(
        form,
        lambda: editing.save_competency(
            current_user, framework, form.node_data(), utcnow(), competency
        ),
        _("The competency was saved."),
    ):
        return redirect(_show(framework.id))
    return render_template(
        "frameworks/competency_form.html", form=form, framework=framework, competency=competency
    )


@bp.route("/frameworks/<int:framework_id>/competencies/<int:competency_id>/move", methods=["POST"])
@admin_only
def move_competency(framework_id: int, competency_id: int):
    framework = web.get_or_404(Framework, framework_id)
    competency = web.child_or_404(Competency, competency_id, framework_id=framework.id)
    step = -1 if request.form.get("direction") == "up" else 1
    return web.act(
        lambda: editing.move_competency(current_user, framework, competency, step, utcnow()),
        _show(framework_id),
        _("The competency was moved."),
    )


@bp.route(
    "/frameworks/<int:framework_id>/competencies/<int:competency_id>/delete", methods=["POST"]
)
@admin_only
def delete_competency(framework_id: int, competency_id: int):
    framework = web.get_or_404(Framework, framework_id)
    competency = web.child_or_404(Competency, competency_id, framework_id=framework.id)
    return web.act(
        lambda: editing.delete_competency(current_user, framework, competency, utcnow()),
        _show(framework_id),
        _("The competency and everything under it were deleted."),
    )


@bp.route("/frameworks/<int:framework_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_framework(framework_id: int):
    framework = web.get_or_404(Framework, framework_id)
    if not framework.is_draft:  # refused, with the rule's own message
        return web.act(lambda: versioning.require_draft(framework), _show(framework_id))
    form = FrameworkDetailsForm(
        data=FrameworkDetailsForm.data_of(framework) if request.method == "GET" else None
    )
    form.cadres.choices = [
        SelectChoice(c.code, localised(c, "name")) for c in users.cadres(active_only=True)
    ]
    form.proficient.choices = [
        SelectChoice(lv.value, f"{lv.value} {localised(lv, 'title')}") for lv in framework.levels
    ]
    if web.saved(
        form,
        lambda: editing.save_details(current_user, framework, form.details(), utcnow()),
        _("The changes were saved."),
    ):
        return redirect(_show(framework_id))
    return render_template("frameworks/edit.html", form=form, framework=framework)
