"""Browsing competency frameworks; administrators publish, version and edit drafts."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..auth.access import login_required, roles_required
from ..auth.roles import Role
from ..database import utcnow
from ..errors import DomainError
from ..extensions import db
from ..forms import apply_error, choices
from ..i18n import localised
from ..navigation import Link, NavItem, Panel, register_nav, register_panel
from ..users import services as users
from . import editing, services
from .forms import CompetencyForm, FrameworkDetailsForm
from .models import Competency, Framework
from .spec import Status, Text

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


def get_framework(framework_id: int) -> Framework:
    return db.session.get(Framework, framework_id) or abort(404)


@bp.route("/frameworks")
@login_required
def list_frameworks():
    q = (request.args.get("q") or "").strip()[:100] or None
    status = (
        request.args.get("status")
        if request.args.get("status") in {s.value for s in Status}
        else None
    )
    return render_template(
        "frameworks/list.html",
        frameworks=services.latest_versions(q, status),
        q=q or "",
        status=status,
        statuses=list(Status),
    )


@bp.route("/frameworks/<int:framework_id>")
@login_required
def show_framework(framework_id: int):
    framework = get_framework(framework_id)
    competencies = services.competencies_of(framework.id)
    tree = services.build_tree(competencies)
    return render_template(
        "frameworks/show.html",
        framework=framework,
        tree=tree,
        versions=services.versions_of(framework.code),
        count=len(competencies),
    )


@bp.route("/frameworks/<int:framework_id>/download/<any(yaml, moodle, case):fmt>")
@login_required
def download_framework(framework_id: int, fmt: str):
    text, filename = services.export_text(
        get_framework(framework_id), fmt, current_app.config["LMS_BASE_URL"]
    )
    return Response(
        text,
        mimetype=FORMATS[fmt] + "; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@bp.route("/frameworks/<int:framework_id>/diff")
@login_required
def diff_frameworks(framework_id: int):
    framework = get_framework(framework_id)
    other = db.session.get(Framework, request.args.get("other", type=int) or 0)
    if other is None or other.code != framework.code:
        abort(404)
    old, new = sorted((framework, other), key=lambda f: f.version)
    changes = services.diff(services.read_framework(old), services.read_framework(new))
    return render_template("frameworks/diff.html", old=old, new=new, changes=changes)


def _act(framework_id: int, action, message):
    framework = get_framework(framework_id)
    try:
        result = action(current_user, framework, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("frameworks.show_framework", framework_id=framework_id))
    db.session.commit()
    flash(message, "success")
    target = result.id if isinstance(result, Framework) else framework_id
    return redirect(url_for("frameworks.show_framework", framework_id=target))


@bp.route("/frameworks/<int:framework_id>/publish", methods=["POST"])
@admin_only
def publish_framework(framework_id: int):
    return _act(framework_id, services.publish_framework, _("The framework was published."))


@bp.route("/frameworks/<int:framework_id>/retire", methods=["POST"])
@admin_only
def retire_framework(framework_id: int):
    return _act(framework_id, services.retire_framework, _("The framework was retired."))


@bp.route("/frameworks/<int:framework_id>/versions", methods=["POST"])
@admin_only
def new_framework_version(framework_id: int):
    return _act(
        framework_id,
        services.new_draft_version,
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
    framework = get_framework(framework_id)
    competency = None
    if competency_id is not None:
        competency = db.session.get(Competency, competency_id)
        if competency is None or competency.framework_id != framework.id:
            abort(404)
    form = CompetencyForm(obj=competency)
    if competency is None and request.method == "GET":
        form.parent_id.data = request.args.get("parent", type=int)
    form.parent_id.choices = choices(
        (
            (c.id, f"{'· ' * c.depth}{c.code} {localised(c, 'title')}")
            for c in services.competencies_of(framework.id)
        ),
        _("(top level)"),
    )
    if form.validate_on_submit():
        data = editing.NodeData(
            code=form.code.data,
            title_km=form.title_km.data,
            title_en=form.title_en.data,
            description_km=form.description_km.data or None,
            description_en=form.description_en.data or None,
            critical=form.critical.data,
            parent_id=form.parent_id.data,
        )
        try:
            editing.save_competency(current_user, framework, data, competency)
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The competency was saved."), "success")
            return redirect(url_for("frameworks.show_framework", framework_id=framework.id))
    return render_template(
        "frameworks/competency_form.html", form=form, framework=framework, competency=competency
    )


@bp.route("/frameworks/<int:framework_id>/competencies/<int:competency_id>/move", methods=["POST"])
@admin_only
def move_competency(framework_id: int, competency_id: int):
    return _node_action(
        framework_id,
        competency_id,
        lambda f, c: editing.move_competency(
            current_user, f, c, -1 if request.form.get("direction") == "up" else 1
        ),
        _("The competency was moved."),
    )


@bp.route(
    "/frameworks/<int:framework_id>/competencies/<int:competency_id>/delete", methods=["POST"]
)
@admin_only
def delete_competency(framework_id: int, competency_id: int):
    return _node_action(
        framework_id,
        competency_id,
        lambda f, c: editing.delete_competency(current_user, f, c),
        _("The competency and everything under it were deleted."),
    )


def _node_action(framework_id, competency_id, action, message):
    framework = get_framework(framework_id)
    competency = db.session.get(Competency, competency_id)
    if competency is None or competency.framework_id != framework.id:
        abort(404)
    try:
        action(framework, competency)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("frameworks.show_framework", framework_id=framework_id))


@bp.route("/frameworks/<int:framework_id>/edit", methods=["GET", "POST"])
@admin_only
def edit_framework(framework_id: int):
    framework = get_framework(framework_id)
    if framework.status != Status.DRAFT:
        flash(_("Only a draft can be changed. Make a new version to edit it."), "error")
        return redirect(url_for("frameworks.show_framework", framework_id=framework_id))
    data = None
    if request.method == "GET":
        data = {
            name: getattr(framework, name)
            for name in (
                "title_km",
                "title_en",
                "description_km",
                "description_en",
                "authority_km",
                "authority_en",
                "effective_date",
                "scale_title_km",
                "scale_title_en",
            )
        }
        data["cadres"] = [c.code for c in framework.cadres]
        data["proficient"] = framework.proficient_level
        data["levels"] = [
            {"value": lv.value, "title_km": lv.title_km, "title_en": lv.title_en}
            for lv in framework.levels
        ]
    form = FrameworkDetailsForm(data=data)
    form.cadres.choices = [
        SelectChoice(c.code, localised(c, "name")) for c in users.cadres(active_only=True)
    ]
    form.proficient.choices = [
        SelectChoice(lv.value, f"{lv.value} {localised(lv, 'title')}") for lv in framework.levels
    ]
    if form.validate_on_submit():

        def text(name):
            return Text(
                getattr(form, f"{name}_km").data or None, getattr(form, f"{name}_en").data or None
            )

        details = editing.DetailsData(
            title=text("title"),
            description=text("description"),
            authority=text("authority"),
            scale_title=text("scale_title"),
            proficient=form.proficient.data,
            level_titles={
                int(entry.value.data): Text(
                    entry.title_km.data or None, entry.title_en.data or None
                )
                for entry in form.levels
            },
            effective_date=form.effective_date.data,
            cadres=list(form.cadres.data or []),
        )
        try:
            editing.save_details(current_user, framework, details)
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The changes were saved."), "success")
            return redirect(url_for("frameworks.show_framework", framework_id=framework_id))
    return render_template("frameworks/edit.html", form=form, framework=framework)
