"""Quality improvement actions: what a facility will do about a failing indicator, and their
review at the next round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..audit import services as audit
from ..errors import DomainError
from ..extensions import db
from ..i18n import local_date
from ..users.models import User
from .models import (
    ActionStatus,
    AssessmentRound,
    AssessmentStatus,
    ImprovementAction,
    QualityAssessment,
    QualityIndicator,
)
from .results import failing_results
from .services import require_assessor


def staff_of(facility_id: int) -> list[User]:
    """The active people whose facility this is, by family name: who may be responsible."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.facility_id == facility_id, User.active.is_(True))
            .order_by(User.family_name_en)
        )
    )


@dataclass
class ActionData:
    indicator_id: int
    title_km: str | None
    title_en: str | None
    due_on: date
    responsible_id: int | None = None
    responsible_name: str | None = None


def add_action(actor, assessment: QualityAssessment, data: ActionData, now: datetime):
    """Plan an action for one of the assessment's failing indicators."""
    require_assessor(actor, assessment.facility)
    if assessment.status == AssessmentStatus.DRAFT:
        raise DomainError(_l("Plan actions once the assessment is submitted."))
    failing = {r.indicator.id: r.indicator for r in failing_results(assessment)}
    indicator: QualityIndicator | None = failing.get(data.indicator_id)
    if indicator is None:
        raise DomainError(_l("Choose one of this assessment's failing indicators."), "indicator_id")
    title_km, title_en = (data.title_km or "").strip(), (data.title_en or "").strip()
    if not (title_km or title_en):
        raise DomainError(_l("Describe the action in Khmer or in English."), "title_km")
    if data.due_on < local_date(now):
        raise DomainError(_l("The due date cannot be in the past."), "due_on")
    if data.responsible_id is not None:
        person = db.session.get(User, data.responsible_id)
        if person is None or person.facility_id != assessment.facility_id:
            raise DomainError(_l("Choose someone who works at this facility."), "responsible_id")
    elif not (data.responsible_name or "").strip():
        raise DomainError(_l("Name the person responsible."), "responsible_id")
    action = ImprovementAction(
        facility_id=assessment.facility_id,
        assessment_id=assessment.id,
        indicator_id=indicator.id,
        title_km=title_km or None,
        title_en=title_en or None,
        responsible_id=data.responsible_id,
        responsible_name=(data.responsible_name or "").strip() or None,
        due_on=data.due_on,
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(action)
    db.session.flush()
    audit.record(
        actor,
        "quality.action_added",
        action,
        now=now,
        indicator=indicator.code,
        due_on=str(data.due_on),
    )
    return action


def review_action(
    actor,
    action: ImprovementAction,
    status: ActionStatus,
    note: str | None,
    round_: AssessmentRound | None,
    now: datetime,
) -> None:
    """Record an action's progress, usually when the next round reviews it."""
    require_assessor(actor, action.facility)
    if status in (ActionStatus.DONE, ActionStatus.DROPPED) and not (note or "").strip():
        raise DomainError(_l("Say what was done, or why the action was dropped."), "review_note")
    if round_ is not None and round_.starts_on < action.assessment.round.starts_on:
        raise DomainError(_l("An action is reviewed in its own round or a later one."), "round_id")
    action.status = status
    action.review_note = (note or "").strip() or None
    action.reviewed_round_id = round_.id if round_ else None
    action.reviewed_at = now
    db.session.flush()
    audit.record(
        actor,
        "quality.action_reviewed",
        action,
        now=now,
        status=status.value,
        round=round_.code if round_ else None,
        note=action.review_note,
    )
