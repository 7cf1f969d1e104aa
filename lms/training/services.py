"""Cohorts: who may manage them, enrolment, sessions and attendance, learning materials.

Object rules live here: an instructor manages only the cohorts they teach; a trainee sees
only cohorts they belong to (or may ask to join). Routes check roles; these functions check
the object and raise Forbidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from .. import csvio
from ..audit import services as audit
from ..auth.roles import Role
from ..curricula.models import Curriculum, Module
from ..database import acquire_lock
from ..errors import DomainError, Forbidden, ImportRejected, RowError
from ..extensions import db
from ..frameworks.spec import Status
from ..i18n import local_moment
from ..text import has_khmer
from ..users.models import Sex, User, UserRole
from .models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortSession,
    CohortStatus,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    cohort_instructors,
)

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{1,39}$")


# --- Who may do what ------------------------------------------------------------------------


def manages(user, cohort: Cohort) -> bool:
    """Administrators manage every cohort; instructors only the cohorts they teach."""
    if user is None:
        return True  # commands run by the system
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.INSTRUCTOR) and any(i.id == user.id for i in cohort.instructors)


def require_manager(user, cohort: Cohort) -> None:
    if not manages(user, cohort):
        raise Forbidden(_l("Only this cohort's instructors and administrators may do this."))


def enrolment_of(user, cohort: Cohort) -> Enrolment | None:
    return db.session.scalar(
        sa.select(Enrolment).where(
            Enrolment.cohort_id == cohort.id, Enrolment.trainee_id == user.id
        )
    )


def can_view(user, cohort: Cohort) -> bool:
    """Managers and officers; trainees of the cohort, or any trainee while it is open."""
    if manages(user, cohort) or user.has_role(Role.OFFICER):
        return True
    if user.has_role(Role.TRAINEE):
        return cohort.status == CohortStatus.OPEN or enrolment_of(user, cohort) is not None
    return False


# --- Cohorts ----------------------------------------------------------------------------------


@dataclass
class CohortData:
    code: str
    title_km: str
    title_en: str
    curriculum_id: int
    start_date: date
    end_date: date
    capacity: int
    status: CohortStatus = CohortStatus.PLANNED
    venue_id: int | None = None
    instructor_ids: list[int] | None = None


def enrolled_count(cohort_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.ENROLLED
        )
    )


def save_cohort(actor, data: CohortData, cohort: Cohort | None = None) -> Cohort:
    """Create or change a cohort; it runs a published curriculum, taught by instructors."""
    data.code = (data.code or "").strip().upper()
    if not CODE_RE.match(data.code):
        raise DomainError(
            _l("Use 2 to 40 capital letters, digits, dots, dashes or underscores."), "code"
        )
    if not has_khmer(data.title_km):
        raise DomainError(_l("Write the title in Khmer script."), "title_km")
    clash = db.session.scalar(sa.select(Cohort.id).where(Cohort.code == data.code))
    if clash and (cohort is None or clash != cohort.id):
        raise DomainError(_l("Another cohort already has this code."), "code")
    curriculum = db.session.get(Curriculum, data.curriculum_id)
    if curriculum is None or (
        curriculum.status != Status.PUBLISHED
        and (cohort is None or cohort.curriculum_id != curriculum.id)
    ):
        raise DomainError(_l("Choose a published curriculum."), "curriculum_id")
    if (
        cohort is not None
        and cohort.curriculum_id != curriculum.id
        and db.session.scalar(
            sa.select(Enrolment.id).where(Enrolment.cohort_id == cohort.id).limit(1)
        )
    ):
        raise DomainError(
            _l("The curriculum cannot change once trainees are enrolled."), "curriculum_id"
        )
    if data.end_date < data.start_date:
        raise DomainError(_l("The end date must not be before the start date."), "end_date")
    if data.capacity < 1:
        raise DomainError(_l("The capacity must be at least 1."), "capacity")
    if cohort is not None and data.capacity < enrolled_count(cohort.id):
        raise DomainError(_l("More trainees are enrolled than this capacity."), "capacity")
    instructors = []
    if data.instructor_ids:
        instructors = list(
            db.session.scalars(
                sa.select(User)
                .join(UserRole)
                .where(User.id.in_(data.instructor_ids), UserRole.role == Role.INSTRUCTOR)
            )
        )
        if len(instructors) != len(set(data.instructor_ids)):
            raise DomainError(
                _l("Every instructor must hold the instructor role."), "instructor_ids"
            )
    created = cohort is None
    cohort = cohort or Cohort()
    for name in (
        "code",
        "title_km",
        "title_en",
        "start_date",
        "end_date",
        "capacity",
        "status",
        "venue_id",
    ):
        setattr(cohort, name, getattr(data, name))
    cohort.curriculum = curriculum
    cohort.instructors = instructors
    db.session.add(cohort)
    db.session.flush()
    audit.record(
        actor,
        "cohort.created" if created else "cohort.updated",
        "cohort",
        cohort.id,
        {
            "code": cohort.code,
            "curriculum": curriculum.code,
            "instructors": sorted(u.id for u in instructors),
        },
    )
    return cohort


def cohorts_for(user, search: str | None = None) -> list[Cohort]:
    """The cohorts `user` works with: all for administrators and officers, their own else."""
    stmt = sa.select(Cohort).options(joinedload(Cohort.curriculum), joinedload(Cohort.venue))
    if not user.has_role(Role.ADMIN, Role.OFFICER):
        own = sa.select(cohort_instructors.c.cohort_id).where(
            cohort_instructors.c.user_id == user.id
        )
        mine = sa.select(Enrolment.cohort_id).where(Enrolment.trainee_id == user.id)
        stmt = stmt.where(sa.or_(Cohort.id.in_(own), Cohort.id.in_(mine)))
    if search:
        like = f"%{search}%"
        stmt = stmt.where(
            sa.or_(Cohort.code.ilike(like), Cohort.title_en.ilike(like), Cohort.title_km.like(like))
        )
    return list(db.session.scalars(stmt.order_by(Cohort.start_date.desc(), Cohort.code)))


def open_cohorts_for_trainee(user) -> list[Cohort]:
    """Open cohorts the trainee is not yet part of."""
    mine = sa.select(Enrolment.cohort_id).where(Enrolment.trainee_id == user.id)
    return list(
        db.session.scalars(
            sa.select(Cohort)
            .options(joinedload(Cohort.curriculum), joinedload(Cohort.venue))
            .where(Cohort.status == CohortStatus.OPEN, Cohort.id.not_in(mine))
            .order_by(Cohort.start_date)
        )
    )


# --- Enrolment --------------------------------------------------------------------------------


def _move(enrolment: Enrolment, to: EnrolmentStatus, actor, now, reason=None) -> None:
    enrolment.events.append(
        EnrolmentEvent(
            at=now,
            actor_id=getattr(actor, "id", None),
            from_status=enrolment.status if enrolment.id else None,
            to_status=to,
            reason=reason,
        )
    )
    enrolment.status = to
    enrolment.updated_at = now


def _check_place(cohort: Cohort, extra: int = 1) -> None:
    acquire_lock(f"cohort:{cohort.id}")  # two instructors must not fill the last place twice
    if enrolled_count(cohort.id) + extra > cohort.capacity:
        raise DomainError(_l("The cohort is full (%(n)s places).", n=cohort.capacity))


def _check_trainee(trainee: User) -> None:
    if not trainee.active or not trainee.has_role(Role.TRAINEE):
        raise DomainError(
            _l("Only active accounts with the trainee role can be enrolled."), "trainee"
        )


def enrol(actor, cohort: Cohort, trainee: User, now: datetime) -> Enrolment:
    """Enrol a trainee (by a manager); a request, refusal or withdrawal becomes an enrolment."""
    require_manager(actor, cohort)
    if cohort.status == CohortStatus.CLOSED:
        raise DomainError(_l("This cohort is closed."))
    _check_trainee(trainee)
    enrolment = enrolment_of(trainee, cohort)
    if enrolment is not None and enrolment.status == EnrolmentStatus.ENROLLED:
        raise DomainError(_l("This trainee is already enrolled in this cohort."), "trainee")
    _check_place(cohort)
    if enrolment is None:
        enrolment = Enrolment(
            cohort_id=cohort.id, trainee_id=trainee.id, status=EnrolmentStatus.ENROLLED
        )
        db.session.add(enrolment)
    _move(enrolment, EnrolmentStatus.ENROLLED, actor, now)
    db.session.flush()
    audit.record(
        actor,
        "enrolment.enrolled",
        "enrolment",
        enrolment.id,
        {"cohort": cohort.code, "trainee": trainee.username},
        now=now,
    )
    return enrolment


def request_to_join(trainee: User, cohort: Cohort, now: datetime) -> Enrolment:
    """A trainee asks for a place in an open cohort."""
    if cohort.status != CohortStatus.OPEN:
        raise DomainError(_l("This cohort is not open for enrolment."))
    _check_trainee(trainee)
    enrolment = enrolment_of(trainee, cohort)
    if enrolment is not None and enrolment.status in (
        EnrolmentStatus.ENROLLED,
        EnrolmentStatus.REQUESTED,
    ):
        raise DomainError(_l("You have already asked to join, or are enrolled."))
    if enrolment is None:
        enrolment = Enrolment(
            cohort_id=cohort.id, trainee_id=trainee.id, status=EnrolmentStatus.REQUESTED
        )
        db.session.add(enrolment)
    _move(enrolment, EnrolmentStatus.REQUESTED, trainee, now)
    db.session.flush()
    return enrolment


def decide_request(
    actor, enrolment: Enrolment, accept: bool, reason: str | None, now: datetime
) -> None:
    """An instructor of the cohort accepts or refuses a request to join."""
    cohort = enrolment.cohort
    require_manager(actor, cohort)
    if enrolment.status != EnrolmentStatus.REQUESTED:
        raise DomainError(_l("This request was already answered."))
    if accept:
        _check_place(cohort)
        _move(enrolment, EnrolmentStatus.ENROLLED, actor, now, reason)
    else:
        _move(enrolment, EnrolmentStatus.REFUSED, actor, now, reason)
    audit.record(
        actor,
        "enrolment.accepted" if accept else "enrolment.refused",
        "enrolment",
        enrolment.id,
        {"cohort": cohort.code, "reason": reason},
        now=now,
    )


def withdraw(actor, enrolment: Enrolment, reason: str | None, now: datetime) -> None:
    """End an enrolment or a request; its history and attendance are kept."""
    own = actor is not None and actor.id == enrolment.trainee_id
    if not own:
        require_manager(actor, enrolment.cohort)
    if enrolment.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.REQUESTED):
        raise DomainError(_l("Only a current enrolment or request can be withdrawn."))
    _move(enrolment, EnrolmentStatus.WITHDRAWN, actor, now, reason)
    audit.record(
        actor,
        "enrolment.withdrawn",
        "enrolment",
        enrolment.id,
        {"cohort": enrolment.cohort.code, "reason": reason},
        now=now,
    )


def find_trainee(identifier: str) -> User | None:
    """A user by login name, email or licence number."""
    value = (identifier or "").strip()
    if not value:
        return None
    return db.session.scalar(
        sa.select(User)
        .where(
            sa.or_(
                User.username == value.lower(),
                User.email == value.lower(),
                User.licence_number == value,
            )
        )
        .limit(1)
    )


def import_enrolments(
    actor, cohort: Cohort, data: bytes | str, now: datetime, source: str | None = None
) -> list[Enrolment]:
    """Enrol trainees listed in a CSV (column `trainee`: login, email or licence), all or none."""
    require_manager(actor, cohort)
    rows = csvio.read_rows(data, ("trainee",))
    errors, trainees, seen = [], [], set()
    for line, row in rows:
        user = find_trainee(row["trainee"] or "")
        if user is None:
            errors.append(
                RowError(
                    line, "trainee", _l("No account has this login name, email or licence number.")
                )
            )
            continue
        if user.id in seen:
            errors.append(RowError(line, "trainee", _l("This trainee is listed twice.")))
            continue
        seen.add(user.id)
        if not user.active or not user.has_role(Role.TRAINEE):
            errors.append(
                RowError(
                    line,
                    "trainee",
                    _l("Only active accounts with the trainee role can be enrolled."),
                )
            )
            continue
        existing = enrolment_of(user, cohort)
        if existing is not None and existing.status == EnrolmentStatus.ENROLLED:
            errors.append(
                RowError(line, "trainee", _l("This trainee is already enrolled in this cohort."))
            )
            continue
        trainees.append(user)
    if not errors and trainees:
        try:
            _check_place(cohort, len(trainees))
        except DomainError as error:
            errors.append(RowError(rows[-1][0], "", error.message))
    if errors:
        raise ImportRejected(errors, source)
    return [enrol(actor, cohort, user, now) for user in trainees]


def roster(cohort: Cohort) -> list[Enrolment]:
    """Every enrolment of a cohort with its trainee, ordered by name (two queries)."""
    return list(
        db.session.scalars(
            sa.select(Enrolment)
            .join(User, User.id == Enrolment.trainee_id)
            .options(
                joinedload(Enrolment.trainee).joinedload(User.cadre),
                joinedload(Enrolment.trainee).joinedload(User.facility),
            )
            .where(Enrolment.cohort_id == cohort.id)
            .order_by(User.family_name_en, User.given_name_en)
        )
    )


def count_by_sex(enrolments: list[Enrolment]) -> dict[Sex, int]:
    counts = dict.fromkeys(Sex, 0)
    for enrolment in enrolments:
        counts[enrolment.trainee.sex] += 1
    return counts


# --- Sessions and attendance ------------------------------------------------------------------


def schedule_session(
    actor, cohort: Cohort, module_id: int, starts_at: datetime, minutes: int, place: str | None
) -> CohortSession:
    """Add a session of one of the curriculum's modules."""
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
        actor,
        "session.scheduled",
        "cohort",
        cohort.id,
        {"session": session.id, "module": module.code},
    )
    return session


def sessions_of(cohort: Cohort) -> list[CohortSession]:
    return list(
        db.session.scalars(
            sa.select(CohortSession)
            .options(joinedload(CohortSession.module))
            .where(CohortSession.cohort_id == cohort.id)
            .order_by(CohortSession.starts_at)
        )
    )


def attendance_of(session: CohortSession) -> dict[int, AttendanceStatus]:
    return dict(
        db.session.execute(
            sa.select(Attendance.enrolment_id, Attendance.status).where(
                Attendance.session_id == session.id
            )
        ).all()
    )


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
    audit.record(
        actor,
        "attendance.marked",
        "cohort",
        cohort.id,
        {"session": session.id, "count": len(marks)},
        now=now,
    )


@dataclass(frozen=True)
class AttendanceSummary:
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
    attended = sa.func.sum(
        sa.case(
            (Attendance.status.in_([AttendanceStatus.PRESENT, AttendanceStatus.LATE]), 1), else_=0
        )
    )
    excused = sa.func.sum(sa.case((Attendance.status == AttendanceStatus.EXCUSED, 1), else_=0))
    counts = {
        row[0]: (int(row[1] or 0), int(row[2] or 0))
        for row in db.session.execute(
            sa.select(Attendance.enrolment_id, attended, excused)
            .join(CohortSession, CohortSession.id == Attendance.session_id)
            .where(
                Attendance.enrolment_id.in_([e.id for e in enrolments]),
                started,
            )
            .group_by(Attendance.enrolment_id)
        )
    }
    return {
        e.id: AttendanceSummary(
            counts.get(e.id, (0, 0))[0],
            held.get(e.cohort_id, 0) - counts.get(e.id, (0, 0))[1],
            counts.get(e.id, (0, 0))[1],
        )
        for e in enrolments
    }


def load_cohort(cohort_id: int) -> Cohort | None:
    return db.session.scalar(
        sa.select(Cohort)
        .where(Cohort.id == cohort_id)
        .options(
            selectinload(Cohort.instructors),
            joinedload(Cohort.curriculum),
            joinedload(Cohort.venue),
        )
    )
