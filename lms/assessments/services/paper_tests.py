"""Knowledge tests taken on paper: the instructor enters the score, the pass mark decides."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from ...curricula.models import Instrument
from ...curricula.spec import InstrumentType
from ...errors import DomainError
from ...extensions import db
from ...training.models import Enrolment
from .. import rules
from ..models import AssessmentRecord, RecordMethod
from .records import mark_submitted, new_record, require_assessor


def checked_score(score_percent: float) -> float:
    """A paper-test score as kept: a percentage from 0 to 100, to one decimal."""
    if not 0 <= score_percent <= 100:
        raise DomainError(_l("The score is a percentage from 0 to 100."), "score_percent")
    return round(score_percent, 1)


def paper_record(
    actor,
    enrolment: Enrolment,
    instrument: Instrument,
    score_percent: float,
    assessed_on: date,
    now: datetime,
    comments: str | None = None,
) -> AssessmentRecord:
    """A new paper-test record with its checked score, passed or not by the pass mark."""
    score_percent = checked_score(score_percent)
    return new_record(
        actor,
        enrolment,
        instrument,
        RecordMethod.PAPER_TEST,
        now,
        assessed_on=assessed_on,
        score_percent=score_percent,
        comments=comments or None,
        passed=rules.paper_test_passed(score_percent, instrument.pass_mark_percent or 100),
    )


def save_paper_test(
    actor,
    enrolment: Enrolment,
    instrument: Instrument,
    score_percent: float,
    assessed_on: date,
    comments: str | None,
    now: datetime,
) -> AssessmentRecord:
    """Record the score of a knowledge test taken on paper; the pass mark decides."""
    require_assessor(actor, enrolment)
    if instrument.type != InstrumentType.KNOWLEDGE_TEST:
        raise DomainError(_l("This instrument is not a knowledge test."), "instrument_id")
    record = paper_record(actor, enrolment, instrument, score_percent, assessed_on, now, comments)
    mark_submitted(actor, record, now)
    db.session.flush()
    return record
