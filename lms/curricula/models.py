"""Curricula: versions, modules and outcomes, the assessment plan and completion rules."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..columns import Described, DraftTitled, DraftWorded, Positioned, link_table, parent_key
from ..database import enum_column
from ..extensions import db
from ..frameworks.models import Competency, Framework
from ..users.models import Cadre
from ..versioning import Publishable, Versioned
from .spec import QUESTIONS_PER_PAGE, CompetencyRule, CurriculumKind, InstrumentType, ReviewPolicy

CURRICULUM = ("curriculum_id", "curricula")
COMPETENCY = ("competency_id", "competencies")
curriculum_cadres = link_table("curriculum_cadres", CURRICULUM, ("cadre_id", "cadres"))
curriculum_requirements = link_table("curriculum_requirements", CURRICULUM, COMPETENCY)
outcome_competencies = link_table("outcome_competencies", ("outcome_id", "outcomes"), COMPETENCY)
instrument_competencies = link_table(
    "instrument_competencies", ("instrument_id", "instruments"), COMPETENCY
)


class Curriculum(Versioned, Publishable, DraftTitled, Described, db.Model):
    """One version of a curriculum. Published versions never change."""

    __tablename__ = "curricula"
    audit_type = "curriculum"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CurriculumKind] = mapped_column(enum_column(CurriculumKind))
    framework_id: Mapped[int] = mapped_column(sa.ForeignKey("frameworks.id"), index=True)
    cpd_credits: Mapped[float] = mapped_column(default=0)
    validity_months: Mapped[int | None]
    renewed_by: Mapped[str | None] = mapped_column(sa.String(40))
    renewal_cpd_credits: Mapped[float | None]
    min_attendance_percent: Mapped[int] = mapped_column(default=100)
    competency_rule: Mapped[CompetencyRule] = mapped_column(
        enum_column(CompetencyRule), default=CompetencyRule.ALL_PASSED
    )

    framework: Mapped[Framework] = relationship()
    cadres: Mapped[list[Cadre]] = relationship(secondary=curriculum_cadres, order_by="Cadre.code")
    required_competencies: Mapped[list[Competency]] = relationship(
        secondary=curriculum_requirements, order_by="(Competency.depth, Competency.position)"
    )
    modules: Mapped[list[Module]] = relationship(
        back_populates="curriculum", order_by="Module.position", cascade="all, delete-orphan"
    )
    instruments: Mapped[list[Instrument]] = relationship(
        back_populates="curriculum", order_by="Instrument.position", cascade="all, delete-orphan"
    )


class Module(Positioned, DraftTitled, Described, db.Model):
    __tablename__ = "modules"
    __table_args__ = (sa.UniqueConstraint("curriculum_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    curriculum_id: Mapped[int] = parent_key("curricula")
    code: Mapped[str] = mapped_column(sa.String(40))
    hours_theory: Mapped[float] = mapped_column(default=0)
    hours_practical: Mapped[float] = mapped_column(default=0)
    hours_clinical: Mapped[float] = mapped_column(default=0)

    curriculum: Mapped[Curriculum] = relationship(back_populates="modules")
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="module", order_by="Outcome.position", cascade="all, delete-orphan"
    )

    @property
    def hours(self) -> float:
        return self.hours_theory + self.hours_practical + self.hours_clinical


class Outcome(Positioned, DraftWorded, db.Model):
    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = parent_key("modules")

    module: Mapped[Module] = relationship(back_populates="outcomes")
    competencies: Mapped[list[Competency]] = relationship(
        secondary=outcome_competencies, order_by="(Competency.depth, Competency.position)"
    )


class Instrument(Positioned, DraftTitled, Described, db.Model):
    """An assessment instrument of the curriculum's assessment plan, and its pass rule."""

    __tablename__ = "instruments"
    __table_args__ = (sa.UniqueConstraint("curriculum_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    curriculum_id: Mapped[int] = parent_key("curricula")
    module_id: Mapped[int | None] = mapped_column(sa.ForeignKey("modules.id", ondelete="SET NULL"))
    code: Mapped[str] = mapped_column(sa.String(40))
    type: Mapped[InstrumentType] = mapped_column(enum_column(InstrumentType))
    second_assessor: Mapped[bool] = mapped_column(default=False)
    min_share_percent: Mapped[int | None]
    all_critical: Mapped[bool] = mapped_column(default=True)
    pass_mark_percent: Mapped[int | None]
    attempts: Mapped[int | None]
    time_limit_minutes: Mapped[int | None]
    questions_per_page: Mapped[int] = mapped_column(default=QUESTIONS_PER_PAGE)
    review: Mapped[ReviewPolicy] = mapped_column(
        enum_column(ReviewPolicy), default=ReviewPolicy.SCORE
    )

    curriculum: Mapped[Curriculum] = relationship(back_populates="instruments")
    module: Mapped[Module | None] = relationship()
    competencies: Mapped[list[Competency]] = relationship(
        secondary=instrument_competencies, order_by="(Competency.depth, Competency.position)"
    )
    items: Mapped[list[ChecklistItem]] = relationship(
        order_by="ChecklistItem.position", cascade="all, delete-orphan"
    )
    questions: Mapped[list[Question]] = relationship(
        order_by="Question.position", cascade="all, delete-orphan"
    )
    case_types: Mapped[list[CaseType]] = relationship(
        order_by="CaseType.position", cascade="all, delete-orphan"
    )


class InstrumentPart(Positioned):
    """A row of an instrument's content, in order: a checklist item, a question, a case type."""

    id: Mapped[int] = mapped_column(primary_key=True)

    @declared_attr
    def instrument_id(cls) -> Mapped[int]:
        return parent_key("instruments")


class ChecklistItem(InstrumentPart, DraftWorded, db.Model):
    __tablename__ = "checklist_items"

    critical: Mapped[bool] = mapped_column(default=False)


class Question(InstrumentPart, DraftWorded, db.Model):
    __tablename__ = "questions"

    options: Mapped[list[QuestionOption]] = relationship(
        order_by="QuestionOption.position", cascade="all, delete-orphan"
    )


class QuestionOption(Positioned, DraftWorded, db.Model):
    __tablename__ = "question_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = parent_key("questions")
    correct: Mapped[bool] = mapped_column(default=False)


class CaseType(InstrumentPart, DraftTitled, db.Model):
    """A kind of case a logbook counts, with the minimum number of verified cases."""

    __tablename__ = "case_types"

    code: Mapped[str] = mapped_column(sa.String(40))
    min_count: Mapped[int] = mapped_column(default=1)
