"""Five years of training: cohorts, enrolments, sessions and attendance, assessment records,
logbooks of the running cohorts, and the certificates their graduates hold."""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from ..assessments.models import AssessmentRecord, ChecklistMark, LogbookEntry
from ..certificates.models import Certificate, SerialCounter
from ..certificates.services import DEFAULT_SETTINGS, add_months
from ..curricula.models import Curriculum, InstrumentType
from ..extensions import db
from ..i18n import local_date, local_moment
from ..training.models import (
    Attendance,
    Cohort,
    CohortSession,
    Enrolment,
    EnrolmentEvent,
    cohort_instructors,
)
from ..users.models import Cadre
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
    competencies: list[tuple[str, str, str]]
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
                competencies=[
                    (k.code, k.title_km or "", k.title_en) for k in c.required_competencies
                ],
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
        self.graduated: set[int] = set()  # enrolment ids with every instrument passed
        self.certificates: dict[int, list[tuple[str, date, date | None, date | None]]] = {}

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

    # --- Assessment records -----------------------------------------------------------------

    def assessments(self, target: int, certificates: int) -> None:
        """About `target` records; about `certificates` graduates among the closed cohorts."""
        w, rng = self.w, self.rng
        started = [g for g in self.groups if g.status in ("closed", "running")]
        pairs = sum(
            len(g.course.instruments) * sum(1 for _e, _t, s in g.enrolments if s == "enrolled")
            for g in started
        )
        closed = sum(
            1
            for g in started
            if g.status == "closed"
            for _e, _t, s in g.enrolments
            if s == "enrolled"
        )
        mean = max(1.0, target / max(pairs, 1))
        success = min(0.97, certificates / max(closed, 1))
        record_id = w.next_id(AssessmentRecord.__table__)
        records, marks = [], []

        def flush():
            w.write(AssessmentRecord.__table__, RECORD_COLUMNS, records)
            w.write(ChecklistMark.__table__, MARK_COLUMNS, marks)
            records.clear()
            marks.clear()

        for g in started:
            elapsed = (self.as_of - g.start).days + 1
            share = 1.0 if g.status == "closed" else min(1.0, elapsed / g.course.days)
            for e, _t, s in g.enrolments:
                if s != "enrolled":
                    continue
                graduates = g.status == "closed" and rng.random() < success
                for n, (iid, kind, second, items, pass_mark) in enumerate(g.course.instruments):
                    if g.status == "running" and n >= len(g.course.instruments) * share:
                        break
                    attempts = max(
                        1, int(mean) + (rng.random() < mean - int(mean)) + rng.choice((-1, 0, 1))
                    )
                    for k in range(attempts):
                        final = k == attempts - 1
                        passed = graduates if final else rng.random() < 0.4
                        if final and not graduates and g.status == "closed":
                            passed = rng.random() < 0.5 and n > 0
                        day = min(
                            g.end,
                            self.as_of,
                            g.start + timedelta(days=rng.randrange(g.course.days)),
                        )
                        at = datetime.combine(day, PHNOM_PENH_MORNING) + timedelta(
                            minutes=rng.randrange(600)
                        )
                        assessor = g.instructors[k % len(g.instructors)]
                        checklist = kind != InstrumentType.KNOWLEDGE_TEST.value
                        verified = second and len(g.instructors) > 1
                        records.append(
                            (
                                record_id,
                                e,
                                iid,
                                "checklist" if checklist else "paper_test",
                                "submitted",
                                assessor,
                                w.day(day),
                                (rng.randint(3, 4) if passed else rng.randint(1, 2))
                                if checklist
                                else None,
                                None
                                if checklist
                                else float(
                                    rng.randint(pass_mark or 70, 100)
                                    if passed
                                    else rng.randint(30, (pass_mark or 70) - 1)
                                ),
                                (
                                    float(rng.randint(85, 100))
                                    if passed
                                    else float(rng.randint(50, 79))
                                )
                                if checklist
                                else None,
                                w.flag(passed),
                                w.flag(second),
                                g.instructors[-1] if verified else None,
                                w.moment(at + timedelta(hours=20)) if verified else None,
                                w.flag(False),
                                w.moment(at),
                                w.moment(at),
                            )
                        )
                        if g.status == "running" and checklist:
                            for item in items:
                                done = passed or rng.random() < 0.7
                                marks.append((record_id, item, "done" if done else "not_done"))
                        record_id += 1
                if graduates:
                    self.graduated.add(e)
                if len(records) >= 100_000:
                    flush()
        flush()

    def logbooks(self) -> None:
        """Cases logged in running cohorts: most verified, a few waiting, one in fifty rejected."""
        w, rng = self.w, self.rng
        rows = []
        for g in self.groups:
            if g.status != "running" or not g.course.logbook:
                continue
            for e, _t, s in g.enrolments:
                if s != "enrolled":
                    continue
                for iid, types in g.course.logbook:
                    for case_type, minimum in types:
                        for n in range(rng.randint(0, minimum)):
                            day = min(
                                self.as_of, g.start + timedelta(days=rng.randrange(g.course.days))
                            )
                            at = datetime.combine(day, PHNOM_PENH_MORNING) + timedelta(hours=8)
                            roll = rng.random()
                            state = (
                                "verified"
                                if roll < 0.85
                                else "pending"
                                if roll < 0.98
                                else "rejected"
                            )
                            reviewed = state != "pending"
                            rows.append(
                                (
                                    e,
                                    iid,
                                    case_type,
                                    w.day(day),
                                    g.venue,
                                    f"C{e}-{case_type}-{n}",
                                    rng.choice(
                                        ("observed", "assisted", "performed", "independent")
                                    ),
                                    state,
                                    w.moment(at),
                                    g.instructors[0] if reviewed else None,
                                    w.moment(at + timedelta(hours=4)) if reviewed else None,
                                )
                            )
        w.write(
            LogbookEntry.__table__,
            [
                "enrolment_id",
                "instrument_id",
                "case_type_id",
                "case_date",
                "facility_id",
                "reference",
                "role",
                "status",
                "created_at",
                "reviewed_by_id",
                "reviewed_at",
            ],
            rows,
        )

    # --- Certificates -----------------------------------------------------------------------

    def issue(self) -> None:
        """Certificates for the graduates, in issue order: a later one of the same curriculum
        renews the holder's earlier one; a few are revoked, a few re-issued corrected."""
        w, rng, c = self.w, self.rng, self.c
        people = {p.id: p for p in c.workers}
        cadre_names = {
            code: (km, en)
            for code, km, en in db.session.execute(
                sa.select(Cadre.code, Cadre.name_km, Cadre.name_en)
            )
        }
        issued = []
        for g in self.groups:
            if g.status != "closed":
                continue
            for e, t, _s in g.enrolments:
                if e in self.graduated:
                    day = g.end + timedelta(days=rng.randint(5, 45))
                    if day <= self.as_of:
                        issued.append((day, e, t, g))
        issued.sort(key=lambda row: (row[0], row[1]))
        counters: dict[tuple[str, int], int] = {}
        current: dict[tuple[int, str], int] = {}  # (holder, curriculum) -> row index
        rows = []
        cert_id = w.next_id(Certificate.__table__)
        end_of_day = datetime.combine(self.as_of, time.max)
        for day, e, t, g in issued:
            course, holder = g.course, people[t]
            key = (course.code, day.year)
            counters[key] = counters.get(key, 0) + 1
            expires = add_months(day, course.validity_months) if course.validity_months else None
            created = datetime.combine(day, PHNOM_PENH_MORNING) + timedelta(hours=2)
            cadre_km, cadre_en = cadre_names[holder.cadre]
            snapshot = {
                "holder_km": f"{holder.family_km} {holder.given_km}",
                "holder_en": f"{holder.family_en} {holder.given_en}",
                "family_name_en": holder.family_en,
                "family_name_km": holder.family_km,
                "cadre_km": cadre_km,
                "cadre_en": cadre_en,
                "licence": holder.licence or "",
                "curriculum_code": course.code,
                "curriculum_version": course.version,
                "curriculum_km": course.title_km,
                "curriculum_en": course.title_en,
                "hours": course.hours,
                "cpd_credits": course.cpd_credits,
                "competencies": course.competencies,
                "issued_on": day.isoformat(),
                "expires_on": expires.isoformat() if expires else None,
                **DEFAULT_SETTINGS,
            }
            row = {
                "id": cert_id,
                "serial": f"{course.code}-{day.year}-{counters[key]:05d}",
                "code": _code(rng),
                "kind": "original",
                "enrolment": e,
                "holder": t,
                "curriculum": course.id,
                "issued_on": day,
                "expires_on": expires,
                "snapshot": snapshot,
                "by": c.officers[g.province],
                "created": created,
                "supersedes": None,
                "superseded_at": None,
                "revoked_at": None,
                "reason": None,
            }
            previous = current.get((t, course.code))
            if previous is not None:
                rows[previous]["superseded_at"] = created
                row["kind"], row["supersedes"] = "renewal", rows[previous]["id"]
            current[t, course.code] = len(rows)
            rows.append(row)
            cert_id += 1
            roll = rng.random()
            if roll < 0.006:
                revoked = created + timedelta(days=rng.randint(10, 300))
                reason = rng.choice(("issued_in_error", "assessment_invalid", "misconduct"))
                if revoked <= end_of_day:  # a revocation still to come is not in the data
                    row["revoked_at"], row["reason"] = revoked, reason
                    del current[t, course.code]
            elif roll < 0.009:  # a misspelt name, corrected
                fixed = dict(row, id=cert_id, serial=row["serial"] + "-A", code=_code(rng))
                fixed.update(
                    kind="correction", supersedes=row["id"], created=created + timedelta(days=3)
                )
                row["superseded_at"] = fixed["created"]
                current[t, course.code] = len(rows)
                rows.append(fixed)
                cert_id += 1
        for row in rows:
            revoked = local_date(row["revoked_at"]) if row["revoked_at"] else None
            self.certificates.setdefault(row["holder"], []).append(
                (row["snapshot"]["curriculum_code"], row["issued_on"], row["expires_on"], revoked)
            )
        w.write(
            Certificate.__table__,
            [
                "id",
                "serial",
                "verification_code",
                "kind",
                "enrolment_id",
                "holder_id",
                "curriculum_id",
                "issued_on",
                "expires_on",
                "snapshot",
                "issued_by_id",
                "created_at",
                "supersedes_id",
                "superseded_at",
                "revoked_at",
                "revoked_by_id",
                "revocation_reason",
                "revocation_note",
            ],
            (
                (
                    r["id"],
                    r["serial"],
                    r["code"],
                    r["kind"],
                    r["enrolment"],
                    r["holder"],
                    r["curriculum"],
                    w.day(r["issued_on"]),
                    w.day(r["expires_on"]),
                    json.dumps(r["snapshot"], ensure_ascii=False),
                    r["by"],
                    w.moment(r["created"]),
                    r["supersedes"],
                    w.moment(r["superseded_at"]),
                    w.moment(r["revoked_at"]),
                    r["by"] if r["revoked_at"] else None,
                    r["reason"],
                    "Found in the national audit" if r["revoked_at"] else None,
                )
                for r in rows
            ),
        )
        w.write(
            SerialCounter.__table__,
            ["prefix", "year", "last_number"],
            ((code, year, n) for (code, year), n in sorted(counters.items())),
        )


RECORD_COLUMNS = [
    "id",
    "enrolment_id",
    "instrument_id",
    "method",
    "status",
    "assessor_id",
    "assessed_on",
    "overall_rating",
    "score_percent",
    "share_percent",
    "passed",
    "needs_verification",
    "verified_by_id",
    "verified_at",
    "superseded",
    "created_at",
    "submitted_at",
]
MARK_COLUMNS = ["record_id", "item_id", "mark"]


def _code(rng) -> str:
    """A verification code shaped like `secrets.token_urlsafe(24)`, drawn from the seed."""
    return base64.urlsafe_b64encode(rng.getrandbits(192).to_bytes(24, "big")).decode().rstrip("=")
