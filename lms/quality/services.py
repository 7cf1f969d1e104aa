"""Facility quality assessments: who may assess what, capture, submit, validate, correct.

Services take the acting user and `now`, change the database in the caller's transaction and
write the audit trail; they raise DomainError with a translatable message for what a user can fix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from ..audit import services as audit
from ..auth.roles import Role
from ..database import acquire_lock
from ..errors import DomainError, Forbidden
from ..extensions import db
from ..frameworks.spec import Status
from ..i18n import khmer_digits, local_date
from ..orgunits.models import Facility
from ..users.models import User
from . import computed, scoring
from .models import (
    Answer,
    AssessmentRound,
    AssessmentStatus,
    AssessorScope,
    QualityAnswer,
    QualityAssessment,
    QualityDomain,
    QualityIndicator,
    QualityTool,
)
from .spec import AnswerType

# --- Who may assess which facility -------------------------------------------------------------


def scopes_of(user: User) -> list[AssessorScope]:
    return list(
        db.session.scalars(
            sa.select(AssessorScope)
            .options(joinedload(AssessorScope.province), joinedload(AssessorScope.facility))
            .where(AssessorScope.user_id == user.id)
        )
    )


def assessable_facilities(user: User) -> sa.Select:
    """Facilities the user may assess: all for administrators, else the assigned ones."""
    stmt = sa.select(Facility).where(Facility.active.is_(True))
    if user.has_role(Role.ADMIN):
        return stmt
    if not user.has_role(Role.QUALITY_ASSESSOR):
        return stmt.where(sa.false())
    scope = sa.select(AssessorScope).where(AssessorScope.user_id == user.id)
    provinces = scope.with_only_columns(AssessorScope.province_id).where(
        AssessorScope.province_id.is_not(None)
    )
    facilities = scope.with_only_columns(AssessorScope.facility_id).where(
        AssessorScope.facility_id.is_not(None)
    )
    return stmt.where(sa.or_(Facility.province_id.in_(provinces), Facility.id.in_(facilities)))


def may_assess(user: User, facility: Facility) -> bool:
    if user.has_role(Role.ADMIN):
        return True
    return (
        db.session.scalar(
            assessable_facilities(user)
            .with_only_columns(Facility.id)
            .where(Facility.id == facility.id)
        )
        is not None
    )


def require_assessor(user: User, facility: Facility) -> None:
    if not may_assess(user, facility):
        raise Forbidden(_l("You are not assigned to assess this facility."))


def set_scopes(actor, user: User, province_ids: list[int], facility_ids: list[int], now) -> None:
    """Replace a quality assessor's assigned provinces and facilities."""
    if not user.has_role(Role.QUALITY_ASSESSOR):
        raise DomainError(_l("Only quality assessors are assigned facilities."))
    db.session.execute(sa.delete(AssessorScope).where(AssessorScope.user_id == user.id))
    for pid in sorted(set(province_ids)):
        db.session.add(AssessorScope(user_id=user.id, province_id=pid))
    for fid in sorted(set(facility_ids)):
        db.session.add(AssessorScope(user_id=user.id, facility_id=fid))
    db.session.flush()
    audit.record(
        actor,
        "quality.scopes_set",
        "user",
        user.id,
        {"provinces": sorted(set(province_ids)), "facilities": sorted(set(facility_ids))},
        now=now,
    )


# --- Rounds and tools --------------------------------------------------------------------------


@dataclass
class RoundData:
    code: str
    title_km: str
    title_en: str
    starts_on: date
    ends_on: date


def quarters(day: date, count: int) -> list[RoundData]:
    """The last `count` calendar quarters, the one holding `day` included, oldest first, as
    rounds: code `2026-Q4`, titles in Khmer and English."""
    year, quarter = day.year, (day.month - 1) // 3
    found = []
    for _ in range(count):
        start = date(year, quarter * 3 + 1, 1)
        end = date(year + (quarter == 3), (quarter * 3 + 3) % 12 + 1, 1) - timedelta(days=1)
        q = quarter + 1
        found.append(
            RoundData(
                f"{year}-Q{q}",
                f"ត្រីមាសទី{khmer_digits(q)} ឆ្នាំ{khmer_digits(year)}",
                f"{year}, quarter {q}",
                start,
                end,
            )
        )
        year, quarter = (year, quarter - 1) if quarter else (year - 1, 3)
    return found[::-1]


def save_round(actor, data: RoundData, now, round_: AssessmentRound | None = None):
    """Create or change an assessment round (a period, e.g. a quarter)."""
    if data.ends_on < data.starts_on:
        raise DomainError(_l("The round must end on or after its first day."), "ends_on")
    clash = db.session.scalar(
        sa.select(AssessmentRound.id).where(
            AssessmentRound.code == data.code,
            AssessmentRound.id != (round_.id if round_ else -1),
        )
    )
    if clash:
        raise DomainError(_l("Another round has this code."), "code")
    if round_ is None:
        round_ = AssessmentRound()
        db.session.add(round_)
    for name, value in vars(data).items():
        setattr(round_, name, value)
    db.session.flush()
    audit.record(
        actor,
        "quality.round_saved",
        "quality_round",
        round_.id,
        {"code": data.code, "starts_on": str(data.starts_on), "ends_on": str(data.ends_on)},
        now=now,
    )
    return round_


def rounds() -> list[AssessmentRound]:
    return list(db.session.scalars(sa.select(AssessmentRound).order_by(AssessmentRound.starts_on)))


def tool_for(facility: Facility, day: date) -> QualityTool | None:
    """The newest published tool version for the facility's type in effect on `day`."""
    candidates = db.session.scalars(
        sa.select(QualityTool)
        .where(
            QualityTool.status == Status.PUBLISHED,
            sa.or_(QualityTool.effective_date.is_(None), QualityTool.effective_date <= day),
        )
        .order_by(QualityTool.version.desc())
    )
    for tool in candidates:
        if facility.type.value in tool.facility_types:
            return tool
    return None


def load_tool(tool_id: int) -> QualityTool:
    """A tool with its domains, indicators and their competencies (three queries)."""
    return db.session.scalar(
        sa.select(QualityTool)
        .options(
            selectinload(QualityTool.domains)
            .selectinload(QualityDomain.indicators)
            .selectinload(QualityIndicator.competencies)
        )
        .where(QualityTool.id == tool_id)
    )


def applicable(tool: QualityTool, facility_type: str) -> list[QualityDomain]:
    """The tool's domains with only the indicators that apply to this type of facility."""
    result = []
    for domain in tool.domains:
        indicators = [i for i in domain.indicators if i.applies_to(facility_type)]
        if indicators:
            result.append(_DomainView(domain, indicators))
    return result


class _DomainView:
    """A domain seen through one facility type (its applicable indicators only)."""

    def __init__(self, domain: QualityDomain, indicators: list[QualityIndicator]):
        self.domain = domain
        self.indicators = indicators
        self.id, self.code, self.weight = domain.id, domain.code, domain.weight
        self.title_km, self.title_en = domain.title_km, domain.title_en


# --- Capture ------------------------------------------------------------------------------------


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
    acquire_lock(f"quality:{facility.id}:{round_.id}")
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
        "quality_assessment",
        assessment.id,
        {
            "facility": facility.code,
            "round": round_.code,
            "tool": f"{tool.code} v{tool.version}",
            "assessed_on": str(assessed_on),
        },
        now=now,
    )
    return assessment


def _lock(assessment: QualityAssessment) -> None:
    """Serialise changes to one facility's assessment in a round, then re-read it: a decision
    taken on a stale copy (saving into what another request just submitted) is refused."""
    acquire_lock(f"quality:{assessment.facility_id}:{assessment.round_id}")
    db.session.refresh(assessment)


def _require_open(assessment: QualityAssessment) -> None:
    if not assessment.editable:
        raise DomainError(_l("Only a draft can be changed; a correction makes a new version."))


def _require_team(actor, assessment: QualityAssessment) -> None:
    if actor.has_role(Role.ADMIN):
        return
    if actor.id not in {u.id for u in assessment.assessors} or not may_assess(
        actor, assessment.facility
    ):
        raise Forbidden(_l("Only this assessment's assessors may change it."))


@dataclass
class AnswerInput:
    choice: str | None = None
    value: str | float | None = None
    note: str | None = None


class AnswerErrors(DomainError):
    """Some answers were refused; `errors` maps indicator id to a message. Nothing was saved."""

    def __init__(self, errors: dict[int, object]):
        super().__init__(_l("Some answers need correcting; nothing was saved."))
        self.errors = errors


def _check_answer(indicator: QualityIndicator, given: AnswerInput):
    """(choice, value) for a valid answer, or raise DomainError with what is wrong."""
    choice = given.choice or None
    if choice == Answer.NA.value:
        if not indicator.allow_na:
            raise DomainError(_l("This indicator cannot be marked not applicable."))
        return Answer.NA, None
    if indicator.answer_type in (AnswerType.YES_NO, AnswerType.YES_PARTIAL_NO):
        allowed = {Answer.YES.value, Answer.NO.value}
        if indicator.answer_type == AnswerType.YES_PARTIAL_NO:
            allowed.add(Answer.PARTIAL.value)
        if choice is None:
            return None, None
        if choice not in allowed:
            raise DomainError(_l("This answer is not one of the choices."))
        return Answer(choice), None
    raw = given.value
    if raw is None or str(raw).strip() == "":
        return None, None
    try:
        value = float(str(raw).strip().replace(",", "."))
    except ValueError:
        raise DomainError(_l("Enter a number.")) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise DomainError(_l("Enter a number."))
    low, high = indicator.minimum, indicator.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise DomainError(
            _l("Enter a number from %(min)s to %(max)s.", min=_num(low), max=_num(high))
            if high is not None
            else _l("Enter a number of at least %(min)s.", min=_num(low))
        )
    return None, value


def _num(value) -> str:
    if value is None:
        return "∞"
    return str(int(value)) if float(value).is_integer() else str(value)


def save_answers(
    actor, assessment: QualityAssessment, answers: dict[int, AnswerInput], now: datetime
) -> None:
    """Save answers of a draft: all of them, or none when any is refused (AnswerErrors)."""
    _require_team(actor, assessment)
    _lock(assessment)
    _require_open(assessment)
    if actor.id not in {u.id for u in assessment.assessors}:
        assessment.assessors.append(actor)  # an administrator who answers joins the team
    tool = load_tool(assessment.tool_id)
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
            checked[indicator_id] = _check_answer(indicator, given)
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
        "quality_assessment",
        assessment.id,
        {"indicators": sorted(indicators[i].code for i in checked)},
        now=now,
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
    _require_team(actor, assessment)
    _lock(assessment)
    _require_open(assessment)
    tool = load_tool(assessment.tool_id)
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
    _store_score(assessment, result)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at, assessment.submitted_by_id = now, actor.id
    assessment.updated_at = now
    db.session.flush()
    audit.record(
        actor,
        "quality.assessment_submitted",
        "quality_assessment",
        assessment.id,
        {"overall": result.overall, "capped": result.capped},
        now=now,
    )
    return result


def _store_score(assessment: QualityAssessment, result: scoring.Score) -> None:
    assessment.overall_score, assessment.raw_score = result.overall, result.raw
    assessment.capped = result.capped
    assessment.domain_scores_json = json.dumps(result.domains)


def on_team(user: User, assessment: QualityAssessment) -> bool:
    """Whether the user started, submitted or assessed it (so may not validate it)."""
    return user.id in {assessment.created_by_id, assessment.submitted_by_id} | {
        u.id for u in assessment.assessors
    }


def may_validate(user: User, assessment: QualityAssessment) -> bool:
    """Whether `validate` would accept this user: not on the team, and an administrator or a
    quality assessor whose scope holds the facility (the rule is `_require_validator`'s)."""
    try:
        _require_validator(user, assessment)
    except Forbidden:
        return False
    return True


def _require_validator(actor, assessment: QualityAssessment) -> None:
    if on_team(actor, assessment):
        raise Forbidden(_l("A second assessor validates: you cannot validate your own assessment."))
    if not actor.has_role(Role.ADMIN) and not (
        actor.has_role(Role.QUALITY_ASSESSOR) and may_assess(actor, assessment.facility)
    ):
        raise Forbidden(_l("You are not assigned to assess this facility."))


def validate(actor, assessment: QualityAssessment, now: datetime) -> None:
    """A second quality assessor (or an administrator) confirms a submitted assessment. From
    then on it never changes; a correction it replaces is marked superseded."""
    _require_validator(actor, assessment)
    _lock(assessment)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise DomainError(_l("Only a submitted assessment can be validated."))
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
        "quality_assessment",
        assessment.id,
        {"overall": assessment.overall_score, "version": assessment.version},
        now=now,
    )


def return_to_draft(actor, assessment: QualityAssessment, reason: str, now: datetime) -> None:
    """The validator sends a submitted assessment back to its assessors, saying why."""
    _require_validator(actor, assessment)
    _lock(assessment)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise DomainError(_l("Only a submitted assessment can be returned."))
    if not (reason or "").strip():
        raise DomainError(_l("Say what needs changing."), "reason")
    assessment.status = AssessmentStatus.DRAFT
    assessment.submitted_at = assessment.submitted_by_id = None
    assessment.updated_at = now
    db.session.flush()
    audit.record(
        actor,
        "quality.assessment_returned",
        "quality_assessment",
        assessment.id,
        {"reason": reason.strip()},
        now=now,
    )


def correct(actor, assessment: QualityAssessment, reason: str, now: datetime) -> QualityAssessment:
    """Start a corrected version of a validated assessment (a draft copy of its answers). The
    validated version stays the result until the correction is validated in turn."""
    require_assessor(actor, assessment.facility)
    if assessment.status != AssessmentStatus.VALIDATED or assessment.superseded_at is not None:
        raise DomainError(_l("Only the current validated assessment can be corrected."))
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason for the correction."), "reason")
    acquire_lock(f"quality:{assessment.facility_id}:{assessment.round_id}")
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
        "quality_assessment",
        copy.id,
        {"supersedes": assessment.id, "reason": reason.strip()},
        now=now,
    )
    return copy


def load_assessment(assessment_id: int) -> QualityAssessment | None:
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
