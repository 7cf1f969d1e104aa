"""A cohort's teaching: scheduling sessions, taking attendance, sharing materials.

Views of the training blueprint, imported at the bottom of routes.py.
"""

from __future__ import annotations

from functools import partial

from flask import abort, current_app, redirect, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from .. import storage, uploads, web
from ..auth.access import roles_required
from ..confirm import Confirmation, ask_first
from ..database import utcnow
from ..forms import Form
from ..i18n import localised
from . import materials, services
from .forms import MaterialForm, SessionForm
from .models import AttendanceStatus, CohortSession, Material
from .routes import TEACHING, bp, cohort_or_404, cohort_url, managers

STATUSES = {status.value: status for status in AttendanceStatus}


@bp.route("/cohorts/<int:cohort_id>/sessions/new", methods=["GET", "POST"])
@managers
def new_session(cohort_id: int):
    cohort = cohort_or_404(cohort_id, manage=True)
    form = SessionForm().for_cohort(cohort)
    if web.saved(
        form,
        lambda: services.schedule_session(
            current_user,
            cohort,
            form.module_id.data,
            form.starts_at.data,
            form.minutes.data,
            form.place.data,
            now=utcnow(),
        ),
        _("The session was added."),
    ):
        return redirect(cohort_url(cohort_id, "#sessions"))
    return render_template("training/session_form.html", form=form, cohort=cohort)


def _marks(enrolled) -> dict[int, AttendanceStatus]:
    """The marks posted for the enrolled trainees (field `e<id>`); 400 for an unknown mark."""
    marks = {}
    for enrolment in enrolled:
        value = request.form.get(f"e{enrolment.id}")
        if value:
            if value not in STATUSES:
                abort(400)
            marks[enrolment.id] = STATUSES[value]
    return marks


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@managers
def take_attendance(cohort_id: int, session_id: int):
    cohort = cohort_or_404(cohort_id, manage=True)
    session = web.child_or_404(CohortSession, session_id, cohort_id=cohort.id)
    enrolled = [e for e in services.roster(cohort) if e.is_enrolled]
    if request.method == "POST":
        if not Form().validate_on_submit():
            abort(400)
        marks = _marks(enrolled)
        saved = web.run(
            lambda: services.mark_attendance(current_user, session, marks, utcnow()),
            success=_("Attendance was saved."),
        )
        if saved:
            return redirect(cohort_url(cohort_id, "#sessions"))
    return render_template(
        "training/attendance.html",
        cohort=cohort,
        session=session,
        enrolled=enrolled,
        marks=services.marks_to_offer(session, enrolled),
        statuses=list(AttendanceStatus),
    )


@bp.route("/cohorts/<int:cohort_id>/materials/new", methods=["GET", "POST"])
@managers
def new_material(cohort_id: int):
    cohort = cohort_or_404(cohort_id, manage=True)
    form = MaterialForm().for_cohort(cohort)
    if form.validate_on_submit():
        what = (current_user, cohort, form.module_id.data, form.title_km.data, form.title_en.data)
        if form.kind.data == "link":
            add = partial(materials.add_link, *what, form.url.data, utcnow())
        else:
            filename, data = form.chosen_file()
            add = partial(
                materials.add_file,
                *what,
                filename,
                data,
                storage.area("materials"),
                current_app.config["MAX_CONTENT_LENGTH"],
                utcnow(),
            )
        if web.run(add, form=form, success=_("The material was added.")):
            return redirect(cohort_url(cohort_id, "#modules"))
    return render_template("training/material_form.html", form=form, cohort=cohort)


@bp.route("/cohorts/<int:cohort_id>/materials/<int:material_id>")
@roles_required(*TEACHING)
def download_material(cohort_id: int, material_id: int):
    cohort = cohort_or_404(cohort_id)
    material = web.child_or_404(Material, material_id, cohort_id=cohort.id)
    if material.url:
        return redirect(material.url)
    opened = web.run(
        lambda: materials.for_download(current_user, material, storage.area("materials"))
    )
    response = send_file(opened.value, mimetype=material.mime_type, max_age=0)
    response.headers.update(uploads.download_headers(material.original_name, material.mime_type))
    return response


@bp.route("/cohorts/<int:cohort_id>/materials/<int:material_id>/delete", methods=["POST"])
@managers
def delete_material(cohort_id: int, material_id: int):
    cohort = cohort_or_404(cohort_id, manage=True)
    material = web.child_or_404(Material, material_id, cohort_id=cohort.id)
    asked = ask_first(
        Confirmation(
            _("Delete %(title)s?", title=localised(material, "title")),
            _("Trainees can no longer open it, and its file is removed. This cannot be undone."),
            _("Delete"),
            cohort_url(cohort_id, "#modules"),
        )
    )
    if asked is not None:
        return asked
    deleted = web.run(
        lambda: materials.delete(current_user, material, utcnow()),
        success=_("The material was deleted."),
    )
    if deleted and deleted.value:
        storage.area("materials").delete(deleted.value)  # only once the row is gone for good
    return redirect(cohort_url(cohort_id, "#modules"))
