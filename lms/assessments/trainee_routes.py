"""What trainees write themselves: cases in their logbook and online knowledge tests."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import web
from ..auth.access import roles_required
from ..auth.roles import Role
from ..confirm import Confirmation, ask_first, confirmed
from ..curricula.spec import ReviewPolicy
from ..database import utcnow
from ..forms import Form
from ..i18n import format_number, local_moment, local_today, localised, localised_digits
from ..orgunits.forms import FacilityFinder
from ..receipts.guard import idempotent
from . import online_rules, online_sheets, online_tests
from . import services as assessments
from .forms import LogbookEntryForm
from .models import CaseRole, TestAttempt
from .routes import bp, own_enrolment, plan_instrument


@bp.route("/enrolments/<int:enrolment_id>/logbook/<int:instrument_id>", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
@idempotent
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


def _score_message(outcome, instrument) -> str:
    """The flash after a test: the score (where the curriculum shows it), and whether it
    reached the pass mark."""
    verdict = _("You passed.") if outcome.passed else _("You did not reach the pass mark.")
    if instrument.review is ReviewPolicy.NONE:
        handed = _("Your answers were handed in.")
        return f"{handed} {verdict}"
    score = _("Your score: %(score)s%%.", score=format_number(outcome.score_percent))
    return f"{score} {verdict}"


def _time_up(attempt) -> str:
    """The flash when the time limit closed an attempt."""
    return _(
        "The time was up at %(time)s: the attempt was marked with the answers saved by then.",
        time=localised_digits(local_moment(attempt.deadline_at).strftime("%H:%M")),
    )


def _test_url(enrolment, instrument, **args) -> str:
    return url_for(
        "assessments.take_test", enrolment_id=enrolment.id, instrument_id=instrument.id, **args
    )


def _posted_answers(form, attempt) -> dict[int, int | None]:
    """The answers a page sent (`q<question id>` = option id) to the attempt's questions."""
    return {
        question_id: web.id_arg(form, f"q{question_id}")
        for question_id, _options in online_tests.order_of(attempt)
        if f"q{question_id}" in form
    }


def _hand_in(sheet, enrolment, instrument, back: str) -> Confirmation:
    """Asked before a test is handed in: it is marked at once, and unanswered ones count; each
    unanswered question is a link back to its page."""
    final = _("Once handed in, the attempt is marked and cannot be changed.")
    if sheet.last_attempt:
        last = _("This is your last attempt at this test.")
        final = f"{final} {last}"
    links = ()
    if sheet.unanswered:
        missing = _(
            "%(n)s of %(total)s questions have no answer: they count as wrong.",
            n=format_number(len(sheet.unanswered)),
            total=format_number(sheet.total),
        )
        final = f"{missing} {final}"
        links = tuple(
            (
                _("Question %(n)s", n=format_number(number)),
                _test_url(enrolment, instrument, page=page) + f"#q{question_id}",
            )
            for number, question_id, page in sheet.unanswered
        )
    return Confirmation(
        _("Hand in your answers?"), final, _("Hand in"), back, danger=False, links=links
    )


def _closed_by_time(outcome, attempt) -> bool:
    """Flash that the time closed the attempt, when it did."""
    if outcome is None or not attempt.timed_out:
        return False
    flash(_time_up(attempt), "warning")
    return True


def _post_test(enrolment, instrument):
    """Start an attempt, save a page and go to another, or hand in (asking first)."""
    if not Form().validate_on_submit():
        abort(400)
    now = utcnow()
    here = _test_url(enrolment, instrument)
    if request.form.get("action") == "start":
        return web.act(
            lambda: online_tests.start_attempt(current_user, enrolment, instrument, now), here
        )
    attempt = web.child_or_404(
        TestAttempt,
        web.id_arg(request.form, "attempt") or 0,
        enrolment_id=enrolment.id,
        instrument_id=instrument.id,
    )
    answers = _posted_answers(request.form, attempt)
    if request.form.get("action") == "finish" and confirmed():
        done = web.run(lambda: online_tests.submit_attempt(current_user, attempt, answers, now))
        if done and not _closed_by_time(done.value, attempt):
            tone = "success" if done.value.passed else "warning"
            flash(_score_message(done.value, instrument), tone)
        return redirect(here)
    go = web.id_arg(request.form, "go")
    saved = web.run(lambda: online_tests.save_answers(current_user, attempt, answers, now, go))
    if not saved or _closed_by_time(saved.value, attempt):
        return redirect(here)
    if request.form.get("action") == "finish":
        sheet = online_sheets.sheet(attempt, instrument, attempt.page, now)
        back = _test_url(enrolment, instrument, page=web.id_arg(request.form, "page"))
        return ask_first(_hand_in(sheet, enrolment, instrument, back))
    return redirect(_test_url(enrolment, instrument, page=attempt.page))


@bp.route("/enrolments/<int:enrolment_id>/tests/<int:instrument_id>", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def take_test(enrolment_id: int, instrument_id: int):
    enrolment = own_enrolment(enrolment_id)
    instrument = plan_instrument(enrolment, instrument_id)
    if request.method == "POST":
        return _post_test(enrolment, instrument)
    now = utcnow()
    found = web.run(lambda: online_tests.attempts_now(current_user, enrolment, instrument, now))
    attempts, closed = found.value
    if closed is not None:
        flash(_time_up(closed), "warning")
    current = next((a for a in attempts if a.submitted_at is None), None)
    handed = [a for a in attempts if a.submitted_at is not None]
    passed = any(a.passed for a in handed)
    chosen = next(
        (a for a in handed if a.number == web.id_arg(request.args, "attempt")),
        handed[-1] if handed else None,
    )
    sheet = None
    if current is not None:
        sheet = online_sheets.sheet(current, instrument, web.id_arg(request.args, "page"), now)
    return render_template(
        "assessments/test.html",
        enrolment=enrolment,
        instrument=instrument,
        attempts=handed,
        sheet=sheet,
        deadline=local_moment(sheet.deadline) if sheet and sheet.deadline else None,
        review=online_sheets.review(chosen, instrument, attempts) if chosen and not sheet else None,
        passed=passed,
        left=online_rules.attempts_left(instrument.attempts, len(attempts), passed),
    )
