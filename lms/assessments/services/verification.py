"""Verification by a second assessor: a result that needs it counts once someone else confirms."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...audit import services as audit
from ...errors import DomainError
from ...extensions import db
from ...training import services as training
from ...training.models import Cohort, Enrolment
from ..models import AssessmentRecord, RecordStatus


def verify(actor, record: AssessmentRecord, now: datetime) -> None:
    """A second instructor confirms a result that needs it; never the first assessor."""
    training.require_manager(actor, record.enrolment.cohort)
    if not record.needs_verification or record.status != RecordStatus.SUBMITTED:
        raise DomainError(_l("This record does not wait for verification."))
    if record.verified_at is not None:
        raise DomainError(_l("This record was already verified."))
    if record.superseded:
        raise DomainError(_l("This record was corrected; verify the correction instead."))
    if actor is not None and actor.id in (record.assessor_id, record.enrolment.trainee_id):
        raise DomainError(_l("A second assessor must be someone other than the first."))
    record.verified_by_id, record.verified_at = getattr(actor, "id", None), now
    audit.record(actor, "assessment.verified", record, now=now)


def may_verify(user, record: AssessmentRecord) -> bool:
    """Whether to offer `user` to verify the record: it waits for a second assessor and
    `user` is not its first one (the record page offers it to the cohort's managers)."""
    return record.awaits_verification and record.assessor_id != user.id


def records_to_verify(cohort: Cohort) -> list[AssessmentRecord]:
    """The cohort's current submitted records that still wait for a second assessor."""
    return list(
        db.session.scalars(
            sa.select(AssessmentRecord)
            .join(Enrolment)
            .where(
                Enrolment.cohort_id == cohort.id,
                AssessmentRecord.needs_verification.is_(True),
                AssessmentRecord.verified_at.is_(None),
                AssessmentRecord.superseded.is_(False),
                AssessmentRecord.status == RecordStatus.SUBMITTED,
            )
        )
    )
