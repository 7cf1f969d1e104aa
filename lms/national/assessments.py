"""Assessment records of the cohorts that have started (checklists with their marks in the
running ones, paper tests), which decide who graduates, and the logbooks of running cohorts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ..assessments.models import AssessmentRecord, ChecklistMark, LogbookEntry
from ..curricula.models import InstrumentType
from .bulk import Writer
from .training import PHNOM_PENH_MORNING, Group

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
LOGBOOK_COLUMNS = [
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
]


class AssessmentBuilder:
    def __init__(self, writer: Writer, rng, as_of: date, groups: list[Group]):
        self.w, self.rng, self.as_of, self.groups = writer, rng, as_of, groups

    def records(self, target: int, certificates: int) -> set[int]:
        """About `target` records; about `certificates` graduates among the closed cohorts,
        whose enrolment ids come back."""
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
        graduated: set[int] = set()  # enrolment ids with every instrument passed

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
                        checklist = kind != InstrumentType.KNOWLEDGE_TEST.value
                        records.append(
                            self._record(
                                record_id,
                                e,
                                g,
                                k,
                                (iid, second, pass_mark),
                                checklist,
                                passed,
                                day,
                                at,
                            )
                        )
                        if g.status == "running" and checklist:
                            for item in items:
                                done = passed or rng.random() < 0.7
                                marks.append((record_id, item, "done" if done else "not_done"))
                        record_id += 1
                if graduates:
                    graduated.add(e)
                if len(records) >= 100_000:
                    flush()
        flush()
        return graduated

    def _record(self, record_id, enrolment, g, attempt, instrument, checklist, passed, day, at):
        """One submitted record: a checklist's rating and share, or a paper test's score."""
        w, rng = self.w, self.rng
        iid, second, pass_mark = instrument
        if checklist:
            rating = rng.randint(3, 4) if passed else rng.randint(1, 2)
            score = None
            share = float(rng.randint(85, 100)) if passed else float(rng.randint(50, 79))
        else:
            mark = pass_mark or 70
            rating, share = None, None
            score = float(rng.randint(mark, 100) if passed else rng.randint(30, mark - 1))
        verified = second and len(g.instructors) > 1
        return (
            record_id,
            enrolment,
            iid,
            "checklist" if checklist else "paper_test",
            "submitted",
            g.instructors[attempt % len(g.instructors)],
            w.day(day),
            rating,
            score,
            share,
            w.flag(passed),
            w.flag(second),
            g.instructors[-1] if verified else None,
            w.moment(at + timedelta(hours=20)) if verified else None,
            w.flag(False),
            w.moment(at),
            w.moment(at),
        )

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
        w.write(LogbookEntry.__table__, LOGBOOK_COLUMNS, rows)
