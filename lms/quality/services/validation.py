"""Validating a submitted assessment (a second assessor), returning it, and correcting a
validated one with a new version."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...audit import services as audit
from ...errors import DomainError
from ...extensions import db
from ..models import AssessmentStatus, QualityAnswer, QualityAssessment
from .access import require_assessor, require_validator
from .capture import lock_assessment, lock_visit


def _take_submitted(actor, assessment: QualityAssessment, refusal) -> None:
    """Check the actor may validate, lock the assessment, and refuse (with `refusal`) one that
    is not awaiting validation."""
    require_validator(actor, assessment)
    lock_assessment(assessment)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise DomainError(refusal)


def validate(actor, assessment: QualityAssessment, now: datetime) -> None:
    """A second quality assessor (or an administrator) confirms a submitted assessment. From
    then on it never changes; a correction it replaces is marked superseded."""
    _take_submitted(actor, assessment, _l("Only a submitted assessment can be validated."))
    if assessment.supersedes_id:
        previous = db.session.get(QualityAssessment, assessment.supersedes_id)
        previous.superseded_at = now
        db.session.flush()
    assessment.status = AssessmentStatus.VALIDATED
    assessment.validated_at, assessment.validated_by_id = now, actor.id
    db.session.flush()
    audit.record(
        actor,
        "quality.assessment_validated",
        assessment,
        now=now,
        overall=assessment.overall_score,
        version=assessment.version,
    )


def return_to_draft(actor, assessment: QualityAssessment, reason: str, now: datetime) -> None:
    """The validator sends a submitted assessment back to its assessors, saying why."""
    _take_submitted(actor, assessment, _l("Only a submitted assessment can be returned."))
    if not (reason or "").strip():
        raise DomainError(_l("Say what needs changing."), "reason")
    assessment.status = AssessmentStatus.DRAFT
    assessment.submitted_at = assessment.submitted_by_id = None
    assessment.updated_at = now
    db.session.flush()
    audit.record(actor, "quality.assessment_returned", assessment, now=now, reason=reason.strip())


def correct(actor, assessment: QualityAssessment, reason: str, now: datetime) -> QualityAssessment:
    """Start a corrected version of a validated assessment (a draft copy of its answers). The
    validated version stays the result until the correction is validated in turn."""
    require_assessor(actor, assessment.facility)
    if not assessment.is_current_result:
        raise DomainError(_l("Only the current validated assessment can be corrected."))
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason for the correction."), "reason")
    lock_visit(assessment.facility_id, assessment.round_id)
    open_version = db.session.scalar(
        sa.select(QualityAssessment.id).where(
            QualityAssessment.facility_id == assessment.facility_id,
            QualityAssessment.round_id == assessment.round_id,
            QualityAssessment.status != AssessmentStatus.VALIDATED,
        )
    )
    if open_version:
        raise DomainError(_l("A correction of this assessment is already under way."))
    copy = QualityAssessment(
        facility_id=assessment.facility_id,
        round_id=assessment.round_id,
        tool_id=assessment.tool_id,
        version=assessment.version + 1,
        supersedes_id=assessment.id,
        correction_reason=reason.strip(),
        assessed_on=assessment.assessed_on,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
        status=AssessmentStatus.DRAFT,
        assessors=list({u.id: u for u in [actor, *assessment.assessors]}.values()),
        answers=[
            QualityAnswer(
                indicator_id=a.indicator_id,
                choice=a.choice,
                value=a.value,
                note=a.note,
                detail_json=a.detail_json,
            )
            for a in assessment.answers
        ],
    )
    db.session.add(copy)
    db.session.flush()
    audit.record(
        actor,
        "quality.correction_started",
        copy,
        now=now,
        supersedes=assessment.id,
        reason=reason.strip(),
    )
    return copy
