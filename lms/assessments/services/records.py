"""Who assesses whom, the instruments of a trainee's plan, and the records kept.

Object rules: only instructors of the trainee's cohort (or administrators) assess, and nobody
assesses themselves.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...audit import services as audit
from ...auth.roles import Role
from ...curricula.models import Instrument
from ...errors import DomainError, Forbidden
from ...extensions import db
from ...training import services as training
from ...training.models import Enrolment, EnrolmentStatus
from ..models import AssessmentRecord, RecordMethod, RecordStatus


def require_assessor(actor, enrolment: Enrolment) -> None:
    """The actor teaches the trainee's cohort (or administers) and is not the trainee."""
    if actor is not None and actor.id == enrolment.trainee_id:
        raise Forbidden(_l("Nobody may assess themselves."))
    training.require_manager(actor, enrolment.cohort)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise DomainError(_l("Only enrolled trainees can be assessed."))


def may_view(user, enrolment: Enrolment) -> bool:
    """The trainee themselves, the cohort's managers and officers see an enrolment's evidence."""
    return (
        enrolment.trainee_id == user.id
        or training.manages(user, enrolment.cohort)
        or user.has_role(Role.OFFICER)
    )


def find_instrument(enrolment: Enrolment, instrument_id: int) -> Instrument | None:
    """The instrument of the assessment plan of the trainee's curriculum, or None."""
    instrument = db.session.get(Instrument, instrument_id)
    if instrument is None or instrument.curriculum_id != enrolment.cohort.curriculum_id:
        return None
    return instrument


def instrument_of(enrolment: Enrolment, instrument_id: int) -> Instrument:
    """An instrument of the assessment plan of the trainee's curriculum, or DomainError."""
    instrument = find_instrument(enrolment, instrument_id)
    if instrument is None:
        raise DomainError(
            _l("This instrument is not in the curriculum of this cohort."), "instrument_id"
        )
    return instrument


def new_record(
    actor,
    enrolment: Enrolment,
    instrument: Instrument,
    method: RecordMethod,
    now: datetime,
    **values,
) -> AssessmentRecord:
    """A new record by `actor` of the trainee with the instrument (a draft, added to the
    session); it waits for a second assessor when the instrument asks for one."""
    record = AssessmentRecord(
        enrolment_id=enrolment.id,
        instrument_id=instrument.id,
        method=method,
        assessor_id=actor.id,
        created_at=now,
        needs_verification=instrument.second_assessor,
        **values,
    )
    db.session.add(record)
    return record


def mark_submitted(actor, record: AssessmentRecord, now: datetime) -> None:
    """Submit a record (it never changes again) and audit its result."""
    record.status = RecordStatus.SUBMITTED
    record.submitted_at = now
    db.session.flush()
    audit.record(
        actor,
        "assessment.submitted",
        record,
        now=now,
        enrolment=record.enrolment_id,
        instrument=record.instrument_id,
        passed=record.passed,
        corrects=record.corrects_id,
    )


def records_of(enrolment: Enrolment) -> list[AssessmentRecord]:
    """Every assessment record of an enrolment, newest first (corrected ones included)."""
    return list(
        db.session.scalars(
            sa.select(AssessmentRecord)
            .where(AssessmentRecord.enrolment_id == enrolment.id)
            .order_by(AssessmentRecord.id.desc())
        )
    )


def history(record: AssessmentRecord) -> list[AssessmentRecord]:
    """The record and every version it corrected, newest first."""
    chain, current = [], record
    while current is not None:
        chain.append(current)
        current = current.corrects
    return chain
