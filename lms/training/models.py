"""Cohorts of trainees: enrolment, scheduled sessions, attendance and learning materials."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..columns import Titled, link_table, parent_key
from ..curricula.models import Curriculum, Module
from ..database import enum_column, utcnow
from ..enums import LabelledEnum
from ..extensions import db
from ..orgunits.models import Facility
from ..users.models import User


class CohortStatus(LabelledEnum):
    PLANNED = "planned", _l("Planned")
    OPEN = "open", _l("Open for enrolment")
    RUNNING = "running", _l("Running")
    CLOSED = "closed", _l("Closed")


class EnrolmentStatus(LabelledEnum):
    REQUESTED = "requested", _l("Asked to join")
    ENROLLED = "enrolled", _l("Enrolled")
    REFUSED = "refused", _l("Request refused")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


class AttendanceStatus(LabelledEnum):
    PRESENT = "present", _l("Present")
    LATE = "late", _l("Late")
    ABSENT = "absent", _l("Absent")
    EXCUSED = "excused", _l("Excused")


class MaterialKind(LabelledEnum):
    FILE = "file", _l("File")
    LINK = "link", _l("Link")


cohort_instructors = link_table(
    "cohort_instructors", ("cohort_id", "cohorts"), ("user_id", "users"), right_cascade=False
)


class Cohort(Titled, db.Model):
    """A training batch running one published curriculum version."""

    __tablename__ = "cohorts"
    audit_type = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    curriculum_id: Mapped[int] = mapped_column(sa.ForeignKey("curricula.id"), index=True)
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("facilities.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    capacity: Mapped[int]
    status: Mapped[CohortStatus] = mapped_column(
        enum_column(CohortStatus), default=CohortStatus.PLANNED, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    curriculum: Mapped[Curriculum] = relationship()
    venue: Mapped[Facility | None] = relationship()
    instructors: Mapped[list[User]] = relationship(
        secondary=cohort_instructors, order_by="User.family_name_en"
    )


class Enrolment(db.Model):
    """A trainee's place in a cohort. One row per trainee and cohort; its history is kept."""

    __tablename__ = "enrolments"
    audit_type = "enrolment"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "trainee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = parent_key("cohorts")
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[EnrolmentStatus] = mapped_column(enum_column(EnrolmentStatus))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    trainee: Mapped[User] = relationship()
    events: Mapped[list[EnrolmentEvent]] = relationship(
        order_by="EnrolmentEvent.id", cascade="all, delete-orphan"
    )

    @property
    def is_enrolled(self) -> bool:
        """The trainee holds a place (has not only asked, been refused or withdrawn)."""
        return self.status == EnrolmentStatus.ENROLLED

    @property
    def is_current(self) -> bool:
        """Enrolled, or asked and waiting for an answer: what a withdrawal can end."""
        return self.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.REQUESTED)


class EnrolmentEvent(db.Model):
    """One change of an enrolment's status: who, when, from what to what, and why."""

    __tablename__ = "enrolment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = parent_key("enrolments")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    from_status: Mapped[EnrolmentStatus | None] = mapped_column(enum_column(EnrolmentStatus))
    to_status: Mapped[EnrolmentStatus] = mapped_column(enum_column(EnrolmentStatus))
    reason: Mapped[str | None] = mapped_column(sa.Text)

    actor: Mapped[User | None] = relationship()


class CohortSession(db.Model):
    """A scheduled teaching session of one module."""

    __tablename__ = "cohort_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = parent_key("cohorts")
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"))
    starts_at: Mapped[datetime]  # Cambodian wall-clock time, as entered (other moments: UTC)
    minutes: Mapped[int] = mapped_column(default=180)
    place: Mapped[str | None] = mapped_column(sa.String(200))

    module: Mapped[Module] = relationship()


class Attendance(db.Model):
    __tablename__ = "attendance"

    session_id: Mapped[int] = parent_key("cohort_sessions", primary_key=True, index=False)
    enrolment_id: Mapped[int] = parent_key("enrolments", primary_key=True)
    status: Mapped[AttendanceStatus] = mapped_column(enum_column(AttendanceStatus))
    marked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)


class Material(Titled, db.Model):
    """A learning material of one module in a cohort: an uploaded file or a link."""

    __tablename__ = "materials"
    audit_type = "material"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = parent_key("cohorts")
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"))
    kind: Mapped[MaterialKind] = mapped_column(enum_column(MaterialKind))
    url: Mapped[str | None] = mapped_column(sa.String(500))
    token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    original_name: Mapped[str | None] = mapped_column(sa.String(200))
    mime_type: Mapped[str | None] = mapped_column(sa.String(120))
    size: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
