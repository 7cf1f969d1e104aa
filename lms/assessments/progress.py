"""What a trainee has achieved and what is left: per enrolment, per framework, per CPD cycle."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..curricula.models import Curriculum, Instrument
from ..curricula.spec import CompetencyRule, InstrumentType
from ..enums import LabelledEnum
from ..extensions import db
from ..frameworks import services as frameworks
from ..frameworks.models import Framework
from ..frameworks.spec import Status
from ..training import services as training
from ..training.models import CohortStatus, Enrolment
from ..users.models import Council, User
from . import online_tests, rules
from . import services as assessments
from .models import AssessmentRecord, RecordStatus


@dataclass
class DomainBar:
    """The competencies shown under one top-level domain, and how many are achieved."""

    code: str
    title: object  # the domain (its `title_km`, `title_en`)
    achieved: int
    total: int


class PlanState(LabelledEnum):
    """Where an instrument of the assessment plan stands for one trainee."""

    PASSED = "passed", _l("Passed"), "ok", "✓"
    NOT_PASSED = "not_passed", _l("Not passed yet"), "bad", "✗"
    WAITING = "waiting", _l("Waiting for a second assessor"), "warn", "…"
    STARTED = "started", _l("In progress"), "warn", "…"
    NOT_STARTED = "not_started", _l("Not assessed yet"), "off", "·"


@dataclass
class PlanItem:
    """One instrument of the plan with its state; a test's attempts, a logbook's counts."""

    instrument: Instrument
    state: PlanState
    attempts_used: int = 0
    attempt_open: bool = False
    logbook: rules.LogbookOutcome | None = None

    @property
    def attempts_left(self) -> int:
        return max(0, (self.instrument.attempts or 1) - self.attempts_used)


@dataclass
class Progress:
    enrolment: Enrolment
    table: assessments.CompetencyTable
    outcomes: dict[int, rules.CompetencyOutcome]
    domains: list[DomainBar]
    attendance: training.AttendanceSummary | None
    logbooks: list[tuple[Instrument, rules.LogbookOutcome]]
    tests: list[tuple[Instrument, int, bool, bool]]  # instrument, attempts used, passed, open
    complete: bool
    plan: list[PlanItem] = field(default_factory=list)  # every instrument, in plan order

    @property
    def achieved(self) -> int:
        """How many of the competencies shown are achieved (the domain bars add up to it)."""
        return sum(o.state == rules.CompetencyState.ACHIEVED for o in self.outcomes.values())

    @property
    def total(self) -> int:
        """How many competencies are shown (the domain bars' totals add up to it)."""
        return len(self.outcomes)

    @property
    def actions(self) -> list[PlanItem]:
        """What the trainee does online: the tests still open to them, and the logbooks."""
        return [
            p
            for p in self.plan
            if p.instrument.type == InstrumentType.LOGBOOK
            or (
                p.instrument.type == InstrumentType.KNOWLEDGE_TEST
                and p.state != PlanState.PASSED
                and (p.attempt_open or p.attempts_left > 0)
            )
        ]


def enrolment_progress(enrolment: Enrolment, now: datetime) -> Progress:
    """Competencies achieved and left, attendance, logbooks and tests for one enrolment."""
    return progress_of([enrolment], now)[enrolment.id]


def progress_of(enrolments: list[Enrolment], now: datetime) -> dict[int, Progress]:
    """`enrolment_progress` for any enrolments (one trainee's, one cohort's), by enrolment id.
    The number of queries grows with the curricula they follow, never with the enrolments."""
    if not enrolments:
        return {}
    ids = [e.id for e in enrolments]
    curricula = {
        c.id: c
        for c in db.session.scalars(
            sa.select(Curriculum)
            .where(Curriculum.id.in_({e.cohort.curriculum_id for e in enrolments}))
            .options(selectinload(Curriculum.instruments).selectinload(Instrument.case_types))
        )
    }
    attendance = training.attendance_for(enrolments, now)
    logbook_counts = assessments.verified_logbook_counts(ids)
    attempts = online_tests.attempts_by_enrolment(ids)
    results = assessments.results_for(ids)  # once for every curriculum followed
    waiting = _awaiting_verification(ids)
    by_curriculum: dict[int, list[Enrolment]] = {}
    for enrolment in enrolments:
        by_curriculum.setdefault(enrolment.cohort.curriculum_id, []).append(enrolment)
    found = {}
    for curriculum_id, group in by_curriculum.items():
        curriculum = curricula[curriculum_id]
        table = assessments.competency_table(curriculum, [e.id for e in group], results)
        for enrolment in group:
            found[enrolment.id] = _progress(
                enrolment,
                curriculum,
                table,
                attendance.get(enrolment.id),
                logbook_counts,
                attempts,
            )
            found[enrolment.id].plan = _plan(
                enrolment.id, curriculum, found[enrolment.id], results, waiting, attempts, now
            )
    return found


def _awaiting_verification(enrolment_ids: list[int]) -> set[tuple[int, int]]:
    """(enrolment id, instrument id) of the records waiting for their second assessor."""
    return set(
        db.session.execute(
            sa.select(AssessmentRecord.enrolment_id, AssessmentRecord.instrument_id).where(
                AssessmentRecord.enrolment_id.in_(enrolment_ids),
                AssessmentRecord.status == RecordStatus.SUBMITTED,
                AssessmentRecord.superseded.is_(False),
                AssessmentRecord.needs_verification.is_(True),
                AssessmentRecord.verified_at.is_(None),
            )
        ).all()
    )


def _plan(enrolment_id, curriculum, progress, results, waiting, attempts, now) -> list[PlanItem]:
    """The state of each instrument of the plan for one enrolment: passed as the curriculum's
    rule reads its counted results (the latest, or any), else waiting, tried or not yet."""
    logbooks = {i.id: outcome for i, outcome in progress.logbooks}
    counted: dict[int, list[rules.Result]] = {}
    for result in results.get(enrolment_id, []):
        counted.setdefault(result.instrument_id, []).append(result)
    latest_decides = CompetencyRule(curriculum.competency_rule) is CompetencyRule.LATEST_RESULT
    plan = []
    for instrument in curriculum.instruments:
        mine = counted.get(instrument.id, [])
        taken = attempts.get((enrolment_id, instrument.id), [])
        open_ = any(online_tests.is_open(a, now) for a in taken)
        logbook = logbooks.get(instrument.id)
        if latest_decides and mine:
            passed = max(mine, key=lambda r: r.at).passed
        else:
            passed = any(r.passed for r in mine)
        if passed:
            state = PlanState.PASSED
        elif (enrolment_id, instrument.id) in waiting:
            state = PlanState.WAITING
        elif logbook is not None:
            started = any(count for _c, count, _m in logbook.progress)
            state = PlanState.STARTED if started else PlanState.NOT_STARTED
        elif open_:
            state = PlanState.STARTED
        elif mine:
            state = PlanState.NOT_PASSED
        else:
            state = PlanState.NOT_STARTED
        plan.append(
            PlanItem(
                instrument,
                state,
                attempts_used=len(taken),
                attempt_open=open_,
                logbook=logbook,
            )
        )
    return plan


def _progress(enrolment, curriculum, table, summary, logbook_counts, attempts) -> Progress:
    outcomes = table.outcomes[enrolment.id]
    logbooks = [
        (
            i,
            rules.logbook_outcome(
                [(c.id, c.min_count) for c in i.case_types],
                logbook_counts.get((enrolment.id, i.id), {}),
            ),
        )
        for i in curriculum.instruments
        if i.type == InstrumentType.LOGBOOK
    ]
    tests = []
    for instrument in curriculum.instruments:
        if instrument.type == InstrumentType.KNOWLEDGE_TEST:
            taken = attempts.get((enrolment.id, instrument.id), [])
            tests.append(
                (
                    instrument,
                    len(taken),
                    any(a.passed for a in taken),
                    any(a.submitted_at is None for a in taken),
                )
            )
    required_ok = all(
        outcomes[c].state == rules.CompetencyState.ACHIEVED for c in table.required if c in outcomes
    )
    attended_ok = (
        summary is None
        or summary.percent is None
        or (summary.percent >= curriculum.min_attendance_percent)
    )
    return Progress(
        enrolment,
        table,
        outcomes,
        _domain_bars(table, outcomes),
        summary,
        logbooks,
        tests,
        required_ok and attended_ok,
    )


def _domain_bars(table, outcomes) -> list[DomainBar]:
    """The competencies shown, achieved and in all, per top-level domain of the framework:
    the same competencies as the headline (`Progress.achieved` of `Progress.total`)."""
    nodes = table.framework

    def domain_of(comp):
        while comp.parent_id is not None:
            comp = nodes[comp.parent_id]
        return comp

    bars: dict[int, DomainBar] = {}
    for comp in table.competencies:
        domain = domain_of(nodes[comp.id])
        bar = bars.setdefault(domain.id, DomainBar(domain.code, domain, 0, 0))
        bar.total += 1
        bar.achieved += outcomes[comp.id].state == rules.CompetencyState.ACHIEVED
    return sorted(bars.values(), key=lambda b: (b.title.position, b.code))


@dataclass
class Registration:
    framework: Framework
    achieved_domains: tuple[str, ...]
    total_domains: int
    category: rules.RegisterCategory


def enrolled(user: User) -> list[Enrolment]:
    """The user's current enrolments, with their cohorts and curricula (one query)."""
    return training.enrolled_places(Enrolment.trainee_id == user.id)


def registration(progress: dict[int, Progress]) -> list[Registration]:
    """For each framework the trainee has trained in: the domains fully achieved, by code.

    A domain is achieved when every competency under it (its direct children) has been
    achieved in some enrolment, whichever version of the framework the curriculum targeted.
    `progress`: the progress of the trainee's enrolments (`progress_of(enrolled(user), now)`).
    """
    achieved_codes: dict[str, set[str]] = {}
    tables = {
        p.enrolment.cohort.curriculum_id: (p.enrolment.cohort.curriculum, p.table)
        for p in progress.values()
    }
    frameworks_by_id = {
        f.id: f.code
        for f in db.session.scalars(
            sa.select(Framework).where(
                Framework.id.in_({c.framework_id for c, _t in tables.values()})
            )
        )
    }
    for curriculum, table in tables.values():
        framework_code = frameworks_by_id[curriculum.framework_id]
        codes = achieved_codes.setdefault(framework_code, set())
        for outcomes in table.outcomes.values():
            codes.update(
                c.code
                for c in table.competencies
                if outcomes[c.id].state == rules.CompetencyState.ACHIEVED
            )
    found = []
    for code, achieved in sorted(achieved_codes.items()):
        framework = db.session.scalar(
            sa.select(Framework)
            .where(Framework.code == code, Framework.status == Status.PUBLISHED)
            .order_by(Framework.version.desc())
            .limit(1)
        )
        if framework is None:
            continue
        comps = frameworks.competencies_of(framework.id)
        domains = {
            c.code: [k.code for k in comps if k.parent_id == c.id] for c in comps if c.depth == 0
        }
        done = rules.domains_achieved(domains, achieved)
        found.append(
            Registration(
                framework, done, len(domains), rules.register_category(len(done), len(domains))
            )
        )
    return found


@dataclass
class CpdStatus:
    council: Council | None
    cycle: rules.Cycle
    credits: float
    completed: list[tuple[Curriculum, date]]


def cpd_status(
    user: User, today: date, now: datetime, progress: dict[int, Progress] | None = None
) -> CpdStatus:
    """CPD credits from curricula completed in the current licensing cycle of the council.

    A curriculum counts as completed when its cohort is closed and the enrolment met the
    attendance minimum with every required competency achieved; it counts on the cohort's
    last day.
    """
    council = db.session.get(Council, user.council_id) if user.council_id else None
    cycle = rules.licensing_cycle(today, council.licence_cycle_years if council else 3)
    completed = completed_curricula(user, now, progress)
    credits = rules.cpd_credits_in_cycle([(day, c.cpd_credits) for c, day in completed], cycle)
    return CpdStatus(council, cycle, credits, completed)


def completed_curricula(
    user: User, now: datetime, progress: dict[int, Progress] | None = None
) -> list[tuple[Curriculum, date]]:
    """The curricula the user completed, each with the day it counts (its cohort's last).
    `progress`: the progress of the user's enrolments, when the caller has it already."""
    if progress is None:
        closed = [e for e in enrolled(user) if e.cohort.status == CohortStatus.CLOSED]
        progress = progress_of(closed, now)
    return [
        (p.enrolment.cohort.curriculum, p.enrolment.cohort.end_date)
        for p in progress.values()
        if p.enrolment.cohort.status == CohortStatus.CLOSED and p.complete
    ]
