"""Reading assessments: one with what its page shows, and a user's open work."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ...auth.roles import Role
from ...extensions import db
from ...orgunits.models import Facility
from ...users.models import User
from .. import scoring
from ..models import (
    AssessmentStatus,
    ImprovementAction,
    QualityAnswer,
    QualityAssessment,
    QualityIndicator,
    QualityTool,
)
from ..results import IndicatorResult, actions_due, failing_results
from .access import assessable_facilities, may_validate, on_team
from .capture import missing_answers, score_of
from .rounds_and_tools import DomainView, applicable, load_tool


def load_assessment(assessment_id: int) -> QualityAssessment | None:
    """An assessment with its facility, round, answers and assessors, or None."""
    return db.session.scalar(
        sa.select(QualityAssessment)
        .options(
            joinedload(QualityAssessment.facility),
            joinedload(QualityAssessment.round),
            selectinload(QualityAssessment.answers),
            selectinload(QualityAssessment.assessors),
        )
        .where(QualityAssessment.id == assessment_id)
    )


def assessments_for(user: User, limit: int = 50) -> list[QualityAssessment]:
    """Open work for a user: drafts of their teams, and submitted ones they could validate."""
    stmt = (
        sa.select(QualityAssessment)
        .options(
            joinedload(QualityAssessment.facility),
            joinedload(QualityAssessment.round),
            selectinload(QualityAssessment.assessors),
        )
        .where(QualityAssessment.status != AssessmentStatus.VALIDATED)
        .order_by(QualityAssessment.updated_at.desc())
        .limit(limit)
    )
    if not user.has_role(Role.ADMIN):
        stmt = stmt.where(
            QualityAssessment.facility_id.in_(
                assessable_facilities(user).with_only_columns(Facility.id)
            )
        )
    return list(db.session.scalars(stmt))


@dataclass
class Work:
    drafts: list[QualityAssessment]
    to_validate: list[QualityAssessment]
    waiting: list[QualityAssessment]  # submitted by the user's teams: a second assessor's turn


def work_of(user: User) -> Work:
    """A user's open work in three lists. It lies within the user's facilities, so the team
    decides who validates: a submitted assessment waits when the user is on its team."""
    work = Work([], [], [])
    for a in assessments_for(user):
        if a.status == AssessmentStatus.DRAFT:
            work.drafts.append(a)
        elif a.status == AssessmentStatus.SUBMITTED:
            (work.waiting if on_team(user, a) else work.to_validate).append(a)
    return work


@dataclass
class AssessmentPage:
    """What an assessment's page shows to one user."""

    tool: QualityTool
    domains: list[DomainView]
    answers: dict[int, QualityAnswer]
    score: scoring.Score
    missing: list[QualityIndicator]  # of a draft
    to_review: list[ImprovementAction]  # planned at earlier visits and not closed
    failing: list[IndicatorResult]  # once submitted
    team: bool  # the user may change its answers
    can_validate: bool


def assessment_page(user: User, assessment: QualityAssessment) -> AssessmentPage:
    """The assessment's tool, answers and score, what is missing, the facility's actions to
    review, the failing indicators, and what the user may do with it."""
    tool = load_tool(assessment.tool_id)
    return AssessmentPage(
        tool=tool,
        domains=applicable(tool, assessment.facility.type.value),
        answers={a.indicator_id: a for a in assessment.answers},
        score=score_of(assessment, tool),
        missing=missing_answers(assessment, tool) if assessment.editable else [],
        to_review=[
            a for a in actions_due(assessment.facility_id) if a.assessment_id != assessment.id
        ],
        failing=failing_results(assessment) if assessment.status != AssessmentStatus.DRAFT else [],
        team=user.has_role(Role.ADMIN) or user.id in {u.id for u in assessment.assessors},
        can_validate=assessment.status == AssessmentStatus.SUBMITTED
        and may_validate(user, assessment),
    )
