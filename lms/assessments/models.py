"""Evidence of competence: assessment records, online test attempts, logbooks, panels.

A submitted record never changes: a correction is a new record that points to the one it
corrects, which is kept (superseded) so the history can be shown.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..columns import parent_key
from ..curricula.models import CaseType, Instrument
from ..database import enum_column, utcnow
from ..enums import LabelledEnum
from ..extensions import db
from ..frameworks.models import Competency
from ..orgunits.models import Facility
from ..training.models import Enrolment
from ..users.models import User
from .rules import Mark


class PanelStatus(LabelledEnum):
    PROPOSED = "proposed", _l("Proposed, waiting for a second member"), "warn", "…"
    CONFIRMED = "confirmed", _l("Confirmed by the panel"), "ok", "✓"


class RecordStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")


class RecordMethod(LabelledEnum):
    CHECKLIST = "checklist", _l("Observation checklist")
    PAPER_TEST = "paper_test", _l("Paper test")


class EntryStatus(LabelledEnum):
    PENDING = "pending", _l("Waiting for an instructor")
    VERIFIED = "verified", _l("Verified")
    REJECTED = "rejected", _l("Rejected")


class CaseRole(LabelledEnum):
    OBSERVED = "observed", _l("Observed")
    ASSISTED = "assisted", _l("Assisted")
    PERFORMED = "performed", _l("Performed under supervision")
    INDEPENDENT = "independent", _l("Performed independently")


class AssessmentRecord(db.Model):
    """An instructor's assessment of one trainee with one instrument (checklist or paper test)."""

    __tablename__ = "assessment_records"
    audit_type = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    instrument_id: Mapped[int] = mapped_column(sa.ForeignKey("instruments.id"), index=True)
    method: Mapped[RecordMethod] = mapped_column(enum_column(RecordMethod))
    status: Mapped[RecordStatus] = mapped_column(
        enum_column(RecordStatus), default=RecordStatus.DRAFT
    )
    assessor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    assessed_on: Mapped[date]
    overall_rating: Mapped[int | None]
    score_percent: Mapped[float | None]
    share_percent: Mapped[float | None]
    passed: Mapped[bool | None]
    comments: Mapped[str | None] = mapped_column(sa.Text)
    needs_verification: Mapped[bool] = mapped_column(default=False)
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    verified_at: Mapped[datetime | None]
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assessment_records.id"))
    correction_reason: Mapped[str | None] = mapped_column(sa.Text)
    superseded: Mapped[bool] = mapped_column(default=False, index=True)
    photo_token: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    enrolment: Mapped[Enrolment] = relationship()
    instrument: Mapped[Instrument] = relationship()
    assessor: Mapped[User] = relationship(foreign_keys=[assessor_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    corrects: Mapped[AssessmentRecord | None] = relationship(remote_side="AssessmentRecord.id")
    marks: Mapped[list[ChecklistMark]] = relationship(cascade="all, delete-orphan")

    @property
    def counted(self) -> bool:
        """Submitted, current, and verified when the instrument asks for a second assessor."""
        return (
            self.status == RecordStatus.SUBMITTED
            and not self.superseded
            and (not self.needs_verification or self.verified_at is not None)
        )

    @property
    def awaits_verification(self) -> bool:
        """Submitted and current, and still waiting for the second assessor it needs."""
        return (
            self.status == RecordStatus.SUBMITTED
            and not self.superseded
            and self.needs_verification
            and self.verified_at is None
        )


class ChecklistMark(db.Model):
    __tablename__ = "checklist_marks"

    record_id: Mapped[int] = parent_key("assessment_records", primary_key=True, index=False)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("checklist_items.id"), primary_key=True)
    mark: Mapped[Mark] = mapped_column(enum_column(Mark))


class TestAttempt(db.Model):
    """A trainee's attempt at an online knowledge test, in its own shuffled order."""

    __tablename__ = "test_attempts"
    audit_type = "test_attempt"
    __test__ = False  # not a pytest test class, whatever its name
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "instrument_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    instrument_id: Mapped[int] = mapped_column(sa.ForeignKey("instruments.id"))
    number: Mapped[int]
    order: Mapped[str] = mapped_column(sa.Text)  # JSON: [[question id, [option ids]], ...]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When a timed test's time runs out (set at the start); None: untimed.
    deadline_at: Mapped[datetime | None]
    page: Mapped[int] = mapped_column(default=1)  # the page to resume on (from 1)
    submitted_at: Mapped[datetime | None]  # handed in, or closed when the time ran out
    timed_out: Mapped[bool] = mapped_column(default=False)  # closed by the time limit
    score_percent: Mapped[float | None]
    passed: Mapped[bool | None]

    answers: Mapped[list[TestAnswer]] = relationship(cascade="all, delete-orphan")


class TestAnswer(db.Model):
    """An answer of an attempt, saved when the trainee leaves its page (`option_id` None: no
    answer, written when the attempt closes)."""

    __tablename__ = "test_answers"
    __test__ = False

    attempt_id: Mapped[int] = parent_key("test_attempts", primary_key=True, index=False)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id"), primary_key=True)
    option_id: Mapped[int | None] = mapped_column(sa.ForeignKey("question_options.id"))


class LogbookEntry(db.Model):
    """A case a trainee recorded in a logbook; an instructor verifies or rejects it."""

    __tablename__ = "logbook_entries"
    audit_type = "logbook_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    instrument_id: Mapped[int] = mapped_column(sa.ForeignKey("instruments.id"))
    case_type_id: Mapped[int] = mapped_column(sa.ForeignKey("case_types.id"))
    case_date: Mapped[date]
    facility_id: Mapped[int | None] = mapped_column(sa.ForeignKey("facilities.id"))
    reference: Mapped[str] = mapped_column(sa.String(40))
    role: Mapped[CaseRole] = mapped_column(enum_column(CaseRole))
    status: Mapped[EntryStatus] = mapped_column(
        enum_column(EntryStatus), default=EntryStatus.PENDING, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str | None] = mapped_column(sa.Text)

    case_type: Mapped[CaseType] = relationship()
    facility: Mapped[Facility | None] = relationship()


class PanelDecision(db.Model):
    """An instructor panel's decision on one competency of one enrolment. One member proposes
    it; it takes effect when a second, different member confirms it. The latest confirmed one
    counts."""

    __tablename__ = "panel_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id"), index=True)
    competency_id: Mapped[int] = mapped_column(sa.ForeignKey("competencies.id"))
    achieved: Mapped[bool]
    reason: Mapped[str] = mapped_column(sa.Text)
    decided_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[PanelStatus] = mapped_column(
        enum_column(PanelStatus), default=PanelStatus.PROPOSED
    )
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]
    # What the decision overrides, said where it is shown and on the certificate's record.
    overrides_missing_evidence: Mapped[bool] = mapped_column(default=False)
    overrides_second_assessor: Mapped[bool] = mapped_column(default=False)

    enrolment: Mapped[Enrolment] = relationship()
    competency: Mapped[Competency] = relationship()
    decided_by: Mapped[User] = relationship(foreign_keys=[decided_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])

    @property
    def is_confirmed(self) -> bool:
        return self.status == PanelStatus.CONFIRMED
