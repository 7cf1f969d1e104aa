"""What is next in assessing, for the home page: a trainee's open tests, logbook cases and
competencies still to show; an instructor's trainees still to assess and queue to check.

`standing_of` decides where many enrolments stand (required competencies left, logbooks,
tests, attendance) in a fixed number of queries, whatever the enrolments, cohorts and
curricula: the same rules as `progress.progress_of`, read for all of them at once. The
certificates' to-do list decides eligibility from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from ..curricula.models import Curriculum, Instrument, curriculum_requirements
from ..curricula.models import instrument_competencies as mapping
from ..curricula.spec import InstrumentType
from ..extensions import db
from ..frameworks.models import Competency
from ..navigation import Fact, Todo
from ..training import services as training
from ..training.models import Cohort, CohortStatus, Enrolment, EnrolmentStatus
from ..training.todo import both, cohort_group, taught_by
from ..users.models import User
from . import rules
from . import services as assessments
from .models import (
    AssessmentRecord,
    EntryStatus,
    LogbookEntry,
    PanelDecision,
    PanelStatus,
    RecordStatus,
    TestAttempt,
)

MOST = 10  # items of one kind listed; past that, one more item leads to the full list


@dataclass(frozen=True)
class Logbook:
    instrument_id: int
    title_km: str | None
    title_en: str
    complete: bool
    cases_left: int  # verified cases still missing, over its case types


@dataclass(frozen=True)
class Test:
    instrument_id: int
    title_km: str | None
    title_en: str
    used: int
    allowed: int
    passed: bool
    in_progress: bool  # an attempt is open

    @property
    def attempts_left(self) -> int:
        return max(self.allowed - self.used, 0)

    @property
    def open(self) -> bool:
        """Still to take: not passed, with an attempt under way or left."""
        return not self.passed and (self.in_progress or self.attempts_left > 0)


@dataclass(frozen=True)
class Standing:
    """Where one enrolment stands, as plain values."""

    enrolment_id: int
    required: int  # required competencies of the curriculum (in its framework)
    required_left: tuple[int, ...]  # ids of those not achieved yet
    logbooks: tuple[Logbook, ...]
    tests: tuple[Test, ...]
    attendance: training.AttendanceSummary | None


def _structures(curriculum_ids: set[int]):
    """Instruments (with case types), instruments by competency, and required competencies
    (those of the curriculum's framework) of every curriculum: four queries."""
    instruments: dict[int, list[Instrument]] = {c: [] for c in curriculum_ids}
    for instrument in db.session.scalars(
        sa.select(Instrument)
        .where(Instrument.curriculum_id.in_(curriculum_ids))
        .options(selectinload(Instrument.case_types))
        .order_by(Instrument.position, Instrument.id)
    ):
        instruments[instrument.curriculum_id].append(instrument)
    mapped: dict[int, dict[int, list[int]]] = {c: {} for c in curriculum_ids}
    for curriculum_id, instrument_id, competency_id in db.session.execute(
        sa.select(Instrument.curriculum_id, mapping.c.instrument_id, mapping.c.competency_id)
        .join(Instrument, Instrument.id == mapping.c.instrument_id)
        .where(Instrument.curriculum_id.in_(curriculum_ids))
    ):
        mapped[curriculum_id].setdefault(competency_id, []).append(instrument_id)
    required: dict[int, list[int]] = {c: [] for c in curriculum_ids}
    for curriculum_id, competency_id in db.session.execute(
        sa.select(curriculum_requirements.c.curriculum_id, Competency.id)
        .join(Curriculum, Curriculum.id == curriculum_requirements.c.curriculum_id)
        .join(Competency, Competency.id == curriculum_requirements.c.competency_id)
        .where(
            curriculum_requirements.c.curriculum_id.in_(curriculum_ids),
            Competency.framework_id == Curriculum.framework_id,
        )
        .order_by(Competency.depth, Competency.position, Competency.id)
    ):
        required[curriculum_id].append(competency_id)
    return instruments, mapped, required


def _confirmed_panels(enrolment_ids: list[int]) -> dict[tuple[int, int], rules.PanelDecision]:
    """The latest confirmed panel decision per (enrolment, competency), as the matrix reads
    them: a proposal counts only once confirmed (one query)."""
    panels = {}
    for enrolment_id, competency_id, achieved, at, reason in db.session.execute(
        sa.select(
            PanelDecision.enrolment_id,
            PanelDecision.competency_id,
            PanelDecision.achieved,
            PanelDecision.decided_at,
            PanelDecision.reason,
        )
        .where(
            PanelDecision.enrolment_id.in_(enrolment_ids),
            PanelDecision.status == PanelStatus.CONFIRMED,
        )
        .order_by(PanelDecision.id)
    ):
        panels[(enrolment_id, competency_id)] = rules.PanelDecision(achieved, at, reason)
    return panels


def _attempts(enrolment_ids: list[int]) -> dict[tuple[int, int], tuple[int, bool, bool]]:
    """(enrolment, test) -> attempts used, passed, one open (one grouped query)."""
    rows = db.session.execute(
        sa.select(
            TestAttempt.enrolment_id,
            TestAttempt.instrument_id,
            sa.func.count(),
            sa.func.sum(sa.case((TestAttempt.passed.is_(True), 1), else_=0)),
            sa.func.sum(sa.case((TestAttempt.submitted_at.is_(None), 1), else_=0)),
        )
        .where(TestAttempt.enrolment_id.in_(enrolment_ids))
        .group_by(TestAttempt.enrolment_id, TestAttempt.instrument_id)
    )
    return {(e, i): (n, bool(passed), bool(open_)) for e, i, n, passed, open_ in rows}


def standing_of(enrolments: list[Enrolment], now: datetime) -> dict[int, Standing]:
    """Where each enrolment stands, by enrolment id, in a fixed number of queries (about a
    dozen, however many enrolments, cohorts and curricula). The enrolments come with their
    cohorts and curricula loaded."""
    if not enrolments:
        return {}
    ids = [e.id for e in enrolments]
    instruments, mapped, required = _structures({e.cohort.curriculum_id for e in enrolments})
    results = assessments.results_for(ids)
    panels = _confirmed_panels(ids)
    attendance = training.attendance_for(enrolments, now)
    cases = assessments.verified_logbook_counts(ids)
    attempts = _attempts(ids)
    found = {}
    for e in enrolments:
        curriculum = e.cohort.curriculum
        plan, by_competency = instruments[curriculum.id], mapped[curriculum.id]
        left = tuple(
            c
            for c in required[curriculum.id]
            if rules.decide_competency(
                curriculum.competency_rule,
                by_competency.get(c, []),
                results.get(e.id, []),
                panels.get((e.id, c)),
            ).state
            != rules.CompetencyState.ACHIEVED
        )
        logbooks = []
        for i in plan:
            if i.type == InstrumentType.LOGBOOK:
                outcome = rules.logbook_outcome(
                    [(c.id, c.min_count) for c in i.case_types], cases.get((e.id, i.id), {})
                )
                short = sum(max(minimum - n, 0) for _c, n, minimum in outcome.progress)
                logbooks.append(Logbook(i.id, i.title_km, i.title_en, outcome.complete, short))
        tests = tuple(
            Test(i.id, i.title_km, i.title_en, *_used(attempts.get((e.id, i.id)), i))
            for i in plan
            if i.type == InstrumentType.KNOWLEDGE_TEST
        )
        found[e.id] = Standing(
            e.id, len(required[curriculum.id]), left, tuple(logbooks), tests, attendance.get(e.id)
        )
    return found


def _used(taken: tuple[int, bool, bool] | None, instrument: Instrument):
    used, passed, in_progress = taken or (0, False, False)
    return used, instrument.attempts or 1, passed, in_progress


def current_enrolments(user: User) -> list[Enrolment]:
    """The trainee's places in cohorts not closed yet, with cohorts and curricula (one
    query)."""
    return list(
        db.session.scalars(
            sa.select(Enrolment)
            .join(Cohort, Cohort.id == Enrolment.cohort_id)
            .where(
                Enrolment.trainee_id == user.id,
                Enrolment.status == EnrolmentStatus.ENROLLED,
                Cohort.status != CohortStatus.CLOSED,
            )
            .options(joinedload(Enrolment.cohort).joinedload(Cohort.curriculum))
            .order_by(Enrolment.id)
        )
    )


def trainee(user: User, now: datetime) -> list[Todo]:
    """Tests still open (with attempts left), logbook cases still needed and required
    competencies still to show, in the cohorts the trainee follows now."""
    enrolments = current_enrolments(user)
    standing = standing_of(enrolments, now)
    found = []
    for e in enrolments:
        s, group = standing[e.id], cohort_group(e.cohort.title_km, e.cohort.title_en)
        for t in s.tests:
            if t.open:
                found.append(_test(e, t, group))
        for book in s.logbooks:
            if not book.complete:
                found.append(
                    Todo(
                        "logbook_cases_left",
                        _l("Logbook cases still needed"),
                        "assessments.logbook",
                        (("enrolment_id", e.id), ("instrument_id", book.instrument_id)),
                        count=book.cases_left,
                        group=group,
                        **both(book.title_km, book.title_en),
                    )
                )
        if s.required_left:
            found.append(
                Todo(
                    "competencies_left",
                    _l("Competencies still to show"),
                    "assessments.show_enrolment",
                    (("enrolment_id", e.id),),
                    count=len(s.required_left),
                    facts=(Fact(_l("Required in all: %(value)s"), s.required),),
                    group=group,
                )
            )
    return found


def _test(e: Enrolment, t: Test, group) -> Todo:
    link = ("assessments.take_test", (("enrolment_id", e.id), ("instrument_id", t.instrument_id)))
    if t.in_progress:
        return Todo(
            "test_in_progress",
            _l("Test started: finish it"),
            *link,
            group=group,
            **both(t.title_km, t.title_en),
        )
    return Todo(
        "test_open",
        _l("Test to take"),
        *link,
        facts=(Fact(_l("Attempts left: %(value)s"), t.attempts_left),),
        group=group,
        **both(t.title_km, t.title_en),
    )


# --- Instructors --------------------------------------------------------------------------


def _to_assess(user: User) -> list[Todo]:
    """Per running cohort the user teaches and observation instrument of its plan: the
    enrolled trainees without a passing record on it yet (one grouped query). A record
    waiting for its second assessor counts as assessed: it is in the queue."""
    passed = sa.exists().where(
        AssessmentRecord.enrolment_id == Enrolment.id,
        AssessmentRecord.instrument_id == Instrument.id,
        AssessmentRecord.status == RecordStatus.SUBMITTED,
        AssessmentRecord.superseded.is_(False),
        AssessmentRecord.passed.is_(True),
    )
    columns = (
        Cohort.id,
        Cohort.title_km,
        Cohort.title_en,
        Instrument.id,
        Instrument.position,
        Instrument.title_km,
        Instrument.title_en,
    )
    rows = db.session.execute(
        sa.select(*columns, sa.func.count(Enrolment.id), sa.func.min(Enrolment.id))
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .join(Instrument, Instrument.curriculum_id == Cohort.curriculum_id)
        .where(
            Cohort.id.in_(taught_by(user)),
            Cohort.status == CohortStatus.RUNNING,
            Enrolment.status == EnrolmentStatus.ENROLLED,
            Enrolment.trainee_id != user.id,  # nobody assesses themselves
            Instrument.type.in_([InstrumentType.DOPS, InstrumentType.OSCE]),
            ~passed,
        )
        .group_by(*columns)
        .order_by(Cohort.title_en, Cohort.id, Instrument.position, Instrument.id)
        .limit(MOST + 1)
    ).all()
    found = []
    for cohort_id, ckm, cen, instrument_id, _pos, ikm, ien, count, first in rows[:MOST]:
        if count == 1:
            link = (
                "assessments.record_checklist",
                (("enrolment_id", first), ("instrument_id", instrument_id)),
                None,
            )
        else:
            link = ("training.show_cohort", (("cohort_id", cohort_id),), "trainees")
        found.append(
            Todo(
                "to_assess",
                _l("Trainees to assess"),
                *link,
                count=count,
                group=cohort_group(ckm, cen),
                **both(ikm, ien),
            )
        )
    if len(rows) > MOST:
        found.append(Todo("more_to_assess", _l("More to assess"), "training.list_cohorts"))
    return found


def _per_cohort(stmt) -> list[tuple[int, str, str, int]]:
    """(cohort id, titles, count) rows of a count of rows joined to their enrolments."""
    return db.session.execute(
        stmt.add_columns(Cohort.id, Cohort.title_km, Cohort.title_en)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .group_by(Cohort.id, Cohort.title_km, Cohort.title_en)
        .order_by(Cohort.title_en, Cohort.id)
    ).all()


def _queue(user: User) -> list[Todo]:
    """Per cohort the user teaches: results waiting for a second assessor that the user did not
    record, logbook entries to check and panel proposals to confirm that are not the user's
    own (three grouped queries; the user's own can only wait for someone else)."""
    mine = Enrolment.cohort_id.in_(taught_by(user))
    records = _per_cohort(
        sa.select(sa.func.count(AssessmentRecord.id))
        .join(Enrolment, Enrolment.id == AssessmentRecord.enrolment_id)
        .where(
            mine,
            AssessmentRecord.needs_verification.is_(True),
            AssessmentRecord.verified_at.is_(None),
            AssessmentRecord.superseded.is_(False),
            AssessmentRecord.status == RecordStatus.SUBMITTED,
            AssessmentRecord.assessor_id != user.id,
            Enrolment.trainee_id != user.id,
        )
    )
    entries = _per_cohort(
        sa.select(sa.func.count(LogbookEntry.id))
        .join(Enrolment, Enrolment.id == LogbookEntry.enrolment_id)
        .where(
            mine,
            LogbookEntry.status == EntryStatus.PENDING,
            Enrolment.status == EnrolmentStatus.ENROLLED,
            Enrolment.trainee_id != user.id,
        )
    )
    latest = (
        sa.select(sa.func.max(PanelDecision.id))
        .join(Enrolment, Enrolment.id == PanelDecision.enrolment_id)
        .where(mine, Enrolment.status == EnrolmentStatus.ENROLLED)
        .group_by(PanelDecision.enrolment_id, PanelDecision.competency_id)
    )
    proposals = _per_cohort(
        sa.select(sa.func.count(PanelDecision.id))
        .join(Enrolment, Enrolment.id == PanelDecision.enrolment_id)
        .where(
            PanelDecision.id.in_(latest),
            PanelDecision.status == PanelStatus.PROPOSED,
            PanelDecision.decided_by_id != user.id,
            Enrolment.trainee_id != user.id,
        )
    )
    kinds = (
        ("results_to_verify", _l("Results to verify"), records),
        ("logbook_entries_to_check", _l("Logbook entries to check"), entries),
        ("panel_decisions_to_confirm", _l("Panel decisions to confirm"), proposals),
    )
    return [
        Todo(
            code,
            title,
            "assessments.queue",
            (("cohort_id", cohort_id),),
            count=count,
            group=cohort_group(km, en),
        )
        for code, title, rows in kinds
        for count, cohort_id, km, en in rows
    ]


def instructor(user: User, now: datetime) -> list[Todo]:
    """Trainees still to assess, per cohort and instrument, then the queue to check across the
    user's cohorts, without the user's own records (four queries)."""
    return _to_assess(user) + _queue(user)
