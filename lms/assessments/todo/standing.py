"""Where enrolments stand, for the to-do lists: required competencies left, logbooks, tests and
attendance, for many enrolments at once in a fixed number of queries (about a dozen, whatever
the enrolments, cohorts and curricula), by the same rules as `progress.progress_of`, which
reads per curriculum. The certificates' to-do list decides eligibility from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ...curricula.models import Curriculum, Instrument, curriculum_requirements
from ...curricula.models import instrument_competencies as mapping
from ...curricula.spec import InstrumentType
from ...extensions import db
from ...frameworks.models import Competency
from ...training import services as training
from ...training.models import Enrolment
from .. import rules
from .. import services as assessments
from ..models import PanelDecision, PanelStatus, TestAttempt


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
