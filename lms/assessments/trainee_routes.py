"""What trainees write themselves: cases in their logbook and online knowledge tests."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import web
from ..auth.access import roles_required
from ..auth.roles import Role
from ..confirm import Confirmation, ask_first
from ..database import utcnow
from ..forms import Form
from ..i18n import format_number, local_today, localised
from ..orgunits.forms import FacilityFinder
from . import online_tests
from . import services as assessments
from .forms import LogbookEntryForm
from .models import CaseRole, TestAttempt
from .routes import bp, own_enrolment, plan_instrument


@bp.route("/enrolments/<int:enrolment_id>/logbook/<int:instrument_id>", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def logbook(enrolment_id: int, instrument_id: int):
    enrolment = own_enrolment(enrolment_id)
    instrument = plan_instrument(enrolment, instrument_id)
    form = LogbookEntryForm(
        data=None
        if request.method == "POST"
        else {"case_date": local_today(), "facility_id": current_user.facility_id}
    )
    form.case_type_id.choices = [
        SelectChoice(c.id, localised(c, "title")) for c in instrument.case_types
    ]
    form.facility_id.offer(FacilityFinder(keep=current_user.facility_id))
    if web.saved(
        form,
        lambda: assessments.add_logbook_entry(
            current_user,
            enrolment,
            instrument,
            form.case_type_id.data,
            form.case_date.data,
            form.facility_id.data or None,
            form.reference.data,
            CaseRole(form.role.data),
            utcnow(),
        ),
        _("The case was added. An instructor will verify it."),
    ):
        return redirect(
            url_for("assessments.logbook", enrolment_id=enrolment.id, instrument_id=instrument.id)
        )
    return render_template(
        "assessments/logbook.html",
        form=form,
        enrolment=enrolment,
        instrument=instrument,
        entries=assessments.logbook_entries(enrolment, instrument),
        outcome=assessments.logbook_outcome(enrolment, instrument),
    )


def _score_message(outcome) -> str:
    """The flash after a test: the score, and whether it reached the pass mark."""
    return (
        _("Your score: %(score)s%%.", score=format_number(outcome.score_percent))
        + " "
        + (_("You passed.") if outcome.passed else _("You did not reach the pass mark."))
    )


def _hand_in(answers: dict, back: str) -> Confirmation:
    """Asked before a test is handed in: it is marked at once, and unanswered ones count."""
    unanswered = sum(1 for answer in answers.values() if answer is None)
    final = _("Once handed in, the attempt is marked and cannot be changed.")
    if unanswered:
        missing = _(
            "%(n)s of %(total)s questions have no answer: they count as wrong.",
            n=format_number(unanswered),
            total=format_number(len(answers)),
        )
        final = f"{missing} {final}"
    return Confirmation(_("Hand in your answers?"), final, _("Hand in"), back, danger=False)


@bp.route("/enrolments/<int:enrolment_id>/tests/<int:instrument_id>", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def take_test(enrolment_id: int, instrument_id: int):
    enrolment = own_enrolment(enrolment_id)
    instrument = plan_instrument(enrolment, instrument_id)
    if request.method == "POST":
        if not Form().validate_on_submit():
            abort(400)
        if request.form.get("action") == "start":
            return web.act(
                lambda: online_tests.start_attempt(current_user, enrolment, instrument, utcnow()),
                request.path,
            )
        attempt_id = web.id_arg(request.form, "attempt") or 0
        chosen = web.child_or_404(TestAttempt, attempt_id, enrolment_id=enrolment.id)
        answers = {
            question.id: request.form.get(f"q{question.id}", type=int)
            for question, _options in online_tests.paper(chosen)
        }
        asked = None if chosen.submitted_at else ask_first(_hand_in(answers, request.path))
        if asked is not None:
            return asked
        done = web.run(lambda: online_tests.submit_attempt(current_user, chosen, answers, utcnow()))
        if done:
            flash(_score_message(done.value), "success" if done.value.passed else "warning")
        return redirect(request.path)
    attempts = online_tests.attempts_of(enrolment, instrument)
    attempt = next((a for a in attempts if a.submitted_at is None), None)
    return render_template(
        "assessments/test.html",
        enrolment=enrolment,
        instrument=instrument,
        attempts=attempts,
        attempt=attempt,
        paper=online_tests.paper(attempt) if attempt else [],
    )
