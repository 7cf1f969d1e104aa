"""Capturing an assessment: starting it, saving answers one domain at a time, submitting it.

Services take the acting user and `now`, change the database in the caller's transaction and
write the audit trail; they raise DomainError with a translatable message for what a user can fix.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...audit import services as audit
from ...auth.roles import Role
from ...database import acquire_lock
from ...errors import DomainError
from ...extensions import db
from ...i18n import local_date
from ...orgunits.models import Facility
from ...users.models import User
from .. import computed, scoring
from ..models import (
    AssessmentRound,
    AssessmentStatus,
    QualityAnswer,
    QualityAssessment,
    QualityIndicator,
    QualityTool,
)
from .access import require_assessor, require_team
from .answers import AnswerErrors, AnswerInput, check_answer
from .rounds_and_tools import applicable, load_tool, tool_for


def lock_visit(facility_id: int, round_id: int) -> None:
    """Serialise every change to one facility's assessments in one round."""
    acquire_lock(f"quality:{facility_id}:{round_id}")


def lock_assessment(assessment: QualityAssessment) -> None:
    """Lock the assessment's visit, then re-read it: a decision taken on a stale copy (saving
    into what another request just submitted) is refused."""
    lock_visit(assessment.facility_id, assessment.round_id)
    db.session.refresh(assessment)


def _fill_computed(assessment: QualityAssessment, tool: QualityTool) -> None:
    """Compute the LMS-based indicators at the assessment date and store them as answers."""
    staff = computed.staff_on(assessment.facility_id, assessment.assessed_on)
    held = computed.certified_on([s.user_id for s in staff], assessment.assessed_on)
    existing = {a.indicator_id: a for a in assessment.answers}
    for domain in applicable(tool, assessment.facility.type.value):
        for indicator in domain.indicators:
            if not indicator.is_computed:
                continue
            value, detail = computed.evaluate(indicator, staff, held)
            answer = existing.get(indicator.id)
            if answer is None:
                answer = QualityAnswer(indicator_id=indicator.id)
                assessment.answers.append(answer)
            answer.value, answer.choice, answer.detail_json = value, None, json.dumps(detail)


def start_assessment(
    actor,
    facility: Facility,
    round_: AssessmentRound,
    assessed_on: date,
    co_assessors: list[User],
    now: datetime,
) -> QualityAssessment:
    """Open a draft assessment of a facility in a round, with the tool version in effect."""
    require_assessor(actor, facility)
    if not round_.starts_on <= assessed_on <= round_.ends_on:
        raise DomainError(_l("The date must fall within the round."), "assessed_on")
    if assessed_on > local_date(now):
        raise DomainError(_l("The assessment date cannot be in the future."), "assessed_on")
    tool = tool_for(facility, assessed_on)
    if tool is None:
        raise DomainError(_l("No published assessment tool applies to this type of facility."))
    lock_visit(facility.id, round_.id)
    existing = db.session.scalar(
        sa.select(QualityAssessment.id)
        .where(
            QualityAssessment.facility_id == facility.id,
            QualityAssessment.round_id == round_.id,
        )
        .limit(1)
    )
    if existing:
        raise DomainError(
            _l("This facility already has an assessment in this round; open it instead."),
            "facility_id",
        )
    for person in co_assessors:
        if not person.has_role(Role.QUALITY_ASSESSOR, Role.ADMIN):
            raise DomainError(_l("Co-assessors must be quality assessors."), "assessor_ids")
    assessment = QualityAssessment(
        facility=facility,
        round=round_,
        tool_id=tool.id,
        assessed_on=assessed_on,
        created_by_id=actor.id,
        created_at=now,
        updated_at=now,
        status=AssessmentStatus.DRAFT,
        assessors=[actor] + [p for p in co_assessors if p.id != actor.id],
    )
    db.session.add(assessment)
    _fill_computed(assessment, load_tool(tool.id))
    db.session.flush()
    audit.record(
        actor,
        "quality.assessment_started",
        assessment,
        now=now,
        facility=facility.code,
        round=round_.code,
        tool=f"{tool.code} v{tool.version}",
        assessed_on=str(assessed_on),
    )
    return assessment


def _require_open(assessment: QualityAssessment) -> None:
    if not assessment.editable:
        raise DomainError(_l("Only a draft can be changed; a correction makes a new version."))


def _take_draft(actor, assessment: QualityAssessment) -> QualityTool:
    """Check the actor may change the draft, lock it, and load its tool."""
    require_team(actor, assessment)
    lock_assessment(assessment)
    _require_open(assessment)
    return load_tool(assessment.tool_id)


def save_answers(
    actor, assessment: QualityAssessment, answers: dict[int, AnswerInput], now: datetime
) -> None:
    """Save answers of a draft: all of them, or none when any is refused (AnswerErrors)."""
    tool = _take_draft(actor, assessment)
    if actor.id not in {u.id for u in assessment.assessors}:
        assessment.assessors.append(actor)  # an administrator who answers joins the team
    indicators = {
        i.id: i for d in applicable(tool, assessment.facility.type.value) for i in d.indicators
    }
    errors: dict[int, object] = {}
    checked = {}
    for indicator_id, given in answers.items():
        indicator = indicators.get(indicator_id)
        if indicator is None:
            raise DomainError(_l("An answer was given for an indicator that is not in this tool."))
        if indicator.is_computed:
            raise DomainError(_l("Computed indicators are filled in by the system."))
        try:
            checked[indicator_id] = check_answer(indicator, given)
        except DomainError as error:
            errors[indicator_id] = error.message
    if errors:
        raise AnswerErrors(errors)
    existing = {a.indicator_id: a for a in assessment.answers}
    for indicator_id, (choice, value) in checked.items():
        note = (answers[indicator_id].note or "").strip() or None
        answer = existing.get(indicator_id)
        if answer is None:
            if choice is None and value is None and note is None:
                continue
            answer = QualityAnswer(indicator_id=indicator_id)
            assessment.answers.append(answer)
        answer.choice, answer.value, answer.note = choice, value, note
    assessment.updated_at = now
    db.session.flush()
    audit.record(
        actor,
        "quality.answers_saved",
        assessment,
        now=now,
        indicators=sorted(indicators[i].code for i in checked),
    )


def score_of(assessment: QualityAssessment, tool: QualityTool | None = None) -> scoring.Score:
    """Score the assessment's answers with its tool version."""
    tool = tool or load_tool(assessment.tool_id)
    domains = applicable(tool, assessment.facility.type.value)
    by_id = {i.id: i.code for d in domains for i in d.indicators}
    given = {
        by_id[a.indicator_id]: (a.choice, a.value)
        for a in assessment.answers
        if a.indicator_id in by_id
    }
    return scoring.score(domains, given, tool.critical_cap_percent)


def missing_answers(assessment: QualityAssessment, tool: QualityTool) -> list[QualityIndicator]:
    """The applicable answered indicators that have no answer yet (computed ones never count:
    with no staff of their cadre they have no value, and are left out of the score)."""
    answered = {a.indicator_id for a in assessment.answers if a.choice or a.value is not None}
    return [
        i
        for d in applicable(tool, assessment.facility.type.value)
        for i in d.indicators
        if i.id not in answered and not i.is_computed
    ]


def submit(actor, assessment: QualityAssessment, now: datetime) -> scoring.Score:
    """Send a complete draft for validation; computed indicators are evaluated again first."""
    tool = _take_draft(actor, assessment)
    _fill_computed(assessment, tool)
    missing = missing_answers(assessment, tool)
    if missing:
        raise DomainError(
            _l(
                "%(n)s indicator(s) are not answered yet: %(codes)s",
                n=len(missing),
                codes=", ".join(i.code for i in missing[:10]),
            )
        )
    result = score_of(assessment, tool)
    assessment.overall_score, assessment.raw_score = result.overall, result.raw
    assessment.capped = result.capped
    assessment.domain_scores_json = json.dumps(result.domains)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at, assessment.submitted_by_id = now, actor.id
    assessment.updated_at = now
    db.session.flush()
    audit.record(
        actor,
        "quality.assessment_submitted",
        assessment,
        now=now,
        overall=result.overall,
        capped=result.capped,
    )
    return result
