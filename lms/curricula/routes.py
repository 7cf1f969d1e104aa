"""Browsing curricula; administrators import files, publish, version and edit drafts."""

from pathlib import Path
from tempfile import TemporaryDirectory

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from ..auth.access import login_required, roles_required
from ..auth.roles import Role
from ..database import utcnow
from ..errors import DomainError, ImportRejected
from ..extensions import db
from ..frameworks import services as frameworks
from ..frameworks.spec import Status
from . import services
from .exports import curriculum_text
from .forms import ImportFilesForm
from .importer import import_paths
from .models import Curriculum

bp = Blueprint("curricula", __name__)
admin_only = roles_required(Role.ADMIN)
# Who may see question banks and answers: never trainees.
STAFF = (Role.ADMIN, Role.INSTRUCTOR, Role.OFFICER)


def get_curriculum(curriculum_id: int) -> Curriculum:
    return services.load_curriculum(curriculum_id) or abort(404)


@bp.route("/curricula")
@login_required
def list_curricula():
    q = (request.args.get("q") or "").strip()[:100] or None
    status = (
        request.args.get("status")
        if request.args.get("status") in {s.value for s in Status}
        else None
    )
    return render_template(
        "curricula/list.html",
        curricula=services.latest_versions(q, status),
        q=q or "",
        status=status,
        statuses=list(Status),
    )


@bp.route("/curricula/<int:curriculum_id>")
@login_required
def show_curriculum(curriculum_id: int):
    curriculum = get_curriculum(curriculum_id)
    spec = services.read_curriculum(curriculum)
    cover = services.coverage(spec, frameworks.read_framework(curriculum.framework))
    return render_template(
        "curricula/show.html",
        curriculum=curriculum,
        cover=cover,
        versions=services.versions_of(curriculum.code),
        staff=current_user.has_role(*STAFF),
    )


@bp.route("/curricula/<int:curriculum_id>/download/yaml")
@roles_required(*STAFF)
def download_curriculum(curriculum_id: int):
    text, filename = curriculum_text(get_curriculum(curriculum_id))
    return Response(
        text,
        mimetype="application/x-yaml; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@bp.route("/curricula/import", methods=["GET", "POST"])
@admin_only
def import_files():
    form = ImportFilesForm()
    errors, done = [], None
    if form.validate_on_submit():
        with TemporaryDirectory() as folder:
            paths = []
            for upload in form.files.data:
                name = secure_filename(upload.filename or "") or "upload.yaml"
                path = Path(folder) / name
                upload.save(path)
                paths.append(path)
            try:
                done = import_paths(current_user, paths, utcnow(), form.allow_uncovered.data)
            except ImportRejected as rejected:
                db.session.rollback()
                errors = list(rejected.errors)
                for e in errors:
                    e.source = Path(e.source).name if e.source else e.source
            else:
                db.session.commit()
                for item in done:
                    item.source = Path(item.source).name
    return render_template(
        "curricula/import.html", form=form, errors=errors, done=done
    ), 422 if errors else 200


def _act(curriculum_id: int, action, message, **kwargs):
    curriculum = get_curriculum(curriculum_id)
    try:
        result = action(current_user, curriculum, utcnow(), **kwargs)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("curricula.show_curriculum", curriculum_id=curriculum_id))
    db.session.commit()
    flash(message, "success")
    target = result.id if isinstance(result, Curriculum) else curriculum_id
    return redirect(url_for("curricula.show_curriculum", curriculum_id=target))


@bp.route("/curricula/<int:curriculum_id>/publish", methods=["POST"])
@admin_only
def publish_curriculum(curriculum_id: int):
    return _act(
        curriculum_id,
        services.publish_curriculum,
        _("The curriculum was published."),
        confirm_uncovered=request.form.get("confirm_uncovered") == "1",
    )


@bp.route("/curricula/<int:curriculum_id>/retire", methods=["POST"])
@admin_only
def retire_curriculum(curriculum_id: int):
    return _act(curriculum_id, services.retire_curriculum, _("The curriculum was retired."))


@bp.route("/curricula/<int:curriculum_id>/versions", methods=["POST"])
@admin_only
def new_curriculum_version(curriculum_id: int):
    return _act(
        curriculum_id,
        services.new_draft_version,
        _("A new draft version was made. Edit it, then publish it."),
    )
