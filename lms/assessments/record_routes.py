"""Assessment records: checklists and paper test scores entered by instructors, their photo
evidence, verification by a second assessor, and corrections; assessment rounds (the next
trainee at a station, the next station for a trainee, and the OSCE circuit).

In a circuit the examiner stays at one station while the trainees rotate: the form's address
carries `circuit=1`, and saving it opens the next waiting trainee's blank form at the same
station, with `saved=<record id>` for the banner that says what was saved."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import storage, web
from ..auth.access import roles_required
from ..database import utcnow
from ..forms import Form
from ..i18n import local_today
from ..receipts.guard import idempotent
from ..training import services as training
from . import rules
from . import services as assessments
from .forms import CorrectionForm, PaperTestForm
from .models import AssessmentRecord, RecordMethod
from .routes import (
    ANYONE,
    STAFF,
    bp,
    managed_cohort,
    plan_instrument,
    viewable_enrolment,
    viewable_record,
)

MARKS = {m.value for m in rules.Mark}


def posted_checklist(items, assessed_on: date, strict: bool) -> assessments.ChecklistData:
    """The marks, overall rating and comments posted for a checklist's `items`. A mark that is
    not one is a bad request when recording (`strict`); a correction leaves it out."""
    marks = {}
    for item in items:
        value = request.form.get(f"item{item.id}")
        if value in MARKS:
            marks[item.id] = rules.Mark(value)
        elif value and strict:
            abort(400)
    return assessments.ChecklistData(
        marks,
        request.form.get("overall_rating", type=int),
        assessed_on,
        (request.form.get("comments") or "").strip()[:2000],
    )


def posted_photo() -> assessments.Photo | None:
    """The photo sent with the form, if one was chosen."""
    photo = request.files.get("photo")
    if not (photo and photo.filename):
        return None
    return assessments.Photo(photo.filename, photo.read())


@bp.route(
    "/enrolments/<int:enrolment_id>/instruments/<int:instrument_id>/checklist",
    methods=["GET", "POST"],
)
@roles_required(*STAFF)
@idempotent
def record_checklist(enrolment_id: int, instrument_id: int):
    enrolment = viewable_enrolment(enrolment_id, manage=True)
    instrument = plan_instrument(enrolment, instrument_id)
    if not instrument.type.has_checklist:
        abort(404)
    circuit = request.args.get("circuit") == "1"
    form = Form()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        assessed_on = request.form.get("assessed_on", type=date.fromisoformat)
        data = posted_checklist(instrument.items, assessed_on or local_today(), strict=True)
        submit = request.form.get("action") == "submit"
        photo = posted_photo()
        if circuit:  # the banner of the next form says what was saved
            success = None
        else:
            success = _("The assessment was submitted.") if submit else _("The draft was saved.")
        done = web.run(
            lambda: assessments.record_checklist(
                current_user,
                enrolment,
                instrument,
                data,
                submit,
                utcnow(),
                photo,
                storage.area("evidence"),
                current_app.config["MAX_CONTENT_LENGTH"],
            ),
            form=form,
            success=success,
        )
        if done and circuit:
            return redirect(_after_circuit_record(enrolment, instrument, done.value))
        if done:
            return redirect(url_for("assessments.show_record", record_id=done.value.id))
    today = local_today()
    at_station, saved = None, None
    unmarked = set()
    if form.form_errors and request.form.get("action") == "submit":
        unmarked = {i.id for i in instrument.items if not request.form.get(f"item{i.id}")}
    if circuit:
        at_station = assessments.station(current_user, enrolment.cohort, instrument, today)
        saved = saved_record(enrolment.cohort, instrument)
    return render_template(
        "assessments/checklist.html",
        enrolment=enrolment,
        instrument=instrument,
        levels=instrument.curriculum.framework.levels,
        errors=form.form_errors,
        marks=request.form,
        marks_enum=list(rules.Mark),
        unmarked=unmarked,
        today=today,
        station=at_station,
        saved=saved,
    )


def _after_circuit_record(enrolment, instrument, record: AssessmentRecord) -> str:
    """Where a circuit goes once a record is saved: the next waiting trainee's blank form at
    the same station, or the station's page when nobody else waits."""
    following = assessments.next_trainee(current_user, enrolment, instrument, local_today())
    if following is None:
        return url_for(
            "assessments.rounds",
            cohort_id=enrolment.cohort_id,
            instrument=instrument.id,
            saved=record.id,
        )
    return url_for(
        "assessments.record_checklist",
        enrolment_id=following.id,
        instrument_id=instrument.id,
        circuit=1,
        saved=record.id,
    )


def saved_record(cohort, instrument):
    """The record named by `saved` in the address, with why it did not pass (for the banner),
    when it is this cohort's at this station."""
    record = assessments.saved_at_station(web.id_arg(request.args, "saved"), cohort, instrument)
    if record is None:
        return None
    why = assessments.why_not_passed(record) if record.status.value == "submitted" else None
    return record, why


@bp.route("/cohorts/<int:cohort_id>/rounds")
@roles_required(*STAFF)
def rounds(cohort_id: int):
    """The cohort's checklist stations. With `instrument`, the circuit at that station starts:
    the first waiting trainee's form opens (or the one chosen with `enrolment`)."""
    cohort = managed_cohort(cohort_id)
    found = assessments.stations(current_user, cohort, local_today())
    chosen = web.id_arg(request.args, "instrument")
    at_station = next((s for s in found if s.instrument.id == chosen), None)
    saved = None
    if at_station is not None:
        wanted = web.id_arg(request.args, "enrolment")
        by_id = {s.enrolment.id: s.enrolment for s in at_station.standings}
        target = by_id.get(wanted) or assessments.first_waiting(at_station)
        if target is not None:
            return redirect(
                url_for(
                    "assessments.record_checklist",
                    enrolment_id=target.id,
                    instrument_id=at_station.instrument.id,
                    circuit=1,
                    saved=web.id_arg(request.args, "saved"),
                )
            )
        saved = saved_record(cohort, at_station.instrument)
    return render_template(
        "assessments/rounds.html", cohort=cohort, stations=found, station=at_station, saved=saved
    )


@bp.route(
    "/enrolments/<int:enrolment_id>/instruments/<int:instrument_id>/paper", methods=["GET", "POST"]
)
@roles_required(*STAFF)
def record_paper_test(enrolment_id: int, instrument_id: int):
    enrolment = viewable_enrolment(enrolment_id, manage=True)
    instrument = plan_instrument(enrolment, instrument_id)
    form = PaperTestForm(data=None if request.method == "POST" else {"assessed_on": local_today()})
    if form.validate_on_submit():
        done = web.run(
            lambda: assessments.save_paper_test(
                current_user,
                enrolment,
                instrument,
                float(form.score_percent.data),
                form.assessed_on.data,
                form.comments.data,
                utcnow(),
            ),
            form=form,
            success=_("The test score was recorded."),
        )
        if done:
            return redirect(url_for("assessments.show_record", record_id=done.value.id))
    return render_template(
        "assessments/paper_test.html", form=form, enrolment=enrolment, instrument=instrument
    )


@bp.route("/records/<int:record_id>/photo")
@roles_required(*ANYONE)
def record_photo(record_id: int):
    record = viewable_record(record_id)
    data, mime_type = web.found_or_404(assessments.photo_of(record, storage.area("evidence")))
    response = current_app.response_class(data, mimetype=mime_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.route("/records/<int:record_id>")
@roles_required(*ANYONE)
def show_record(record_id: int):
    record = viewable_record(record_id)
    manage = training.manages(current_user, record.enrolment.cohort)
    following, next_station = _what_next(record) if manage else (None, None)
    return render_template(
        "assessments/record.html",
        record=record,
        marks={m.item_id: m.mark for m in record.marks},
        history=assessments.history(record),
        why=assessments.why_not_passed(record) if record.status.value == "submitted" else None,
        manage=manage,
        can_verify=manage and assessments.may_verify(current_user, record),
        following=following,
        next_station=next_station,
    )


def _what_next(record: AssessmentRecord):
    """For the assessor of a current checklist record: the next trainee waiting at its
    station, and the next station the same trainee waits at (either may be None)."""
    if (
        record.assessor_id != current_user.id
        or record.superseded
        or record.method != RecordMethod.CHECKLIST
    ):
        return None, None
    today, enrolment, instrument = local_today(), record.enrolment, record.instrument
    return (
        assessments.next_trainee(current_user, enrolment, instrument, today),
        assessments.next_station(enrolment, instrument, today),
    )


@bp.route("/records/<int:record_id>/verify", methods=["POST"])
@roles_required(*STAFF)
def verify_record(record_id: int):
    record = viewable_record(record_id)
    return web.act(
        lambda: assessments.verify(current_user, record, utcnow()),
        url_for("assessments.show_record", record_id=record_id),
        _("The result was verified."),
    )


@bp.route("/records/<int:record_id>/submit", methods=["POST"])
@roles_required(*STAFF)
def submit_record(record_id: int):
    record = viewable_record(record_id)
    return web.act(
        lambda: assessments.submit_draft(current_user, record, utcnow()),
        url_for("assessments.show_record", record_id=record_id),
        _("The assessment was submitted."),
    )


@bp.route("/records/<int:record_id>/correct", methods=["GET", "POST"])
@roles_required(*STAFF)
def correct_record(record_id: int):
    record = viewable_record(record_id, manage=True)
    form = CorrectionForm()
    if form.validate_on_submit():
        data, score = None, None
        if record.method == RecordMethod.CHECKLIST:
            data = posted_checklist(record.instrument.items, record.assessed_on, strict=False)
        else:
            score = request.form.get("score_percent", type=float)
        done = web.run(
            lambda: assessments.correct(
                current_user, record, form.reason.data, utcnow(), data, score
            ),
            form=form,
            success=_("The correction was saved; the earlier version is kept."),
        )
        if done:
            return redirect(url_for("assessments.show_record", record_id=done.value.id))
    current = {f"item{m.item_id}": m.mark.value for m in record.marks}
    current["overall_rating"] = str(record.overall_rating or "")
    return render_template(
        "assessments/correct.html",
        record=record,
        enrolment=record.enrolment,
        form=form,
        errors=form.form_errors,
        marks=request.form if request.method == "POST" else current,
        marks_enum=list(rules.Mark),
        levels=record.instrument.curriculum.framework.levels,
    )
