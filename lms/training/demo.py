"""Demo cohorts of basic EmONC at the Takeo training centre: one running, taught by the two demo
instructors with the demo trainee enrolled and four sessions scheduled; and one that finished,
whose graduates the assessments loader gives passing evidence before `close` ends it."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from ..curricula.services import find_curriculum
from ..extensions import db
from ..i18n import local_date
from ..orgunits.models import Facility
from ..users.models import User
from . import services
from .models import Cohort, CohortStatus

RUNNING, FINISHED = 1, 0  # the cohorts' numbers in their codes
INSTRUCTORS = ("instructor", "instructor2")


def cohort_code(now, number: int) -> str:
    """The demo cohorts' codes carry the year they are loaded in: BEMONC-TK-2026-01."""
    return f"BEMONC-TK-{local_date(now).year}-{number:02d}"


def load(now, graduates: list[str]) -> None:
    """Add the running cohort and the finished one with `graduates` enrolled (still running,
    so that evidence can be recorded); nothing without the basic EmONC curriculum."""
    curriculum = find_curriculum("BEMONC", 1)
    if curriculum is None:
        return
    people = {
        u.username: u
        for u in db.session.scalars(
            sa.select(User).where(User.username.in_([*INSTRUCTORS, "trainee", *graduates]))
        )
    }
    instructor_ids = [people[name].id for name in INSTRUCTORS]
    _running(now, curriculum, instructor_ids, people["trainee"])
    _finished(now, curriculum, instructor_ids, [people[name] for name in graduates])


def _cohort(now, number: int, titles, curriculum, instructor_ids, start, days, venue=None):
    """A running cohort of 24 places on `curriculum`, `days` long from `start`."""
    title_km, title_en = titles
    data = services.CohortData(
        code=cohort_code(now, number),
        title_km=title_km,
        title_en=title_en,
        curriculum_id=curriculum.id,
        start_date=start,
        end_date=start + timedelta(days=days),
        capacity=24,
        status=CohortStatus.RUNNING,
        venue_id=venue.id if venue else None,
        instructor_ids=instructor_ids,
    )
    return services.save_cohort(None, data, now=now)


def _running(now, curriculum, instructor_ids: list[int], trainee: User) -> None:
    venue = db.session.scalar(sa.select(Facility).where(Facility.code == "RTC-TK"))
    start = local_date(now) - timedelta(days=3)
    titles = ("វគ្គ BEmONC តាកែវ លើកទី១", "BEmONC Takeo, cohort 1")
    cohort = _cohort(now, RUNNING, titles, curriculum, instructor_ids, start, 13, venue)
    services.enrol(None, cohort, trainee, now)
    for day, module in enumerate(curriculum.modules[:4]):
        starts = datetime.combine(local_date(now), time(8)) + timedelta(days=day - 2)
        services.schedule_session(
            None, cohort, module.id, starts, 180, venue.name_en if venue else None, now=now
        )


def _finished(now, curriculum, instructor_ids: list[int], graduates: list[User]) -> None:
    start = local_date(now) - timedelta(days=40)
    titles = ("វគ្គ BEmONC តាកែវ (បានបញ្ចប់)", "BEmONC Takeo, completed cohort")
    cohort = _cohort(now, FINISHED, titles, curriculum, instructor_ids, start, 11)
    for trainee in graduates:
        services.enrol(None, cohort, trainee, now)


def finished_cohort(now) -> Cohort | None:
    """The finished demo cohort, if it was loaded."""
    return db.session.scalar(sa.select(Cohort).where(Cohort.code == cohort_code(now, FINISHED)))


def close(now) -> None:
    """Close the finished cohort once its evidence is in."""
    cohort = finished_cohort(now)
    if cohort is not None:
        cohort.status = CohortStatus.CLOSED
