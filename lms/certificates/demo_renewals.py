"""Demo certificates that come up for renewal, one of each kind, held by three health workers of
a Siem Reap health centre (away from the Takeo facilities the quality demo assesses):

- MEAS Sokha's basic EmONC certificate, issued 35 months ago, expires next month; she has just
  completed the basic EmONC refresher, so the officer renews it by issuing from the refresher's
  cohort;
- TEP Rathana's IPC basics certificate, issued 22 months ago, expires in two months; the climate
  course she completed since gave her the 6 CPD credits it asks for, so the officer renews it on
  CPD credits from its page;
- ROS Vibol's IPC basics certificate, from the same cohort, has no credits since: 6 short.

The old certificates are issued as of their day (serials of that year, dates, the PDF); the
evidence behind them is recorded now, dated within each course."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from .. import storage
from ..assessments import demo as assessments_demo
from ..curricula.services import find_curriculum
from ..extensions import db
from ..i18n import local_date, utc_moment
from ..training import services as training
from ..training.models import Cohort, CohortStatus, Enrolment
from ..users import demo as users_demo
from ..users.models import Sex, User
from . import services
from .services import add_months

# (username, family km, given km, family en, given en, sex, cadre, facility), as
# users_demo.add_trainees takes them; each one's password is demo-<username>-2026.
HOLDERS = (
    ("meas.sokha", "មាស", "សុខា", "MEAS", "Sokha", Sex.FEMALE, "MIDWIFE", "SR-HC-SN"),
    ("tep.rathana", "ទេព", "រតនា", "TEP", "Rathana", Sex.FEMALE, "NURSE", "SR-HC-SN"),
    ("ros.vibol", "រស់", "វិបុល", "ROS", "Vibol", Sex.MALE, "NURSE", "SR-HC-SN"),
)
INSTRUCTORS = ("instructor", "instructor2")  # they recorded the evidence (assessments demo)


class Course(NamedTuple):
    """A finished course every trainee passed; its certificates were issued `issued_months_ago`
    months ago, `days_to_issue` days after it ended (None: not issued yet, it ended last week)."""

    code: str
    titles: tuple[str, str]
    days: int
    trainees: tuple[str, ...]
    issued_months_ago: int | None = None
    days_to_issue: int = 0


COURSES = (
    Course("BEMONC", ("វគ្គ BEmONC សៀមរាប", "BEmONC Siem Reap"), 11, ("meas.sokha",), 35, 3),
    Course(
        "IPC-BASIC",
        ("វគ្គ IPC សៀមរាប", "IPC basics, Siem Reap"),
        2,
        ("tep.rathana", "ros.vibol"),
        22,
        4,
    ),
    Course(
        "CLIMATE-HC-STAFF",
        ("វគ្គអាកាសធាតុ និងសុខភាព សៀមរាប", "Climate and health, Siem Reap"),
        3,
        ("tep.rathana",),
        5,
        5,
    ),
    Course(
        "BEMONC-REF", ("វគ្គរំលឹក BEmONC សៀមរាប", "BEmONC refresher, Siem Reap"), 3, ("meas.sokha",)
    ),
)


def load(now: datetime) -> None:
    """Add the holders, their courses and certificates (the caller commits); nothing when a
    shipped curriculum is missing."""
    found = {course.code: find_curriculum(course.code, 1) for course in COURSES}
    if None in found.values():
        return
    users_demo.add_trainees(HOLDERS, now)
    people = {
        u.username: u
        for u in db.session.scalars(
            sa.select(User).where(User.username.in_([*INSTRUCTORS, *(h[0] for h in HOLDERS)]))
        )
    }
    teachers = [people[name].id for name in INSTRUCTORS]
    today = local_date(now)
    for course in COURSES:
        issued_on = None
        if course.issued_months_ago is None:
            end = today - timedelta(days=8)
        else:
            issued_on = add_months(today, -course.issued_months_ago)
            end = issued_on - timedelta(days=course.days_to_issue)
        cohort = _cohort(now, found[course.code], course, end, teachers)
        for name in course.trainees:
            training.enrol(None, cohort, people[name], now)
        assessments_demo.load(now, cohort.code)
        cohort.status = CohortStatus.CLOSED
        db.session.flush()
        if issued_on is not None:
            _issue(cohort, issued_on)


def _cohort(now, curriculum, course: Course, end: date, teachers: list[int]) -> Cohort:
    """The course's cohort in Siem Reap, running until `end`; its code carries the curriculum
    and the year it started."""
    start = end - timedelta(days=course.days - 1)
    title_km, title_en = course.titles
    data = training.CohortData(
        code=f"{curriculum.code}-SR-{start.year}-01",
        title_km=title_km,
        title_en=title_en,
        curriculum_id=curriculum.id,
        start_date=start,
        end_date=end,
        capacity=24,
        status=CohortStatus.RUNNING,
        instructor_ids=teachers,
    )
    return training.save_cohort(None, data, now=now)


def _issue(cohort: Cohort, day: date) -> None:
    """Issue the cohort's certificates as the officer did on `day` (at nine in the morning)."""
    moment = utc_moment(datetime.combine(day, time(9)))
    for enrolment in db.session.scalars(
        sa.select(Enrolment).where(Enrolment.cohort_id == cohort.id).order_by(Enrolment.id)
    ):
        services.issue(
            None,
            enrolment,
            moment,
            storage.area("certificates"),
            current_app.config["LMS_BASE_URL"],
        )
