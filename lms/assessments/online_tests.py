"""Knowledge tests taken online by the trainee: shuffled, one attempt open at a time."""

from __future__ import annotations

import json
import random
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit import services as audit
from ..curricula.models import Instrument, Question, QuestionOption
from ..curricula.spec import InstrumentType
from ..database import acquire_lock
from ..errors import DomainError, Forbidden
from ..extensions import db
from ..training.models import Enrolment, EnrolmentStatus
from . import rules
from .models import TestAnswer, TestAttempt


def _own(trainee, enrolment: Enrolment) -> None:
    """Only the enrolled trainee takes their own tests."""
    if trainee.id != enrolment.trainee_id or enrolment.status != EnrolmentStatus.ENROLLED:
        raise Forbidden(_l("Only the enrolled trainee takes this test."))


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


def start_attempt(
    trainee,
    enrolment: Enrolment,
    instrument: Instrument,
    now: datetime,
    rng: random.Random | None = None,
) -> TestAttempt:
    """Open an attempt (or return the one already open), within the attempts allowed."""
    _own(trainee, enrolment)
    if (
        instrument.type != InstrumentType.KNOWLEDGE_TEST
        or instrument.curriculum_id != enrolment.cohort.curriculum_id
    ):
        raise DomainError(_l("This test is not in the curriculum of your cohort."))
    acquire_lock(f"test:{enrolment.id}:{instrument.id}")
    attempts = attempts_of(enrolment, instrument)
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
    attempt = TestAttempt(
        enrolment_id=enrolment.id,
        instrument_id=instrument.id,
        number=len(attempts) + 1,
        order=json.dumps(order),
        started_at=now,
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def paper(attempt: TestAttempt) -> list[tuple[Question, list[QuestionOption]]]:
    """The attempt's questions and options in its own shuffled order (two queries)."""
    order = json.loads(attempt.order)
    questions = {
        q.id: q
        for q in db.session.scalars(
            sa.select(Question).where(Question.id.in_([q for q, _o in order]))
        )
    }
    options = {
        o.id: o
        for o in db.session.scalars(
            sa.select(QuestionOption).where(
                QuestionOption.id.in_([o for _q, ids in order for o in ids])
            )
        )
    }
    return [(questions[q], [options[o] for o in ids]) for q, ids in order]


def submit_attempt(
    trainee, attempt: TestAttempt, answers: dict[int, int | None], now: datetime
) -> rules.TestOutcome:
    """Score an open attempt; a second submission is refused."""
    enrolment = db.session.get(Enrolment, attempt.enrolment_id)
    _own(trainee, enrolment)
    acquire_lock(f"test:{enrolment.id}:{attempt.instrument_id}")
    db.session.refresh(attempt)
    if attempt.submitted_at is not None:
        raise DomainError(_l("This test was already submitted."))
    order = json.loads(attempt.order)
    allowed = {q: set(ids) for q, ids in order}
    for question_id, option_id in answers.items():
        if question_id not in allowed or (
            option_id is not None and option_id not in allowed[question_id]
        ):
            raise DomainError(_l("An answer does not belong to this test."))
    key = dict(
        db.session.execute(
            sa.select(QuestionOption.question_id, QuestionOption.id).where(
                QuestionOption.question_id.in_(list(allowed)), QuestionOption.correct.is_(True)
            )
        ).all()
    )
    instrument = db.session.get(Instrument, attempt.instrument_id)
    outcome = rules.test_outcome(
        key, {q: answers.get(q) for q in allowed}, instrument.pass_mark_percent or 100
    )
    attempt.answers = [TestAnswer(question_id=q, option_id=answers.get(q)) for q in allowed]
    attempt.submitted_at, attempt.score_percent = now, outcome.score_percent
    attempt.passed = outcome.passed
    audit.record(
        trainee,
        "test.submitted",
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
