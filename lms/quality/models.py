"""Quality tools (versioned data), rounds, facility assessments, answers and improvement actions."""

from __future__ import annotations

import json
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..columns import Described, Positioned, Titled, link_table, parent_key, partial_index
from ..database import enum_column, utcnow
from ..enums import LabelledEnum
from ..extensions import db
from ..frameworks.models import Competency
from ..orgunits.models import Facility, Province
from ..users.models import User
from ..versioning import Versioned
from .periods import Period
from .spec import AnswerType, Computation, Method

indicator_competencies = link_table(
    "quality_indicator_competencies",
    ("indicator_id", "quality_indicators"),
    ("competency_id", "competencies"),
)
assessment_assessors = link_table(
    "quality_assessment_assessors",
    ("assessment_id", "quality_assessments"),
    ("user_id", "users"),
    right_cascade=False,
)


def _codes(text: str | None) -> list[str]:
    return json.loads(text) if text else []


class QualityTool(Versioned, Titled, Described, db.Model):
    """One version of an assessment tool. Published versions never change."""

    __tablename__ = "quality_tools"
    audit_type = "quality_tool"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_types_json: Mapped[str] = mapped_column(sa.Text)
    pass_percent: Mapped[float] = mapped_column(default=70)
    critical_cap_percent: Mapped[float | None]

    domains: Mapped[list[QualityDomain]] = relationship(
        back_populates="tool", order_by="QualityDomain.position", cascade="all, delete-orphan"
    )

    @property
    def facility_types(self) -> list[str]:
        return _codes(self.facility_types_json)


class QualityDomain(Positioned, Titled, db.Model):
    __tablename__ = "quality_domains"
    __table_args__ = (sa.UniqueConstraint("tool_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tool_id: Mapped[int] = parent_key("quality_tools")
    code: Mapped[str] = mapped_column(sa.String(40))
    weight: Mapped[float] = mapped_column(default=1)

    tool: Mapped[QualityTool] = relationship(back_populates="domains")
    indicators: Mapped[list[QualityIndicator]] = relationship(
        back_populates="domain", order_by="QualityIndicator.position", cascade="all, delete-orphan"
    )


class QualityIndicator(Positioned, db.Model):
    __tablename__ = "quality_indicators"
    __table_args__ = (sa.UniqueConstraint("tool_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tool_id: Mapped[int] = parent_key("quality_tools")
    domain_id: Mapped[int] = parent_key("quality_domains")
    code: Mapped[str] = mapped_column(sa.String(40))
    text_km: Mapped[str] = mapped_column(sa.Text)
    text_en: Mapped[str] = mapped_column(sa.Text)
    guidance_km: Mapped[str | None] = mapped_column(sa.Text)
    guidance_en: Mapped[str | None] = mapped_column(sa.Text)
    method: Mapped[Method] = mapped_column(enum_column(Method))
    answer_type: Mapped[AnswerType] = mapped_column(enum_column(AnswerType))
    weight: Mapped[float] = mapped_column(default=1)
    critical: Mapped[bool] = mapped_column(default=False)
    allow_na: Mapped[bool] = mapped_column(default=False)
    facility_types_json: Mapped[str | None] = mapped_column(sa.Text)
    minimum: Mapped[float | None]
    maximum: Mapped[float | None]
    unit_km: Mapped[str | None] = mapped_column(sa.Text)
    unit_en: Mapped[str | None] = mapped_column(sa.Text)
    met: Mapped[float | None]
    partial: Mapped[float | None]
    higher_is_better: Mapped[bool] = mapped_column(default=True)
    computation: Mapped[Computation | None] = mapped_column(enum_column(Computation))
    compute_curricula_json: Mapped[str | None] = mapped_column(sa.Text)
    compute_cadres_json: Mapped[str | None] = mapped_column(sa.Text)
    area: Mapped[str | None] = mapped_column(sa.String(40))
    curricula_json: Mapped[str | None] = mapped_column(sa.Text)  # the domain's and its own

    domain: Mapped[QualityDomain] = relationship(back_populates="indicators")
    tool: Mapped[QualityTool] = relationship()
    competencies: Mapped[list[Competency]] = relationship(
        secondary=indicator_competencies, order_by="(Competency.depth, Competency.position)"
    )

    @property
    def is_computed(self) -> bool:
        return self.answer_type == AnswerType.COMPUTED

    @property
    def facility_types(self) -> list[str]:
        return _codes(self.facility_types_json)

    @property
    def curricula(self) -> list[str]:
        return _codes(self.curricula_json)

    @property
    def compute_curricula(self) -> list[str]:
        return _codes(self.compute_curricula_json)

    @property
    def compute_cadres(self) -> list[str]:
        return _codes(self.compute_cadres_json)

    def applies_to(self, facility_type: str) -> bool:
        types = self.facility_types
        return not types or facility_type in types


class AssessmentRound(Titled, db.Model):
    """A period in which facilities are assessed, e.g. a quarter."""

    __tablename__ = "quality_rounds"
    audit_type = "quality_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    starts_on: Mapped[date] = mapped_column(index=True)
    ends_on: Mapped[date]

    @property
    def period(self) -> Period:
        """What the round covers, with short labels (`Q2 2026`) for charts and lists."""
        return Period(self.starts_on, self.ends_on)

    def holds(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class AssessorScope(db.Model):
    """A province or one facility a quality assessor may assess."""

    __tablename__ = "quality_assessor_scopes"
    __table_args__ = (sa.UniqueConstraint("user_id", "province_id", "facility_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = parent_key("users")
    province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provinces.id"))
    facility_id: Mapped[int | None] = mapped_column(sa.ForeignKey("facilities.id"))

    user: Mapped[User] = relationship()
    province: Mapped[Province | None] = relationship()
    facility: Mapped[Facility | None] = relationship()


class AssessmentStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft"), "warn"
    SUBMITTED = "submitted", _l("Submitted, awaiting validation"), "neutral"
    VALIDATED = "validated", _l("Validated"), "ok"


class QualityAssessment(db.Model):
    """One version of a facility's assessment in a round. Validated versions never change;
    a correction is a new version that supersedes the previous."""

    __tablename__ = "quality_assessments"
    audit_type = "quality_assessment"
    __table_args__ = (
        # One validated, current result per facility and round; at most one open version
        # (a draft or awaiting validation) beside it, whatever two assessors do at once.
        partial_index(
            "uq_quality_assessments_result",
            "facility_id",
            "round_id",
            where="status = 'validated' AND superseded_at IS NULL",
            unique=True,
        ),
        partial_index(
            "uq_quality_assessments_open",
            "facility_id",
            "round_id",
            where="status <> 'validated'",
            unique=True,
        ),
        sa.Index("ix_quality_assessments_round_status", "round_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facilities.id"), index=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_rounds.id"), index=True)
    tool_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_tools.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    supersedes_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quality_assessments.id"))
    superseded_at: Mapped[datetime | None]
    correction_reason: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[AssessmentStatus] = mapped_column(
        enum_column(AssessmentStatus), default=AssessmentStatus.DRAFT
    )
    assessed_on: Mapped[date]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    validated_at: Mapped[datetime | None]
    validated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    overall_score: Mapped[float | None]
    raw_score: Mapped[float | None]
    capped: Mapped[bool] = mapped_column(default=False)
    domain_scores_json: Mapped[str | None] = mapped_column(sa.Text)

    facility: Mapped[Facility] = relationship()
    round: Mapped[AssessmentRound] = relationship()
    tool: Mapped[QualityTool] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    validated_by: Mapped[User | None] = relationship(foreign_keys=[validated_by_id])
    assessors: Mapped[list[User]] = relationship(
        secondary=assessment_assessors, order_by="User.family_name_en"
    )
    answers: Mapped[list[QualityAnswer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    @property
    def domain_scores(self) -> dict[str, float | None]:
        return json.loads(self.domain_scores_json) if self.domain_scores_json else {}

    @property
    def editable(self) -> bool:
        return self.status == AssessmentStatus.DRAFT and self.superseded_at is None

    @property
    def is_current_result(self) -> bool:
        """Validated and not replaced by a correction: the facility's result in its round."""
        return self.status == AssessmentStatus.VALIDATED and self.superseded_at is None

    @property
    def below_pass_mark(self) -> bool:
        """Scored below its tool version's pass mark."""
        return self.overall_score is not None and self.overall_score < self.tool.pass_percent


class Answer(LabelledEnum):
    YES = "yes", _l("Yes")
    PARTIAL = "partial", _l("Partly")
    NO = "no", _l("No")
    NA = "na", _l("Not applicable")


class QualityAnswer(db.Model):
    __tablename__ = "quality_answers"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = parent_key("quality_assessments")
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_indicators.id"), index=True)
    choice: Mapped[Answer | None] = mapped_column(enum_column(Answer))
    value: Mapped[float | None]
    note: Mapped[str | None] = mapped_column(sa.Text)
    detail_json: Mapped[str | None] = mapped_column(sa.Text)  # how a computed value was found

    assessment: Mapped[QualityAssessment] = relationship(back_populates="answers")
    indicator: Mapped[QualityIndicator] = relationship()

    @property
    def detail(self) -> dict:
        return json.loads(self.detail_json) if self.detail_json else {}


class ActionStatus(LabelledEnum):
    OPEN = "open", _l("Open")
    IN_PROGRESS = "in_progress", _l("In progress")
    DONE = "done", _l("Done")
    DROPPED = "dropped", _l("Dropped")


class ImprovementAction(db.Model):
    """What a facility will do about a failing indicator, reviewed at the next round."""

    __tablename__ = "quality_actions"
    audit_type = "quality_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facilities.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_assessments.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("quality_indicators.id"))
    title_km: Mapped[str | None] = mapped_column(sa.Text)
    title_en: Mapped[str | None] = mapped_column(sa.Text)
    responsible_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    responsible_name: Mapped[str | None] = mapped_column(sa.String(200))
    due_on: Mapped[date]
    status: Mapped[ActionStatus] = mapped_column(
        enum_column(ActionStatus), default=ActionStatus.OPEN
    )
    review_note: Mapped[str | None] = mapped_column(sa.Text)
    reviewed_round_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quality_rounds.id"))
    reviewed_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    facility: Mapped[Facility] = relationship()
    assessment: Mapped[QualityAssessment] = relationship()
    indicator: Mapped[QualityIndicator] = relationship()
    responsible: Mapped[User | None] = relationship(foreign_keys=[responsible_id])
    reviewed_round: Mapped[AssessmentRound | None] = relationship()

    @property
    def is_open(self) -> bool:
        """Not done or dropped yet."""
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)

    def tone_on(self, day: date) -> str:
        """The badge tone of its status on `day`: done is "ok", open past its due date "bad"."""
        if self.status == ActionStatus.DONE:
            return "ok"
        return "bad" if self.is_open and self.due_on < day else "neutral"
