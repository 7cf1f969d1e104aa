"""Knowledge tests taken online by the trainee: shuffled, a page at a time, saved as they go.

An attempt keeps its own order of questions and options. Each page the trainee leaves is
saved, so an attempt interrupted by a closed browser or a lost network resumes where it
stopped. A timed attempt's deadline is set when it starts and enforced here: answers arriving
after it (and its grace) are not kept, and the attempt is marked as it stood.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit import services as audit
from ..curricula.models import Instrument, Question, QuestionOption
from ..curricula.spec import InstrumentType
from ..database import acquire_lock
from ..errors import DomainError, Forbidden
from ..extensions import db
from ..training.models import Enrolment, EnrolmentStatus
from . import online_rules, rules
from .models import TestAnswer, TestAttempt
from .online_rules import Time


def _own(trainee, enrolment: Enrolment) -> None:
    """Only the enrolled trainee takes their own tests."""
    if trainee.id != enrolment.trainee_id or enrolment.status != EnrolmentStatus.ENROLLED:
        raise Forbidden(_l("Only the enrolled trainee takes this test."))


def _lock(enrolment_id: int, instrument_id: int) -> None:
    """One writer at a time on an enrolment's attempts at one test."""
    acquire_lock(f"test:{enrolment_id}:{instrument_id}")


def attempts_of(enrolment: Enrolment, instrument: Instrument) -> list[TestAttempt]:
    """The enrolment's attempts at one test, in order."""
    return attempts_by_enrolment([enrolment.id], instrument.id).get(
        (enrolment.id, instrument.id), []
    )


def attempts_by_enrolment(
    enrolment_ids: list[int], instrument_id: int | None = None
) -> dict[tuple[int, int], list[TestAttempt]]:
    """(enrolment id, instrument id) -> attempts in order, in one query."""
    stmt = sa.select(TestAttempt).where(TestAttempt.enrolment_id.in_(enrolment_ids))
    if instrument_id is not None:
        stmt = stmt.where(TestAttempt.instrument_id == instrument_id)
    found: dict[tuple[int, int], list[TestAttempt]] = {}
    for attempt in db.session.scalars(stmt.order_by(TestAttempt.number)):
        found.setdefault((attempt.enrolment_id, attempt.instrument_id), []).append(attempt)
    return found


def is_open(attempt: TestAttempt, now: datetime) -> bool:
    """Not handed in, and its time (with the grace) not over."""
    return attempt.submitted_at is None and online_rules.time_at(attempt.deadline_at, now) in (
        Time.OPEN,
        Time.LATE,
    )


def attempts_now(
    trainee, enrolment: Enrolment, instrument: Instrument, now: datetime
) -> tuple[list[TestAttempt], TestAttempt | None]:
    """The trainee's attempts at the test, in order. One left open past its time (the browser
    closed, the network lost) is closed first and marked as it stood: it comes back second."""
    if trainee.id != enrolment.trainee_id:
        raise Forbidden(_l("Only the enrolled trainee takes this test."))
    attempts = attempts_of(enrolment, instrument)
    over = [a for a in attempts if a.submitted_at is None and not is_open(a, now)]
    closed = None
    if over:
        _lock(enrolment.id, instrument.id)
        for attempt in over:
            db.session.refresh(attempt)
            if attempt.submitted_at is None:
                _close(trainee, attempt, instrument, attempt.deadline_at, now, timed_out=True)
                closed = attempt
    return attempts, closed


def start_attempt(
    trainee,
    enrolment: Enrolment,
    instrument: Instrument,
    now: datetime,
    rng: random.Random | None = None,
) -> TestAttempt:
    """Open an attempt (or return the one already open), within the attempts allowed; a timed
    test's deadline is set now."""
    _own(trainee, enrolment)
    if (
        instrument.type != InstrumentType.KNOWLEDGE_TEST
        or instrument.curriculum_id != enrolment.cohort.curriculum_id
    ):
        raise DomainError(_l("This test is not in the curriculum of your cohort."))
    _lock(enrolment.id, instrument.id)
    attempts, _closed = attempts_now(trainee, enrolment, instrument, now)
    open_ = [a for a in attempts if a.submitted_at is None]
    if open_:
        return open_[0]
    if any(a.passed for a in attempts):
        raise DomainError(_l("You have already passed this test."))
    if len(attempts) >= (instrument.attempts or 1):
        raise DomainError(_l("You have used every attempt allowed for this test."))
    rng = rng or random.SystemRandom()
    questions = list(
        db.session.scalars(sa.select(Question).where(Question.instrument_id == instrument.id))
    )
    options: dict[int, list[int]] = {}
    for question_id, option_id in db.session.execute(
        sa.select(QuestionOption.question_id, QuestionOption.id).where(
            QuestionOption.question_id.in_([q.id for q in questions])
        )
    ):
        options.setdefault(question_id, []).append(option_id)
    rng.shuffle(questions)
    order = []
    for question in questions:
        ids = options.get(question.id, [])
        rng.shuffle(ids)
        order.append([question.id, ids])
    limit = instrument.time_limit_minutes
    attempt = TestAttempt(
        enrolment_id=enrolment.id,
        instrument_id=instrument.id,
        number=len(attempts) + 1,
        order=json.dumps(order),
        started_at=now,
        deadline_at=now + timedelta(minutes=limit) if limit else None,
        page=1,
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def order_of(attempt: TestAttempt) -> list[tuple[int, list[int]]]:
    """The attempt's questions in its order, each with its options in order (ids)."""
    return [(q, ids) for q, ids in json.loads(attempt.order)]


def load_questions(
    pairs: list[tuple[int, list[int]]],
) -> list[tuple[Question, list[QuestionOption]]]:
    """These questions and options, in this order (two queries)."""
    questions = {
        q.id: q
        for q in db.session.scalars(
            sa.select(Question).where(Question.id.in_([q for q, _o in pairs]))
        )
    }
    options = {
        o.id: o
        for o in db.session.scalars(
            sa.select(QuestionOption).where(
                QuestionOption.id.in_([o for _q, ids in pairs for o in ids])
            )
        )
    }
    return [(questions[q], [options[o] for o in ids]) for q, ids in pairs]


def paper(attempt: TestAttempt) -> list[tuple[Question, list[QuestionOption]]]:
    """The attempt's questions and options in its own shuffled order (two queries)."""
    return load_questions(order_of(attempt))


def saved_answers(attempt: TestAttempt) -> dict[int, TestAnswer]:
    """The answers saved so far, by question id (one query)."""
    stmt = sa.select(TestAnswer).where(TestAnswer.attempt_id == attempt.id)
    return {a.question_id: a for a in db.session.scalars(stmt)}


def _check_answers(attempt: TestAttempt, answers: dict[int, int | None]) -> None:
    allowed = {q: set(ids) for q, ids in order_of(attempt)}
    for question_id, option_id in answers.items():
        if question_id not in allowed or (
            option_id is not None and option_id not in allowed[question_id]
        ):
            raise DomainError(_l("An answer does not belong to this test."))


def _store(attempt: TestAttempt, answers: dict[int, int | None]) -> None:
    """Keep the answers given (a question left blank keeps what was saved before)."""
    saved = saved_answers(attempt)
    for question_id, option_id in answers.items():
        if option_id is None:
            continue
        if question_id in saved:
            saved[question_id].option_id = option_id
        else:
            db.session.add(
                TestAnswer(attempt_id=attempt.id, question_id=question_id, option_id=option_id)
            )
    db.session.flush()


def _open_for(trainee, attempt: TestAttempt) -> Enrolment:
    """The attempt's enrolment, for its own enrolled trainee, the attempt locked and fresh;
    a closed attempt is refused."""
    enrolment = db.session.get(Enrolment, attempt.enrolment_id)
    _own(trainee, enrolment)
    _lock(enrolment.id, attempt.instrument_id)
    db.session.refresh(attempt)
    if attempt.submitted_at is not None:
        raise DomainError(_l("This test was already submitted."))
    return enrolment


def save_answers(
    trainee,
    attempt: TestAttempt,
    answers: dict[int, int | None],
    now: datetime,
    page: int | None = None,
) -> rules.TestOutcome | None:
    """Save a page's answers and, with `page`, where to resume. None: saved, the attempt goes
    on. An outcome: the time was up, so the attempt was closed and marked (with these answers
    when they came within the grace, without them after it)."""
    _open_for(trainee, attempt)
    _check_answers(attempt, answers)
    instrument = db.session.get(Instrument, attempt.instrument_id)
    time = online_rules.time_at(attempt.deadline_at, now)
    if time is Time.OVER:
        return _close(trainee, attempt, instrument, attempt.deadline_at, now, timed_out=True)
    _store(attempt, answers)
    if page is not None:
        attempt.page = online_rules.clamp_page(
            page, len(order_of(attempt)), instrument.questions_per_page
        )
    if time is Time.LATE:
        return _close(trainee, attempt, instrument, now, now, timed_out=True)
    return None


def submit_attempt(
    trainee, attempt: TestAttempt, answers: dict[int, int | None], now: datetime
) -> rules.TestOutcome:
    """Hand in an open attempt with the answers of its last page, and mark it; a second hand-in
    is refused. After the time and its grace, these answers are not kept: the attempt is
    marked as it stood at the deadline (`attempt.timed_out`)."""
    _open_for(trainee, attempt)
    _check_answers(attempt, answers)
    instrument = db.session.get(Instrument, attempt.instrument_id)
    if online_rules.time_at(attempt.deadline_at, now) is Time.OVER:
        return _close(trainee, attempt, instrument, attempt.deadline_at, now, timed_out=True)
    _store(attempt, answers)
    return _close(trainee, attempt, instrument, now, now, timed_out=False)


def _close(
    trainee, attempt: TestAttempt, instrument: Instrument, at, now: datetime, timed_out: bool
) -> rules.TestOutcome:
    """Mark the attempt on the answers saved, as handed in (or closed by the time) `at`."""
    order = order_of(attempt)
    saved = saved_answers(attempt)
    key = dict(
        db.session.execute(
            sa.select(QuestionOption.question_id, QuestionOption.id).where(
                QuestionOption.question_id.in_([q for q, _ids in order]),
                QuestionOption.correct.is_(True),
            )
        ).all()
    )
    given = {q: saved[q].option_id if q in saved else None for q, _ids in order}
    outcome = rules.test_outcome(key, given, instrument.pass_mark_percent or 100)
    for question_id, _ids in order:
        if question_id not in saved:
            db.session.add(TestAnswer(attempt_id=attempt.id, question_id=question_id))
    attempt.submitted_at, attempt.score_percent = at, outcome.score_percent
    attempt.passed, attempt.timed_out = outcome.passed, timed_out
    audit.record(
        trainee,
        "test.timed_out" if timed_out else "test.submitted",
        attempt,
        now=now,
        score=outcome.score_percent,
        passed=outcome.passed,
    )
    return outcome


def online_results(enrolment_ids: list[int]) -> list[tuple[int, rules.Result]]:
    """(enrolment id, result) for every submitted attempt of these enrolments."""
    return [
        (a.enrolment_id, rules.Result(a.instrument_id, a.submitted_at, bool(a.passed)))
        for a in db.session.scalars(
            sa.select(TestAttempt).where(
                TestAttempt.enrolment_id.in_(enrolment_ids), TestAttempt.submitted_at.is_not(None)
            )
        )
    ]
