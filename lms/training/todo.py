"""What is next in training, for the home page: a trainee's next session; an instructor's
sessions today and requests to join; the cohorts an administrator must see to.

Each function takes the user and `now` and returns `Todo` items in a fixed number of queries,
however many cohorts, sessions or people there are.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..curricula.models import Module
from ..extensions import db
from ..i18n import local_moment
from ..navigation import Fact, Group, Todo
from ..users.models import User
from .models import (
    Attendance,
    Cohort,
    CohortSession,
    CohortStatus,
    Enrolment,
    EnrolmentStatus,
    cohort_instructors,
)

SESSIONS_READ = 20  # today's and later sessions read to find the first that has not ended
MOST = 10  # cohorts listed for an administrator; past that, one item leads to the list
CLOSED = CohortStatus.CLOSED


def both(km: str | None, en: str | None) -> dict:
    """`subject_km` and `subject_en` of an item, each falling back on the other script."""
    return {"subject_km": km or en, "subject_en": en or km}


def cohort_group(km: str | None, en: str | None) -> Group:
    """The group of the items about one cohort: its title."""
    return Group(km or en, en or km)


def _day_bounds(now: datetime) -> tuple[datetime, datetime, datetime]:
    """Cambodia's wall-clock time now, and the start of today and of tomorrow there."""
    here = local_moment(now)
    start = datetime.combine(here.date(), time())
    return here, start, start + timedelta(days=1)


def taught_by(user: User):
    """In SQL: the ids of the cohorts `user` teaches."""
    return sa.select(cohort_instructors.c.cohort_id).where(cohort_instructors.c.user_id == user.id)


def _session_columns():
    return (
        CohortSession.id,
        CohortSession.cohort_id,
        CohortSession.starts_at,
        CohortSession.minutes,
        CohortSession.place,
        Module.title_km,
        Module.title_en,
        Cohort.title_km.label("cohort_km"),
        Cohort.title_en.label("cohort_en"),
    )


def trainee(user: User, now: datetime) -> list[Todo]:
    """The next session of the trainee's cohorts that has not ended yet (one query)."""
    here, start, tomorrow = _day_bounds(now)
    rows = db.session.execute(
        sa.select(*_session_columns())
        .join(Cohort, Cohort.id == CohortSession.cohort_id)
        .join(Module, Module.id == CohortSession.module_id)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(
            Enrolment.trainee_id == user.id,
            Enrolment.status == EnrolmentStatus.ENROLLED,
            Cohort.status != CLOSED,
            CohortSession.starts_at >= start,
        )
        .order_by(CohortSession.starts_at, CohortSession.id)
        .limit(SESSIONS_READ)
    )
    for row in rows:
        if row.starts_at + timedelta(minutes=row.minutes) > here:
            return [
                Todo(
                    "next_session",
                    _l("Next session"),
                    "training.show_cohort",
                    (("cohort_id", row.cohort_id),),
                    anchor="sessions",
                    when=row.starts_at,
                    today=row.starts_at < tomorrow,
                    place=row.place,
                    group=cohort_group(row.cohort_km, row.cohort_en),
                    **both(row.title_km, row.title_en),
                )
            ]
    return []


def instructor(user: User, now: datetime) -> list[Todo]:
    """The sessions of the user's cohorts that start today, each marked whether its attendance
    is taken, and the requests to join waiting in each cohort (two queries)."""
    _here, start, tomorrow = _day_bounds(now)
    taken = sa.exists().where(Attendance.session_id == CohortSession.id)
    sessions = db.session.execute(
        sa.select(*_session_columns(), taken.label("taken"))
        .join(Cohort, Cohort.id == CohortSession.cohort_id)
        .join(Module, Module.id == CohortSession.module_id)
        .where(
            CohortSession.cohort_id.in_(taught_by(user)),
            CohortSession.starts_at >= start,
            CohortSession.starts_at < tomorrow,
        )
        .order_by(CohortSession.starts_at, CohortSession.id)
    )
    found = [
        Todo(
            "session_today_taken" if row.taken else "session_today",
            _l("Session today: attendance taken")
            if row.taken
            else _l("Session today: take attendance"),
            "training.take_attendance",
            (("cohort_id", row.cohort_id), ("session_id", row.id)),
            when=row.starts_at,
            today=True,
            place=row.place,
            group=cohort_group(row.cohort_km, row.cohort_en),
            **both(row.title_km, row.title_en),
        )
        for row in sessions
    ]
    requests = db.session.execute(
        sa.select(Cohort.id, Cohort.title_km, Cohort.title_en, sa.func.count(Enrolment.id))
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(
            Cohort.id.in_(taught_by(user)),
            Cohort.status != CLOSED,
            Enrolment.status == EnrolmentStatus.REQUESTED,
        )
        .group_by(Cohort.id, Cohort.title_km, Cohort.title_en)
        .order_by(Cohort.title_en, Cohort.id)
    )
    found += [
        Todo(
            "requests_to_join",
            _l("Requests to join"),
            "training.show_cohort",
            (("cohort_id", cohort_id),),
            anchor="trainees",
            count=count,
            group=cohort_group(km, en),
        )
        for cohort_id, km, en, count in requests
    ]
    return found


def admin(user: User, now: datetime) -> list[Todo]:
    """Cohorts an administrator must see to (one query): not closed yet with no active
    instructor (a deactivated one cannot teach), or running past their last day (close them,
    so that their trainees can be certified)."""
    today = local_moment(now).date()
    active = (
        sa.select(cohort_instructors.c.cohort_id)
        .join(User, User.id == cohort_instructors.c.user_id)
        .where(User.active.is_(True))
    )
    teacherless = Cohort.id.not_in(active)
    overdue = sa.and_(Cohort.status == CohortStatus.RUNNING, Cohort.end_date < today)
    rows = db.session.execute(
        sa.select(
            Cohort.id,
            Cohort.title_km,
            Cohort.title_en,
            Cohort.end_date,
            teacherless.label("teacherless"),
        )
        .where(Cohort.status != CLOSED, sa.or_(teacherless, overdue))
        .order_by(Cohort.end_date, Cohort.id)
        .limit(MOST + 1)
    ).all()
    found = []
    for row in rows[:MOST]:
        subject = both(row.title_km, row.title_en)
        link = ("training.edit_cohort", (("cohort_id", row.id),))
        if row.teacherless:
            found.append(
                Todo("cohort_without_instructor", _l("No active instructor"), *link, **subject)
            )
        else:
            fact = Fact(_l("Ended on %(value)s"), row.end_date)
            found.append(
                Todo("cohort_to_close", _l("Cohort to close"), *link, facts=(fact,), **subject)
            )
    if len(rows) > MOST:
        found.append(Todo("more_cohorts", _l("More cohorts"), "training.list_cohorts"))
    return found
