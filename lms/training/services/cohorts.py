"""Cohorts: who may manage or view one, setting one up, and the lists of them a user sees."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from ...audit import services as audit
from ...auth.roles import Role
from ...curricula.models import Curriculum
from ...errors import DomainError, Forbidden
from ...extensions import db
from ...frameworks.spec import Status
from ...text import has_khmer
from ...users.models import User, UserRole
from ..models import Cohort, CohortStatus, Enrolment, EnrolmentStatus, cohort_instructors

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{1,39}$")
COPIED = (  # the fields of CohortData a cohort takes as they are
    "code",
    "title_km",
    "title_en",
    "start_date",
    "end_date",
    "capacity",
    "status",
    "venue_id",
)


# --- Who may do what ------------------------------------------------------------------------


def manages(user, cohort: Cohort) -> bool:
    """Administrators manage every cohort; instructors only the cohorts they teach."""
    if user is None:
        return True  # commands run by the system
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.INSTRUCTOR) and any(i.id == user.id for i in cohort.instructors)


def require_manager(user, cohort: Cohort) -> None:
    """Refuse (Forbidden) anyone who does not manage `cohort`."""
    if not manages(user, cohort):
        raise Forbidden(_l("Only this cohort's instructors and administrators may do this."))


def enrolment_of(user, cohort: Cohort) -> Enrolment | None:
    """The user's enrolment (or request) in the cohort, in whatever status, if any."""
    return db.session.scalar(
        sa.select(Enrolment).where(
            Enrolment.cohort_id == cohort.id, Enrolment.trainee_id == user.id
        )
    )


def enrolled_places(*where, order_by=(Enrolment.id,)) -> list[Enrolment]:
    """The places taken (enrolled) that meet `where` (on `Enrolment` and `Cohort`), with their
    cohorts and curricula (one query)."""
    return list(
        db.session.scalars(
            sa.select(Enrolment)
            .join(Cohort, Cohort.id == Enrolment.cohort_id)
            .where(Enrolment.status == EnrolmentStatus.ENROLLED, *where)
            .options(joinedload(Enrolment.cohort).joinedload(Cohort.curriculum))
            .order_by(*order_by)
        )
    )


def can_view(user, cohort: Cohort) -> bool:
    """Managers and officers; trainees of the cohort, or any trainee while it is open."""
    if manages(user, cohort) or user.has_role(Role.OFFICER):
        return True
    if user.has_role(Role.TRAINEE):
        return cohort.status == CohortStatus.OPEN or enrolment_of(user, cohort) is not None
    return False


def follows(user, cohort: Cohort) -> bool:
    """Managers and officers follow a cohort: its trainees, their attendance and results."""
    return manages(user, cohort) or user.has_role(Role.OFFICER)


def reads_materials(user, cohort: Cohort, own: Enrolment | None) -> bool:
    """Managers, officers, and trainees enrolled in the cohort (`own` is the user's
    enrolment in it) read the cohort's materials."""
    return follows(user, cohort) or (own is not None and own.is_enrolled)


# --- Setting a cohort up ------------------------------------------------------------------------


@dataclass
class CohortData:
    """A cohort's fields as entered, before `save_cohort` checks them."""

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
    """How many trainees hold a place in the cohort (requests and withdrawals aside)."""
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.ENROLLED
        )
    )


def _check_curriculum(data: CohortData, cohort: Cohort | None) -> Curriculum:
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
    return curriculum


def _check_instructors(ids: list[int] | None) -> list[User]:
    if not ids:
        return []
    instructors = list(
        db.session.scalars(
            sa.select(User).join(UserRole).where(User.id.in_(ids), UserRole.role == Role.INSTRUCTOR)
        )
    )
    if len(instructors) != len(set(ids)):
        raise DomainError(_l("Every instructor must hold the instructor role."), "instructor_ids")
    return instructors


def save_cohort(actor, data: CohortData, cohort: Cohort | None = None, *, now: datetime) -> Cohort:
    """Create or change a cohort; it runs a published curriculum, taught by instructors.
    `now` dates the audit record."""
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
    curriculum = _check_curriculum(data, cohort)
    if data.end_date < data.start_date:
        raise DomainError(_l("The end date must not be before the start date."), "end_date")
    if data.capacity < 1:
        raise DomainError(_l("The capacity must be at least 1."), "capacity")
    if cohort is not None and data.capacity < enrolled_count(cohort.id):
        raise DomainError(_l("More trainees are enrolled than this capacity."), "capacity")
    instructors = _check_instructors(data.instructor_ids)
    created = cohort is None
    cohort = cohort or Cohort()
    for name in COPIED:
        setattr(cohort, name, getattr(data, name))
    cohort.curriculum = curriculum
    cohort.instructors = instructors
    db.session.add(cohort)
    db.session.flush()
    audit.record(
        actor,
        "cohort.created" if created else "cohort.updated",
        cohort,
        now=now,
        code=cohort.code,
        curriculum=curriculum.code,
        instructors=sorted(u.id for u in instructors),
    )
    return cohort


def curricula_offered(cohort: Cohort | None) -> list[Curriculum]:
    """The curricula a cohort may run: the published ones, and the one it already runs."""
    return list(
        db.session.scalars(
            sa.select(Curriculum)
            .where(
                (Curriculum.status == Status.PUBLISHED)
                | (Curriculum.id == (cohort.curriculum_id if cohort else 0))
            )
            .order_by(Curriculum.code)
        )
    )


def instructors_offered() -> list[User]:
    """Active accounts with the instructor role, who may be chosen to teach a cohort."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(UserRole)
            .where(UserRole.role == Role.INSTRUCTOR, User.active.is_(True))
            .order_by(User.family_name_en)
        )
    )


# --- Finding cohorts ----------------------------------------------------------------------------


def load_cohort(cohort_id: int) -> Cohort | None:
    """The cohort with its instructors, curriculum and venue, or None."""
    return db.session.scalar(
        sa.select(Cohort)
        .where(Cohort.id == cohort_id)
        .options(
            selectinload(Cohort.instructors),
            joinedload(Cohort.curriculum),
            joinedload(Cohort.venue),
        )
    )


def _listed():
    return sa.select(Cohort).options(joinedload(Cohort.curriculum), joinedload(Cohort.venue))


def cohorts_for(user, search: str | None = None) -> list[Cohort]:
    """The cohorts `user` works with: all for administrators and officers, their own else."""
    stmt = _listed()
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
    """Open cohorts the trainee is not yet part of (none for a user who is no trainee)."""
    if not user.has_role(Role.TRAINEE):
        return []
    mine = sa.select(Enrolment.cohort_id).where(Enrolment.trainee_id == user.id)
    return list(
        db.session.scalars(
            _listed()
            .where(Cohort.status == CohortStatus.OPEN, Cohort.id.not_in(mine))
            .order_by(Cohort.start_date)
        )
    )
