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


def enrolment_progress(enrolment: Enrolment, now: datetime) -> Progress:
    """Competencies achieved and left, attendance, logbooks and tests for one enrolment."""
    return cohort_progress(enrolment.cohort, [enrolment], now)[enrolment.id]


def cohort_progress(cohort: Cohort, enrolments: list[Enrolment], now: datetime) -> dict:
    """`enrolment_progress` for enrolments of one cohort, by enrolment id, in a fixed number
    of queries however many there are."""
    curriculum = db.session.scalar(
        sa.select(Curriculum)
        .where(Curriculum.id == cohort.curriculum_id)
        .options(selectinload(Curriculum.instruments).selectinload(Instrument.case_types))
    )
    ids = [e.id for e in enrolments]
    table = assessments.competency_table(curriculum, ids)
    attendance = training.attendance_summary(cohort, now)
    logbook_counts = assessments.verified_logbook_counts(ids)
    attempts = online_tests.attempts_by_enrolment(ids)
    found = {}
    for enrolment in enrolments:
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
        summary = attendance.get(enrolment.id)
        required_ok = all(
            outcomes[c].state == rules.CompetencyState.ACHIEVED
            for c in table.required
            if c in outcomes
        )
        attended_ok = (
            summary is None
            or summary.percent is None
            or (summary.percent >= curriculum.min_attendance_percent)
        )
        found[enrolment.id] = Progress(
            enrolment,
            table,
            outcomes,
            _domain_bars(table, outcomes),
            summary,
            logbooks,
            tests,
            required_ok and attended_ok,
        )
    return found


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


def registration(user: User) -> list[Registration]:
    """For each framework the trainee has trained in: the domains fully achieved, by code.

    A domain is achieved when every competency under it (its direct children) has been
    achieved in some enrolment, whichever version of the framework the curriculum targeted.
    """
    enrolments = list(
        db.session.scalars(
            sa.select(Enrolment)
            .where(Enrolment.trainee_id == user.id, Enrolment.status == EnrolmentStatus.ENROLLED)
            .options(joinedload(Enrolment.cohort).joinedload(Cohort.curriculum))
        )
    )
    achieved_codes: dict[str, set[str]] = {}
    by_curriculum: dict[int, list[Enrolment]] = {}
    for enrolment in enrolments:
        by_curriculum.setdefault(enrolment.cohort.curriculum_id, []).append(enrolment)
    for enrolment_list in by_curriculum.values():
        curriculum = enrolment_list[0].cohort.curriculum
        table = assessments.competency_table(curriculum, [e.id for e in enrolment_list])
        framework_code = db.session.get(Framework, curriculum.framework_id).code
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


def cpd_status(user: User, today: date, now: datetime) -> CpdStatus:
    """CPD credits from curricula completed in the current licensing cycle of the council.

    A curriculum counts as completed when its cohort is closed and the enrolment met the
    attendance minimum with every required competency achieved; it counts on the cohort's
    last day.
    """
    council = db.session.get(Council, user.council_id) if user.council_id else None
    cycle = rules.licensing_cycle(today, council.licence_cycle_years if council else 3)
    completed = completed_curricula(user, now)
    credits = rules.cpd_credits_in_cycle([(day, c.cpd_credits) for c, day in completed], cycle)
    return CpdStatus(council, cycle, credits, completed)


def completed_curricula(user: User, now: datetime) -> list[tuple[Curriculum, date]]:
    """The curricula the user completed, each with the day it counts (its cohort's last)."""
    enrolments = db.session.scalars(
        sa.select(Enrolment)
        .join(Cohort)
        .where(
            Enrolment.trainee_id == user.id,
            Enrolment.status == EnrolmentStatus.ENROLLED,
            Cohort.status == CohortStatus.CLOSED,
        )
    )
    completed = []
    for enrolment in enrolments:
        if enrolment_progress(enrolment, now).complete:
            completed.append((enrolment.cohort.curriculum, enrolment.cohort.end_date))
    return completed
