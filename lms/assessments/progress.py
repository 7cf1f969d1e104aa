"""What a trainee has achieved and what is left: per enrolment, per framework, per CPD cycle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..curricula.models import Curriculum, Instrument
from ..curricula.spec import InstrumentType
from ..extensions import db
from ..frameworks import services as frameworks
from ..frameworks.models import Framework
from ..frameworks.spec import Status
from ..training import services as training
from ..training.models import Cohort, CohortStatus, Enrolment, EnrolmentStatus
from ..users.models import Council, User
from . import online_tests, rules
from . import services as assessments


@dataclass
class DomainBar:
    code: str
    title: object  # the domain Competency
    achieved: int
    total: int


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

    @property
    def achieved(self) -> int:
        """How many of the competencies shown are achieved."""
        return sum(o.state == rules.CompetencyState.ACHIEVED for o in self.outcomes.values())


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
    return found


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
    """Required competencies achieved per top-level domain of the framework."""
    nodes = table.framework

    def domain_of(comp):
        while comp.parent_id is not None:
            comp = nodes[comp.parent_id]
        return comp

    bars: dict[int, DomainBar] = {}
    for comp in table.competencies:
        if comp.id not in table.required:
            continue
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
    return list(
        db.session.scalars(
            sa.select(Enrolment)
            .where(Enrolment.trainee_id == user.id, Enrolment.status == EnrolmentStatus.ENROLLED)
            .options(joinedload(Enrolment.cohort).joinedload(Cohort.curriculum))
            .order_by(Enrolment.id)
        )
    )


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
