"""What is next in facility quality, for a quality assessor's home page: their drafts (those
returned by a validator first), the submitted assessments waiting for them to validate, and
the facilities of the current round nobody has started yet.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit.models import AuditEvent
from ..extensions import db
from ..i18n import local_date
from ..navigation import Todo
from ..orgunits.models import Facility
from ..users.models import User
from .models import AssessmentRound, AssessmentStatus, QualityAssessment, assessment_assessors
from .services.access import assessable_facilities

MOST = 10  # assessments of one kind listed; past that, one more item leads to the work list
RETURNED = "quality.assessment_returned"  # the audit action `return_to_draft` records


def _assessments(user: User, *conditions, returned=None):
    """(id, facility names, round titles, returned) of assessments in the user's facilities,
    most recently changed first, one more than listed (one query)."""
    facilities = assessable_facilities(user).with_only_columns(Facility.id)
    flag = returned if returned is not None else sa.false()
    return db.session.execute(
        sa.select(
            QualityAssessment.id,
            Facility.name_km,
            Facility.name_en,
            AssessmentRound.title_km,
            AssessmentRound.title_en,
            flag.label("returned"),
        )
        .join(Facility, Facility.id == QualityAssessment.facility_id)
        .join(AssessmentRound, AssessmentRound.id == QualityAssessment.round_id)
        .where(QualityAssessment.facility_id.in_(facilities), *conditions)
        .order_by(QualityAssessment.updated_at.desc(), QualityAssessment.id)
        .limit(MOST + 1)
    ).all()


def _item(code: str, title, row) -> Todo:
    _id, fkm, fen, rkm, ren, _returned = row
    return Todo(
        code,
        title,
        "quality.show_assessment",
        (("assessment_id", row.id),),
        subject_km=f"{fkm or fen} · {rkm or ren}",
        subject_en=f"{fen or fkm} · {ren or rkm}",
    )


def _current_round(user: User, now: datetime):
    """The round holding today (the latest, if several), else the newest, with how many of
    the user's facilities have no assessment in it yet (one query); None without rounds."""
    today = local_date(now)
    started = (
        sa.exists()
        .where(
            QualityAssessment.facility_id == Facility.id,
            QualityAssessment.round_id == AssessmentRound.id,
        )
        .correlate_except(QualityAssessment)  # the facility counted, in the round read
    )
    untouched = (
        assessable_facilities(user)
        .with_only_columns(sa.func.count(Facility.id))
        .where(~started)
        .scalar_subquery()
    )
    holding = sa.and_(AssessmentRound.starts_on <= today, AssessmentRound.ends_on >= today)
    return db.session.execute(
        sa.select(
            AssessmentRound.id,
            AssessmentRound.title_km,
            AssessmentRound.title_en,
            untouched.label("untouched"),
        )
        .order_by(sa.case((holding, 1), else_=0).desc(), AssessmentRound.starts_on.desc())
        .limit(1)
    ).first()


def assessor(user: User, now: datetime) -> list[Todo]:
    """Returned assessments and drafts of the user's teams, assessments the user may validate
    (not their team's: a second assessor validates) and the facilities still to assess in the
    current round (three queries)."""
    team = sa.select(assessment_assessors.c.assessment_id).where(
        assessment_assessors.c.user_id == user.id
    )
    returned = sa.exists().where(
        AuditEvent.object_type == QualityAssessment.audit_type,
        AuditEvent.object_id == sa.cast(QualityAssessment.id, sa.String),
        AuditEvent.action == RETURNED,
    )
    drafts = _assessments(
        user,
        QualityAssessment.status == AssessmentStatus.DRAFT,
        QualityAssessment.superseded_at.is_(None),
        QualityAssessment.id.in_(team),
        returned=returned,
    )
    found = [
        _item("returned", _l("Returned to you: see what to change"), row)
        for row in drafts[:MOST]
        if row.returned
    ]
    found += [
        _item("draft", _l("Draft to finish"), row) for row in drafts[:MOST] if not row.returned
    ]
    to_validate = _assessments(
        user,
        QualityAssessment.status == AssessmentStatus.SUBMITTED,
        QualityAssessment.id.not_in(team),
        QualityAssessment.created_by_id != user.id,
        sa.or_(
            QualityAssessment.submitted_by_id.is_(None),
            QualityAssessment.submitted_by_id != user.id,
        ),
    )
    found += [
        _item("to_validate", _l("Waiting for your validation"), row) for row in to_validate[:MOST]
    ]
    if len(drafts) > MOST or len(to_validate) > MOST:
        found.append(Todo("more_assessments", _l("More assessments"), "quality.index"))
    current = _current_round(user, now)
    if current is not None and current.untouched:
        found.append(
            Todo(
                "facilities_to_assess",
                _l("Facilities not assessed yet in this round"),
                "quality.new_assessment",
                count=current.untouched,
                subject_km=current.title_km or current.title_en,
                subject_en=current.title_en or current.title_km,
            )
        )
    return found
