"""Five years of training: cohorts of the published curricula in every province, their
enrolments (and the requests and withdrawals among them), sessions and attendance. Assessment
records are written by assessments.py, certificates by certificates.py."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from ..certificates.snapshot import Competency
from ..curricula.models import Curriculum, InstrumentType
from ..extensions import db
from ..i18n import local_moment
from ..training.models import (
    Attendance,
    Cohort,
    CohortSession,
    Enrolment,
    EnrolmentEvent,
    cohort_instructors,
)
from .bulk import Writer
from .people import Country

CURRICULUM_SHARE = {"BEMONC": 35, "IPC-BASIC": 40, "CLIMATE-HC-STAFF": 25}
CHECKLISTS = {InstrumentType.OSCE, InstrumentType.DOPS}
PHNOM_PENH_MORNING = time(1, 0)  # 08:00 in Phnom Penh, stored in UTC


@dataclass
class Course:
    """A published curriculum, as plain values."""

    id: int
    code: str
    title_km: str
    title_en: str
    version: int
    cadres: set[str]
    modules: list[int]
    days: int
    hours: float
    cpd_credits: float
    validity_months: int | None
    competencies: tuple[Competency, ...]
    instruments: list[tuple[int, str, bool, list[int], int | None]]  # id, type, 2nd, items, pass
    logbook: list[tuple[int, list[tuple[int, int]]]]  # instrument id, [(case type, min)]


@dataclass
class Group:
    id: int
    course: Course
    province: str
    start: date
    end: date
    status: str
    instructors: list[int]
    venue: int
    code: str = ""
    enrolments: list[tuple[int, int, str]] = field(default_factory=list)  # id, trainee, status


def courses() -> list[Course]:
    result = []
    for c in db.session.scalars(
        sa.select(Curriculum)
        .where(Curriculum.status == "published")
        .order_by(Curriculum.code, Curriculum.version)
    ):
        hours = sum(m.hours for m in c.modules)
        result.append(
            Course(
                id=c.id,
                code=c.code,
                title_km=c.title_km or "",
                title_en=c.title_en,
                version=c.version,
                cadres={cadre.code for cadre in c.cadres},
                modules=[m.id for m in c.modules],
                days=max(3, math.ceil(hours / 6)),
                hours=round(hours, 1),
                cpd_credits=c.cpd_credits,
                validity_months=c.validity_months,
                competencies=tuple(
                    (k.code, k.title_km or "", k.title_en) for k in c.required_competencies
                ),
                instruments=[
                    (
                        i.id,
                        i.type.value,
                        i.second_assessor,
                        [x.id for x in i.items],
                        i.pass_mark_percent,
                    )
                    for i in c.instruments
                    if i.type in CHECKLISTS or i.type == InstrumentType.KNOWLEDGE_TEST
                ],
                logbook=[
                    (i.id, [(t.id, t.min_count) for t in i.case_types])
                    for i in c.instruments
                    if i.type == InstrumentType.LOGBOOK
                ],
            )
        )
    return result


class TrainingBuilder:
    def __init__(self, writer: Writer, rng, as_of: date, now: datetime, country: Country):
        self.w, self.rng, self.as_of, self.now, self.c = writer, rng, as_of, now, country
        self.groups: list[Group] = []

    # --- Cohorts and enrolments -------------------------------------------------------------

    def cohorts(self, count: int, enrolments: int) -> None:
        w, rng, c = self.w, self.rng, self.c
        offered = [k for k in courses() if k.instruments]
        weights = [CURRICULUM_SHARE.get(k.code, 20) for k in offered]
        pools: dict[tuple[str, str], list[int]] = {}
        for p in c.workers:
            for k in offered:
                if p.cadre in k.cadres:
                    pools.setdefault((k.code, p.province), []).append(p.id)
        for pool in pools.values():
            rng.shuffle(pool)
        cursor = dict.fromkeys(pools, 0)
        span = 5 * 365 + 90
        first = self.as_of - timedelta(days=5 * 365)
        cohort_id, enrolment_id = w.next_id(Cohort.__table__), w.next_id(Enrolment.__table__)
        size = enrolments / count * 1.045  # open and planned cohorts fill less
        codes: dict[tuple, int] = {}
        for _ in range(count):
            course = rng.choices(offered, weights)[0]
            provinces = [p for p in sorted(c.provinces) if (course.code, p) in pools]
            province = rng.choices(provinces, [len(pools[course.code, p]) for p in provinces])[0]
            start = first + timedelta(days=rng.randrange(span))
            end = start + timedelta(days=course.days - 1)
            if end < self.as_of:
                status, wanted = "closed", rng.randint(int(size * 0.9), int(size * 1.1))
            elif start <= self.as_of:
                status, wanted = "running", rng.randint(int(size * 0.9), int(size * 1.1))
            elif (start - self.as_of).days <= 45:
                status, wanted = "open", rng.randint(int(size * 0.3), int(size * 0.8))
            else:
                status, wanted = "planned", 0
            teachers = c.instructors[province]
            group = Group(
                cohort_id,
                course,
                province,
                start,
                end,
                status,
                rng.sample(teachers, min(2, len(teachers))),
                rng.choice(c.hospitals[province]),
            )
            pool = pools[course.code, province]
            for _ in range(min(wanted, len(pool))):
                trainee = pool[cursor[course.code, province] % len(pool)]
                cursor[course.code, province] += 1
                state = "enrolled"
                if status == "open" and rng.random() < 0.15:
                    state = "requested"
                elif status != "open" and rng.random() < 0.03:
                    state = "withdrawn"
                group.enrolments.append((enrolment_id, trainee, state))
                enrolment_id += 1
            key = (course.code, province, start.year)
            codes[key] = codes.get(key, 0) + 1
            group.code = f"{course.code}-{province}-{start.year}-{codes[key]:02d}"
            self.groups.append(group)
            cohort_id += 1
        self._write_cohorts()

    def _write_cohorts(self) -> None:
        w, c = self.w, self.c
        stamp = w.moment(self.now)
        w.write(
            Cohort.__table__,
            [
                "id",
                "code",
                "title_km",
                "title_en",
                "curriculum_id",
                "venue_id",
                "start_date",
                "end_date",
                "capacity",
                "status",
                "created_at",
            ],
            (
                (
                    g.id,
                    g.code,
                    f"{g.course.title_km} — {c.province_names[g.province][0]} {g.start.year}",
                    f"{g.course.title_en} — {c.province_names[g.province][1]} {g.start.year}",
                    g.course.id,
                    g.venue,
                    w.day(g.start),
                    w.day(g.end),
                    max(len(g.enrolments), 90),
                    g.status,
                    stamp,
                )
                for g in self.groups
            ),
        )
        w.write(
            cohort_instructors,
            ["cohort_id", "user_id"],
            ((g.id, t) for g in self.groups for t in g.instructors),
        )
        w.write(
            Enrolment.__table__,
            ["id", "cohort_id", "trainee_id", "status", "updated_at"],
            (
                (e, g.id, t, s, w.moment(datetime.combine(g.start, PHNOM_PENH_MORNING)))
                for g in self.groups
                for e, t, s in g.enrolments
            ),
        )

        def events():
            for g in self.groups:
                at = w.moment(datetime.combine(g.start - timedelta(days=14), PHNOM_PENH_MORNING))
                for e, _t, s in g.enrolments:
                    first = "requested" if s == "requested" else "enrolled"
                    yield (e, at, g.instructors[0], None, first, None)
                    if s == "withdrawn":
                        later = w.moment(datetime.combine(g.start, PHNOM_PENH_MORNING))
                        yield (e, later, g.instructors[0], "enrolled", s, "Called back to duty")

        w.write(
            EnrolmentEvent.__table__,
            ["enrolment_id", "at", "actor_id", "from_status", "to_status", "reason"],
            events(),
        )

    # --- Sessions and attendance ------------------------------------------------------------

    def attendance(self) -> None:
        w, rng = self.w, self.rng
        session_id = w.next_id(CohortSession.__table__)
        sessions, marks = [], []
        for g in self.groups:
            for n, module in enumerate(g.course.modules):
                day = g.start + timedelta(days=min(n, g.course.days - 1))
                at = datetime.combine(day, PHNOM_PENH_MORNING)
                # A session's start is a Cambodian wall-clock time (as its manager enters it).
                starts = local_moment(at)
                sessions.append((session_id, g.id, module, w.moment(starts), 180, None))
                if day <= self.as_of:
                    stamp = w.moment(at + timedelta(hours=3))
                    for e, _t, s in g.enrolments:
                        if s == "enrolled" or (s == "withdrawn" and n == 0):
                            roll = rng.random()
                            state = (
                                "present"
                                if roll < 0.9
                                else "late"
                                if roll < 0.95
                                else "excused"
                                if roll < 0.98
                                else "absent"
                            )
                            marks.append((session_id, e, state, g.instructors[0], stamp))
                session_id += 1
        w.write(
            CohortSession.__table__,
            ["id", "cohort_id", "module_id", "starts_at", "minutes", "place"],
            sessions,
        )
        w.write(
            Attendance.__table__,
            ["session_id", "enrolment_id", "status", "marked_by_id", "marked_at"],
            marks,
        )
