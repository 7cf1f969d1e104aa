"""Cohorts: list, set up, enrol, schedule, take attendance, share materials."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import csvio, storage, uploads
from ..auth.access import roles_required
from ..auth.roles import Role
from ..curricula.models import Curriculum
from ..database import utcnow
from ..errors import DomainError, Forbidden, ImportRejected
from ..extensions import db
from ..forms import CsvImportForm, Form, apply_error, choices
from ..frameworks.spec import Status
from ..i18n import localised
from ..navigation import Link, NavItem, Panel, register_nav, register_panel
from ..orgunits import services as orgunits
from ..users.models import User, UserRole
from . import materials, services
from .forms import CohortForm, EnrolForm, MaterialForm, ReasonForm, SessionForm
from .models import (
    AttendanceStatus,
    CohortSession,
    CohortStatus,
    Enrolment,
    EnrolmentStatus,
    Material,
)

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


def _cohort(cohort_id: int, manage: bool = False):
    cohort = services.load_cohort(cohort_id) or abort(404)
    if manage and not services.manages(current_user, cohort):
        abort(403)
    if not services.can_view(current_user, cohort):
        abort(403)
    return cohort


def _enrolment(cohort, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.cohort_id != cohort.id:
        abort(404)
    return enrolment


@bp.route("/cohorts")
@roles_required(*TEACHING)
def list_cohorts():
    q = (request.args.get("q") or "").strip()[:100] or None
    mine = services.cohorts_for(current_user, q)
    open_ = (
        services.open_cohorts_for_trainee(current_user)
        if current_user.has_role(Role.TRAINEE)
        else []
    )
    return render_template("training/list.html", cohorts=mine, open_cohorts=open_, q=q or "")


def _cohort_form(cohort=None) -> CohortForm:
    form = CohortForm(obj=cohort)
    curricula = db.session.scalars(
        db.select(Curriculum)
        .where(
            (Curriculum.status == Status.PUBLISHED)
            | (Curriculum.id == (cohort.curriculum_id if cohort else 0))
        )
        .order_by(Curriculum.code)
    ).all()
    form.curriculum_id.choices = [
        SelectChoice(c.id, f"{c.code} v{c.version} {localised(c, 'title')}") for c in curricula
    ]
    form.venue_id.choices = choices(
        ((f.id, f"{localised(f, 'name')} ({f.code})") for f in orgunits.active_facilities()), "—"
    )
    instructors = db.session.scalars(
        db.select(User)
        .join(UserRole)
        .where(UserRole.role == Role.INSTRUCTOR, User.active.is_(True))
        .order_by(User.family_name_en)
    ).all()
    form.instructor_ids.choices = [
        SelectChoice(u.id, localised(u, "full_name")) for u in instructors
    ]
    if cohort is not None and request.method == "GET":
        form.instructor_ids.data = [u.id for u in cohort.instructors]
        form.status.data = cohort.status.value
    return form


@bp.route("/cohorts/new", methods=["GET", "POST"], defaults={"cohort_id": None})
@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_cohort(cohort_id):
    cohort = services.load_cohort(cohort_id) or abort(404) if cohort_id else None
    form = _cohort_form(cohort)
    if form.validate_on_submit():
        data = services.CohortData(
            code=form.code.data,
            title_km=form.title_km.data,
            title_en=form.title_en.data,
            curriculum_id=form.curriculum_id.data,
            start_date=form.start_date.data,
            end_date=form.end_date.data,
            capacity=form.capacity.data,
            status=CohortStatus(form.status.data),
            venue_id=form.venue_id.data,
            instructor_ids=list(form.instructor_ids.data or []),
        )
        try:
            saved = services.save_cohort(current_user, data, cohort)
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The cohort was saved."), "success")
            return redirect(url_for("training.show_cohort", cohort_id=saved.id))
    return render_template("training/form.html", form=form, cohort=cohort)


@bp.route("/cohorts/<int:cohort_id>")
@roles_required(*TEACHING)
def show_cohort(cohort_id: int):
    cohort = _cohort(cohort_id)
    manage = services.manages(current_user, cohort)
    own = services.enrolment_of(current_user, cohort)
    people = services.roster(cohort) if (manage or current_user.has_role(Role.OFFICER)) else []
    enrolled = [e for e in people if e.status == EnrolmentStatus.ENROLLED]
    now = utcnow()
    summary = services.attendance_summary(cohort, now)
    visible_materials = (
        manage
        or current_user.has_role(Role.OFFICER)
        or (own is not None and own.status == EnrolmentStatus.ENROLLED)
    )
    return render_template(
        "training/show.html",
        cohort=cohort,
        manage=manage,
        own=own,
        people=people,
        enrolled=enrolled,
        requests=[e for e in people if e.status == EnrolmentStatus.REQUESTED],
        by_sex=services.count_by_sex(enrolled),
        summary=summary,
        sessions=services.sessions_of(cohort),
        now=now,
        materials=materials.of_cohort(cohort) if visible_materials else {},
        enrol_form=EnrolForm(),
        reason_form=ReasonForm(),
    )


@bp.route("/cohorts/<int:cohort_id>/enrolments", methods=["POST"])
@managers
def enrol_trainee(cohort_id: int):
    cohort = _cohort(cohort_id, manage=True)
    form = EnrolForm()
    if form.validate_on_submit():
        trainee = services.find_trainee(form.trainee.data)
        try:
            if trainee is None:
                raise DomainError(_l("No account has this login name, email or licence number."))
            services.enrol(current_user, cohort, trainee, utcnow())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("%(name)s was enrolled.", name=localised(trainee, "full_name")), "success")
    return redirect(url_for("training.show_cohort", cohort_id=cohort_id) + "#trainees")


@bp.route("/cohorts/<int:cohort_id>/enrolments/import", methods=["GET", "POST"])
@managers
def import_enrolments(cohort_id: int):
    cohort = _cohort(cohort_id, manage=True)
    form = CsvImportForm()
    errors, done = [], None
    if form.validate_on_submit():
        try:
            done = services.import_enrolments(current_user, cohort, form.file.data.read(), utcnow())
        except ImportRejected as rejected:
            db.session.rollback()
            errors = rejected.errors
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
    return render_template(
        "training/import.html", form=form, cohort=cohort, errors=errors, done=done
    ), 422 if errors else 200


@bp.route(
    "/cohorts/<int:cohort_id>/enrolments/<int:enrolment_id>/<any(accept, refuse, withdraw):action>",
    methods=["POST"],
)
@roles_required(*TEACHING)
def change_enrolment(cohort_id: int, enrolment_id: int, action: str):
    cohort = _cohort(cohort_id)
    enrolment = _enrolment(cohort, enrolment_id)
    form = ReasonForm()
    form.validate()
    reason = form.reason.data or None
    try:
        if action == "withdraw":
            services.withdraw(current_user, enrolment, reason, utcnow())
        else:
            services.decide_request(current_user, enrolment, action == "accept", reason, utcnow())
    except Forbidden:
        db.session.rollback()
        abort(403)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("The enrolment was updated."), "success")
    return redirect(url_for("training.show_cohort", cohort_id=cohort_id))


@bp.route("/cohorts/<int:cohort_id>/join", methods=["POST"])
@roles_required(Role.TRAINEE)
def join_cohort(cohort_id: int):
    cohort = _cohort(cohort_id)
    try:
        services.request_to_join(current_user, cohort, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("Your request was sent. An instructor will answer it."), "success")
    return redirect(url_for("training.show_cohort", cohort_id=cohort_id))


@bp.route("/cohorts/<int:cohort_id>/sessions/new", methods=["GET", "POST"])
@managers
def new_session(cohort_id: int):
    cohort = _cohort(cohort_id, manage=True)
    form = SessionForm()
    form.module_id.choices = [
        SelectChoice(m.id, f"{m.code} {localised(m, 'title')}") for m in cohort.curriculum.modules
    ]
    if form.validate_on_submit():
        try:
            services.schedule_session(
                current_user,
                cohort,
                form.module_id.data,
                form.starts_at.data,
                form.minutes.data,
                form.place.data,
            )
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The session was added."), "success")
            return redirect(url_for("training.show_cohort", cohort_id=cohort_id) + "#sessions")
    return render_template("training/session_form.html", form=form, cohort=cohort)


@bp.route("/cohorts/<int:cohort_id>/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@managers
def take_attendance(cohort_id: int, session_id: int):
    cohort = _cohort(cohort_id, manage=True)
    session = db.session.get(CohortSession, session_id)
    if session is None or session.cohort_id != cohort.id:
        abort(404)
    enrolled = [e for e in services.roster(cohort) if e.status == EnrolmentStatus.ENROLLED]
    if request.method == "POST":
        if not Form().validate_on_submit():
            abort(400)
        marks, bad = {}, False
        for enrolment in enrolled:
            value = request.form.get(f"e{enrolment.id}")
            if value:
                try:
                    marks[enrolment.id] = AttendanceStatus(value)
                except ValueError:
                    bad = True
        if bad:
            abort(400)
        try:
            services.mark_attendance(current_user, session, marks, utcnow())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Attendance was saved."), "success")
            return redirect(url_for("training.show_cohort", cohort_id=cohort_id) + "#sessions")
    return render_template(
        "training/attendance.html",
        cohort=cohort,
        session=session,
        enrolled=enrolled,
        marks=services.attendance_of(session),
        statuses=list(AttendanceStatus),
    )


@bp.route("/cohorts/<int:cohort_id>/materials/new", methods=["GET", "POST"])
@managers
def new_material(cohort_id: int):
    cohort = _cohort(cohort_id, manage=True)
    form = MaterialForm()
    form.module_id.choices = [
        SelectChoice(m.id, f"{m.code} {localised(m, 'title')}") for m in cohort.curriculum.modules
    ]
    if form.validate_on_submit():
        try:
            if form.kind.data == "link":
                materials.add_link(
                    current_user,
                    cohort,
                    form.module_id.data,
                    form.title_km.data,
                    form.title_en.data,
                    form.url.data,
                    utcnow(),
                )
            else:
                upload = form.file.data
                if not upload or not getattr(upload, "filename", ""):
                    raise DomainError(_l("Choose a file."), "file")
                materials.add_file(
                    current_user,
                    cohort,
                    form.module_id.data,
                    form.title_km.data,
                    form.title_en.data,
                    upload.filename,
                    upload.read(),
                    storage.area("materials"),
                    current_app.config["MAX_CONTENT_LENGTH"],
                    utcnow(),
                )
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The material was added."), "success")
            return redirect(url_for("training.show_cohort", cohort_id=cohort_id) + "#modules")
    return render_template("training/material_form.html", form=form, cohort=cohort)


def _material(cohort, material_id: int) -> Material:
    material = db.session.get(Material, material_id)
    if material is None or material.cohort_id != cohort.id:
        abort(404)
    return material


@bp.route("/cohorts/<int:cohort_id>/materials/<int:material_id>")
@roles_required(*TEACHING)
def download_material(cohort_id: int, material_id: int):
    cohort = _cohort(cohort_id)
    material = _material(cohort, material_id)
    if material.url:
        return redirect(material.url)
    try:
        stored = materials.for_download(current_user, material, storage.area("materials"))
    except Forbidden:
        abort(403)
    except FileNotFoundError:
        abort(404)
    response = send_file(stored, mimetype=material.mime_type, max_age=0)
    response.headers.update(uploads.download_headers(material.original_name, material.mime_type))
    return response


@bp.route("/cohorts/<int:cohort_id>/materials/<int:material_id>/delete", methods=["POST"])
@managers
def delete_material(cohort_id: int, material_id: int):
    cohort = _cohort(cohort_id, manage=True)
    token = materials.delete(current_user, _material(cohort, material_id))
    db.session.commit()
    if token:
        storage.area("materials").delete(token)  # only once the row is gone for good
    flash(_("The material was deleted."), "success")
    return redirect(url_for("training.show_cohort", cohort_id=cohort_id) + "#modules")


@bp.route("/cohorts/<int:cohort_id>/enrolments/template.csv")
@managers
def enrolment_template(cohort_id: int):
    _cohort(cohort_id, manage=True)
    return csvio.csv_response("enrolments.csv", ["trainee"], [["sok.dara"], ["MW-0001"]])
