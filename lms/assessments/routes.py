"""Assessing trainees (instructors) and following one's own progress (trainees)."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
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

from .. import storage, uploads
from ..auth.access import roles_required
from ..auth.roles import Role
from ..curricula.models import Instrument
from ..database import utcnow
from ..errors import DomainError, Forbidden
from ..extensions import db
from ..forms import Form, apply_error, choices
from ..frameworks.models import Competency
from ..i18n import format_number, local_date, local_today, localised
from ..navigation import Link, Panel, register_panel
from ..orgunits import services as orgunits
from ..training import services as training
from ..training.models import Enrolment, EnrolmentStatus
from . import online_tests, progress, rules
from . import services as assessments
from .forms import CorrectionForm, LogbookEntryForm, PanelForm, PaperTestForm, ReviewForm
from .models import (
    AssessmentRecord,
    CaseRole,
    EntryStatus,
    LogbookEntry,
    PanelDecision,
    RecordMethod,
    RecordStatus,
)

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


def _enrolment(enrolment_id: int, manage: bool = False) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id) or abort(404)
    own = enrolment.trainee_id == current_user.id
    manages = training.manages(current_user, enrolment.cohort)
    if manage and not manages:
        abort(403)
    if not (own or manages or current_user.has_role(Role.OFFICER)):
        abort(403)
    return enrolment


def _instrument(enrolment: Enrolment, instrument_id: int) -> Instrument:
    try:
        return assessments.instrument_of(enrolment, instrument_id)
    except DomainError:
        abort(404)


def _run(action, success: str, target: str):
    try:
        action()
    except Forbidden:
        db.session.rollback()
        abort(403)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(target)


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
    enrolment = _enrolment(enrolment_id)
    now = utcnow()
    records = db.session.scalars(
        db.select(AssessmentRecord)
        .where(AssessmentRecord.enrolment_id == enrolment.id)
        .order_by(AssessmentRecord.id.desc())
    ).all()
    entries = db.session.scalars(
        db.select(LogbookEntry)
        .where(LogbookEntry.enrolment_id == enrolment.id)
        .order_by(LogbookEntry.case_date.desc())
    ).all()
    return render_template(
        "assessments/enrolment.html",
        enrolment=enrolment,
        p=progress.enrolment_progress(enrolment, now),
        records=records,
        entries=entries,
        manage=training.manages(current_user, enrolment.cohort),
        own=enrolment.trainee_id == current_user.id,
    )


@bp.route(
    "/enrolments/<int:enrolment_id>/instruments/<int:instrument_id>/checklist",
    methods=["GET", "POST"],
)
@roles_required(*STAFF)
def record_checklist(enrolment_id: int, instrument_id: int):
    enrolment = _enrolment(enrolment_id, manage=True)
    instrument = _instrument(enrolment, instrument_id)
    if not instrument.type.has_checklist:
        abort(404)
    levels = instrument.curriculum.framework.levels
    form = Form()
    errors = []
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        marks = {}
        for item in instrument.items:
            value = request.form.get(f"item{item.id}")
            if value:
                try:
                    marks[item.id] = rules.Mark(value)
                except ValueError:
                    abort(400)
        rating = request.form.get("overall_rating", type=int)
        try:
            assessed_on = date.fromisoformat(request.form.get("assessed_on") or "")
        except ValueError:
            assessed_on = None
        data = assessments.ChecklistData(
            marks,
            rating,
            assessed_on or local_today(),
            (request.form.get("comments") or "").strip()[:2000],
        )
        submit = request.form.get("action") == "submit"
        photo = request.files.get("photo")
        try:
            record = assessments.save_checklist(
                current_user, enrolment, instrument, data, submit, utcnow()
            )
            if photo and photo.filename:
                assessments.attach_photo(
                    current_user,
                    record,
                    photo.filename,
                    photo.read(),
                    storage.area("evidence"),
                    current_app.config["MAX_CONTENT_LENGTH"],
                )
        except Forbidden:
            db.session.rollback()
            abort(403)
        except DomainError as error:
            db.session.rollback()
            errors.append(error.message)
        else:
            db.session.commit()
            flash(
                _("The assessment was submitted.") if submit else _("The draft was saved."),
                "success",
            )
            return redirect(url_for("assessments.show_record", record_id=record.id))
    return render_template(
        "assessments/checklist.html",
        enrolment=enrolment,
        instrument=instrument,
        levels=levels,
        errors=errors,
        marks=request.form,
        marks_enum=list(rules.Mark),
        today=local_today(),
    )


@bp.route(
    "/enrolments/<int:enrolment_id>/instruments/<int:instrument_id>/paper", methods=["GET", "POST"]
)
@roles_required(*STAFF)
def record_paper_test(enrolment_id: int, instrument_id: int):
    enrolment = _enrolment(enrolment_id, manage=True)
    instrument = _instrument(enrolment, instrument_id)
    form = PaperTestForm(data=None if request.method == "POST" else {"assessed_on": local_today()})
    if form.validate_on_submit():
        try:
            record = assessments.save_paper_test(
                current_user,
                enrolment,
                instrument,
                float(form.score_percent.data),
                form.assessed_on.data,
                form.comments.data,
                utcnow(),
            )
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The test score was recorded."), "success")
            return redirect(url_for("assessments.show_record", record_id=record.id))
    return render_template(
        "assessments/paper_test.html", form=form, enrolment=enrolment, instrument=instrument
    )


@bp.route("/records/<int:record_id>/photo")
@roles_required(*ANYONE)
def record_photo(record_id: int):

    record = _record(record_id)
    if not record.photo_token:
        abort(404)
    try:
        data = storage.area("evidence").read(record.photo_token)
    except (FileNotFoundError, ValueError):
        abort(404)
    kind = uploads.sniff(data)
    if kind not in assessments.IMAGE_KINDS:
        abort(404)
    response = current_app.response_class(data, mimetype=uploads.ALLOWED[kind].mime_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    return response


def _record(record_id: int) -> AssessmentRecord:
    record = db.session.get(AssessmentRecord, record_id) or abort(404)
    _enrolment(record.enrolment_id)
    return record


@bp.route("/records/<int:record_id>")
@roles_required(*ANYONE)
def show_record(record_id: int):
    record = _record(record_id)
    marks = {m.item_id: m.mark for m in record.marks}
    return render_template(
        "assessments/record.html",
        record=record,
        marks=marks,
        history=assessments.history(record),
        manage=training.manages(current_user, record.enrolment.cohort),
    )


@bp.route("/records/<int:record_id>/verify", methods=["POST"])
@roles_required(*STAFF)
def verify_record(record_id: int):
    record = _record(record_id)
    return _run(
        lambda: assessments.verify(current_user, record, utcnow()),
        _("The result was verified."),
        url_for("assessments.show_record", record_id=record_id),
    )


@bp.route("/records/<int:record_id>/submit", methods=["POST"])
@roles_required(*STAFF)
def submit_record(record_id: int):
    record = _record(record_id)
    return _run(
        lambda: assessments.submit_draft(current_user, record, utcnow()),
        _("The assessment was submitted."),
        url_for("assessments.show_record", record_id=record_id),
    )


@bp.route("/records/<int:record_id>/correct", methods=["GET", "POST"])
@roles_required(*STAFF)
def correct_record(record_id: int):
    record = _record(record_id)
    enrolment = _enrolment(record.enrolment_id, manage=True)
    form = CorrectionForm()
    errors = []
    if form.validate_on_submit():
        data, score = None, None
        if record.method == RecordMethod.CHECKLIST:
            marks = {}
            for item in record.instrument.items:
                value = request.form.get(f"item{item.id}")
                if value in {m.value for m in rules.Mark}:
                    marks[item.id] = rules.Mark(value)
            data = assessments.ChecklistData(
                marks,
                request.form.get("overall_rating", type=int),
                record.assessed_on,
                (request.form.get("comments") or "")[:2000],
            )
        else:
            score = request.form.get("score_percent", type=float)
            if score is None:
                errors.append(_("Give the corrected score."))
        if not errors:
            try:
                new = assessments.correct(
                    current_user, record, form.reason.data, utcnow(), data, score
                )
            except Forbidden:
                db.session.rollback()
                abort(403)
            except DomainError as error:
                db.session.rollback()
                errors.append(error.message)
            else:
                db.session.commit()
                flash(_("The correction was saved; the earlier version is kept."), "success")
                return redirect(url_for("assessments.show_record", record_id=new.id))
    current = {f"item{m.item_id}": m.mark.value for m in record.marks}
    current["overall_rating"] = str(record.overall_rating or "")
    return render_template(
        "assessments/correct.html",
        record=record,
        enrolment=enrolment,
        form=form,
        errors=errors,
        marks=request.form if request.method == "POST" else current,
        marks_enum=list(rules.Mark),
        levels=record.instrument.curriculum.framework.levels,
    )


@bp.route("/cohorts/<int:cohort_id>/queue")
@roles_required(*STAFF)
def queue(cohort_id: int):
    cohort = training.load_cohort(cohort_id) or abort(404)
    if not training.manages(current_user, cohort):
        abort(403)
    records = db.session.scalars(
        db.select(AssessmentRecord)
        .join(Enrolment)
        .where(
            Enrolment.cohort_id == cohort.id,
            AssessmentRecord.needs_verification.is_(True),
            AssessmentRecord.verified_at.is_(None),
            AssessmentRecord.superseded.is_(False),
            AssessmentRecord.status == RecordStatus.SUBMITTED,
        )
    ).all()
    entries = db.session.scalars(
        db.select(LogbookEntry)
        .join(Enrolment)
        .where(Enrolment.cohort_id == cohort.id, LogbookEntry.status == EntryStatus.PENDING)
        .order_by(LogbookEntry.created_at)
    ).all()
    return render_template(
        "assessments/queue.html",
        cohort=cohort,
        records=records,
        entries=entries,
    )


@bp.route("/logbook/<int:entry_id>/<any(verify, reject):action>", methods=["POST"])
@roles_required(*STAFF)
def review_entry(entry_id: int, action: str):
    entry = db.session.get(LogbookEntry, entry_id) or abort(404)
    enrolment = _enrolment(entry.enrolment_id, manage=True)
    form = ReviewForm()
    form.validate()
    return _run(
        lambda: assessments.review_logbook_entry(
            current_user, entry, action == "verify", form.note.data, utcnow()
        ),
        _("The logbook entry was reviewed."),
        request.form.get("back") == "queue"
        and url_for("assessments.queue", cohort_id=enrolment.cohort_id)
        or url_for("assessments.show_enrolment", enrolment_id=enrolment.id),
    )


@bp.route("/enrolments/<int:enrolment_id>/logbook/<int:instrument_id>", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def logbook(enrolment_id: int, instrument_id: int):
    enrolment = _enrolment(enrolment_id)
    if enrolment.trainee_id != current_user.id:
        abort(403)
    instrument = _instrument(enrolment, instrument_id)
    form = LogbookEntryForm(data=None if request.method == "POST" else {"case_date": local_today()})
    form.case_type_id.choices = [
        SelectChoice(c.id, localised(c, "title")) for c in instrument.case_types
    ]
    form.facility_id.choices = choices(
        ((f.id, localised(f, "name")) for f in orgunits.active_facilities()), "—"
    )
    if form.validate_on_submit():
        try:
            assessments.add_logbook_entry(
                current_user,
                enrolment,
                instrument,
                form.case_type_id.data,
                form.case_date.data,
                form.facility_id.data or None,
                form.reference.data,
                CaseRole(form.role.data),
                utcnow(),
            )
        except (DomainError, Forbidden) as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The case was added. An instructor will verify it."), "success")
            return redirect(
                url_for(
                    "assessments.logbook", enrolment_id=enrolment.id, instrument_id=instrument.id
                )
            )
    entries = db.session.scalars(
        db.select(LogbookEntry)
        .where(
            LogbookEntry.enrolment_id == enrolment.id, LogbookEntry.instrument_id == instrument.id
        )
        .order_by(LogbookEntry.case_date.desc())
    ).all()
    return render_template(
        "assessments/logbook.html",
        form=form,
        enrolment=enrolment,
        instrument=instrument,
        entries=entries,
        outcome=assessments.logbook_outcome(enrolment, instrument),
    )


@bp.route("/enrolments/<int:enrolment_id>/tests/<int:instrument_id>", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def take_test(enrolment_id: int, instrument_id: int):
    enrolment = _enrolment(enrolment_id)
    if enrolment.trainee_id != current_user.id:
        abort(403)
    instrument = _instrument(enrolment, instrument_id)
    attempts = online_tests.attempts_of(enrolment, instrument)
    attempt = next((a for a in attempts if a.submitted_at is None), None)
    if request.method == "POST":
        if not Form().validate_on_submit():
            abort(400)
        try:
            if request.form.get("action") == "start":
                online_tests.start_attempt(current_user, enrolment, instrument, utcnow())
                db.session.commit()
                return redirect(request.path)
            attempt_id = request.form.get("attempt", type=int)
            chosen = db.session.get(online_tests.TestAttempt, attempt_id or 0)
            if chosen is None or chosen.enrolment_id != enrolment.id:
                abort(404)
            answers = {}
            for question, _options in online_tests.paper(chosen):
                value = request.form.get(f"q{question.id}", type=int)
                answers[question.id] = value
            outcome = online_tests.submit_attempt(current_user, chosen, answers, utcnow())
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(request.path)
        db.session.commit()
        flash(
            _("Your score: %(score)s%%.", score=format_number(outcome.score_percent))
            + " "
            + (_("You passed.") if outcome.passed else _("You did not reach the pass mark.")),
            "success" if outcome.passed else "warning",
        )
        return redirect(request.path)
    return render_template(
        "assessments/test.html",
        enrolment=enrolment,
        instrument=instrument,
        attempts=attempts,
        attempt=attempt,
        paper=online_tests.paper(attempt) if attempt else [],
    )


@bp.route("/cohorts/<int:cohort_id>/matrix")
@roles_required(Role.ADMIN, Role.INSTRUCTOR, Role.OFFICER)
def matrix(cohort_id: int):
    cohort = training.load_cohort(cohort_id) or abort(404)
    if not (training.manages(current_user, cohort) or current_user.has_role(Role.OFFICER)):
        abort(403)
    enrolled = [e for e in training.roster(cohort) if e.status == EnrolmentStatus.ENROLLED]
    table = assessments.competency_table(cohort.curriculum, [e.id for e in enrolled])
    achieved = {c.id: training.count_by_sex([]) for c in table.competencies}
    for e in enrolled:
        for c in table.competencies:
            if table.outcomes[e.id][c.id].state == rules.CompetencyState.ACHIEVED:
                achieved[c.id][e.trainee.sex] += 1
    return render_template(
        "assessments/matrix.html",
        cohort=cohort,
        enrolled=enrolled,
        table=table,
        achieved=achieved,
        by_sex=training.count_by_sex(enrolled),
        states=rules.CompetencyState,
        labels={state: str(state.label) for state in rules.CompetencyState},
    )


@bp.route(
    "/enrolments/<int:enrolment_id>/competencies/<int:competency_id>/panel", methods=["GET", "POST"]
)
@roles_required(*STAFF)
def panel_decision(enrolment_id: int, competency_id: int):
    enrolment = _enrolment(enrolment_id, manage=True)
    competency = db.session.get(Competency, competency_id) or abort(404)
    form = PanelForm()
    if form.validate_on_submit():
        try:
            assessments.record_panel_decision(
                current_user,
                enrolment,
                competency.id,
                form.achieved.data == "1",
                form.reason.data,
                utcnow(),
            )
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The panel decision was recorded."), "success")
            return redirect(url_for("assessments.show_enrolment", enrolment_id=enrolment.id))
    decisions = db.session.scalars(
        db.select(PanelDecision)
        .where(
            PanelDecision.enrolment_id == enrolment.id, PanelDecision.competency_id == competency.id
        )
        .order_by(PanelDecision.id.desc())
    ).all()
    return render_template(
        "assessments/panel.html",
        form=form,
        enrolment=enrolment,
        competency=competency,
        decisions=decisions,
    )
