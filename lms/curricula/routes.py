"""Browsing curricula; administrators import files, publish, version and edit drafts."""

from functools import partial

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import version_pages, versioning, web
from ..auth.access import login_required, roles_required
from ..auth.roles import Role
from ..database import utcnow
from ..frameworks import services as frameworks
from . import importer, services
from .exports import curriculum_text
from .forms import ImportFilesForm
from .models import Curriculum

bp = Blueprint("curricula", __name__)
admin_only = roles_required(Role.ADMIN)
# Who may see question banks and answers: never trainees.
STAFF = (Role.ADMIN, Role.INSTRUCTOR, Role.OFFICER)


def get_curriculum(curriculum_id: int) -> Curriculum:
    """The curriculum the address names, with all its page shows, or a 404."""
    return web.found_or_404(services.load_curriculum(curriculum_id))


def _show(curriculum_id: int) -> str:
    return url_for("curricula.show_curriculum", curriculum_id=curriculum_id)


@bp.route("/curricula")
@login_required
def list_curricula():
    return version_pages.list_page("curricula/list.html", services.latest_versions)


@bp.route("/curricula/<int:curriculum_id>")
@login_required
def show_curriculum(curriculum_id: int):
    curriculum = get_curriculum(curriculum_id)
    spec = services.read_curriculum(curriculum)
    return render_template(
        "curricula/show.html",
        curriculum=curriculum,
        cover=services.coverage(spec, frameworks.read_framework(curriculum.framework)),
        versions=services.versions_of(curriculum.code),
        staff=current_user.has_role(*STAFF),
        actions=versioning.actions_for(current_user, curriculum),
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
        uploads = [(upload.filename, upload.read()) for upload in form.files.data]
        outcome = web.run(
            lambda: importer.import_uploads(
                current_user, uploads, utcnow(), form.allow_uncovered.data
            )
        )
        errors, done = outcome.rows, outcome.value
    return render_template(
        "curricula/import.html", form=form, errors=errors, done=done
    ), 422 if errors else 200


@bp.route("/curricula/<int:curriculum_id>/publish", methods=["POST"])
@admin_only
def publish_curriculum(curriculum_id: int):
    curriculum = get_curriculum(curriculum_id)
    publish = partial(
        services.publish_curriculum,
        confirm_uncovered=request.form.get("confirm_uncovered") == "1",
    )
    return version_pages.change_version(
        publish, curriculum, _show, _("The curriculum was published.")
    )


@bp.route("/curricula/<int:curriculum_id>/retire", methods=["POST"])
@admin_only
def retire_curriculum(curriculum_id: int):
    curriculum = get_curriculum(curriculum_id)
    return version_pages.change_version(
        services.retire_curriculum, curriculum, _show, _("The curriculum was retired.")
    )


@bp.route("/curricula/<int:curriculum_id>/versions", methods=["POST"])
@admin_only
def new_curriculum_version(curriculum_id: int):
    curriculum = get_curriculum(curriculum_id)
    return version_pages.change_version(
        services.new_draft_version,
        curriculum,
        _show,
        _("A new draft version was made. Edit it, then publish it."),
    )


from . import edit_routes  # noqa: E402, F401  (its views join this blueprint)
