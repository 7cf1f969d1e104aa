"""Sessions and attendance: scheduling a module's session, marking it, summing it up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ...audit import services as audit
from ...curricula.models import Module
from ...errors import DomainError
from ...extensions import db
from ...i18n import local_moment
from ..models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortSession,
    Enrolment,
    EnrolmentStatus,
)
from .cohorts import require_manager

ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


def schedule_session(
    actor,
    cohort: Cohort,
    module_id: int,
    starts_at: datetime,
    minutes: int,
    place: str | None,
    *,
    now: datetime,
) -> CohortSession:
    """Add a session of one of the curriculum's modules; `now` dates the audit record."""
    require_manager(actor, cohort)
    module = db.session.get(Module, module_id)
    if module is None or module.curriculum_id != cohort.curriculum_id:
        raise DomainError(_l("Choose a module of this cohort's curriculum."), "module_id")
    if not 15 <= minutes <= 12 * 60:
        raise DomainError(_l("A session lasts from 15 minutes to 12 hours."), "minutes")
    session = CohortSession(
        cohort_id=cohort.id,
        module_id=module.id,
        starts_at=starts_at,
        minutes=minutes,
        place=place or None,
    )
    db.session.add(session)
    db.session.flush()
    audit.record(
        actor, "session.scheduled", cohort, now=now, session=session.id, module=module.code
    )
    return session


def sessions_of(cohort: Cohort) -> list[CohortSession]:
    """The cohort's sessions with their modules, earliest first."""
    return list(
        db.session.scalars(
            sa.select(CohortSession)
            .options(joinedload(CohortSession.module))
            .where(CohortSession.cohort_id == cohort.id)
            .order_by(CohortSession.starts_at)
        )
    )


def attendance_of(session: CohortSession) -> dict[int, AttendanceStatus]:
    """The marks recorded for a session, by enrolment id."""
    return dict(
        db.session.execute(
            sa.select(Attendance.enrolment_id, Attendance.status).where(
                Attendance.session_id == session.id
            )
        ).all()
    )


def marks_to_offer(
    session: CohortSession, enrolments: list[Enrolment]
) -> dict[int, AttendanceStatus]:
    """The mark the attendance form offers for each enrolment: the one recorded, else present."""
    recorded = attendance_of(session)
    return {e.id: recorded.get(e.id) or AttendanceStatus.PRESENT for e in enrolments}


def mark_attendance(
    actor, session: CohortSession, marks: dict[int, AttendanceStatus], now: datetime
) -> None:
    """Record the attendance of a whole session at once (enrolled trainees only)."""
    cohort = db.session.get(Cohort, session.cohort_id)
    require_manager(actor, cohort)
    enrolled = set(
        db.session.scalars(
            sa.select(Enrolment.id).where(
                Enrolment.cohort_id == cohort.id, Enrolment.status == EnrolmentStatus.ENROLLED
            )
        )
    )
    unknown = set(marks) - enrolled
    if unknown:
        raise DomainError(_l("Attendance can only be marked for enrolled trainees."))
    existing = {
        a.enrolment_id: a
        for a in db.session.scalars(
            sa.select(Attendance).where(Attendance.session_id == session.id)
        )
    }
    for enrolment_id, status in marks.items():
        row = existing.get(enrolment_id) or Attendance(
            session_id=session.id, enrolment_id=enrolment_id
        )
        row.status, row.marked_by_id, row.marked_at = status, getattr(actor, "id", None), now
        db.session.add(row)
    audit.record(actor, "attendance.marked", cohort, now=now, session=session.id, count=len(marks))


@dataclass(frozen=True)
class AttendanceSummary:
    """One enrolment's attendance over the sessions held so far."""

    attended: int  # present or late
    counted: int  # sessions held so far, less excused absences
    excused: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.attended / self.counted, 1) if self.counted else None


def attendance_summary(cohort: Cohort, now: datetime) -> dict[int, AttendanceSummary]:
    """Attendance per enrolment of the cohort over the sessions held so far.

    Present and late count as attended; an excused absence leaves the session out; an
    unmarked past session counts as absent.
    """
    enrolments = db.session.scalars(sa.select(Enrolment).where(Enrolment.cohort_id == cohort.id))
    return attendance_for(list(enrolments), now)


def attendance_for(enrolments: list[Enrolment], now: datetime) -> dict[int, AttendanceSummary]:
    """`attendance_summary` for enrolments of any cohorts (two grouped queries). Sessions
    count once they have started: their times are Cambodian wall-clock times, `now` is UTC."""
    if not enrolments:
        return {}
    started = CohortSession.starts_at <= local_moment(now)
    cohorts = {e.cohort_id for e in enrolments}
    held = dict(
        db.session.execute(
            sa.select(CohortSession.cohort_id, sa.func.count())
            .where(CohortSession.cohort_id.in_(cohorts), started)
            .group_by(CohortSession.cohort_id)
        ).all()
    )
    attended = sa.func.sum(sa.case((Attendance.status.in_(ATTENDED), 1), else_=0))
    excused = sa.func.sum(sa.case((Attendance.status == AttendanceStatus.EXCUSED, 1), else_=0))
    counts = {
        row[0]: (int(row[1] or 0), int(row[2] or 0))
        for row in db.session.execute(
            sa.select(Attendance.enrolment_id, attended, excused)
            .join(CohortSession, CohortSession.id == Attendance.session_id)
            .where(Attendance.enrolment_id.in_([e.id for e in enrolments]), started)
            .group_by(Attendance.enrolment_id)
        )
    }
    summaries = {}
    for e in enrolments:
        came, excused_count = counts.get(e.id, (0, 0))
        summaries[e.id] = AttendanceSummary(
            came, held.get(e.cohort_id, 0) - excused_count, excused_count
        )
    return summaries
