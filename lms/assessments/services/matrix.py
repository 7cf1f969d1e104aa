"""Deciding competence from the counted evidence: per enrolment, per cohort (the matrix)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from ...curricula.models import Instrument, curriculum_requirements, instrument_competencies
from ...extensions import db
from ...frameworks import services as frameworks
from ...frameworks.spec import Status
from ...paging import LRUCache
from ...training import services as training
from ...training.models import Cohort, Enrolment, EnrolmentStatus
from .. import rules
from ..models import AssessmentRecord, PanelDecision, RecordStatus
from ..online_tests import online_results
from .logbooks import logbook_results


def results_for(enrolment_ids: list[int]) -> dict[int, list[rules.Result]]:
    """Counted results per enrolment: checklists and paper tests, online tests, logbooks."""
    found: dict[int, list[rules.Result]] = {e: [] for e in enrolment_ids}
    # Columns only: the matrix reads thousands of records and needs five values of each.
    rows = db.session.execute(
        sa.select(
            AssessmentRecord.enrolment_id,
            AssessmentRecord.instrument_id,
            AssessmentRecord.submitted_at,
            AssessmentRecord.passed,
            AssessmentRecord.overall_rating,
        ).where(
            AssessmentRecord.enrolment_id.in_(enrolment_ids),
            AssessmentRecord.status == RecordStatus.SUBMITTED,
            AssessmentRecord.superseded.is_(False),
            sa.or_(
                AssessmentRecord.needs_verification.is_(False),
                AssessmentRecord.verified_at.is_not(None),
            ),
        )
    )
    for enrolment_id, instrument_id, submitted_at, passed, rating in rows:
        found[enrolment_id].append(rules.Result(instrument_id, submitted_at, bool(passed), rating))
    for enrolment_id, result in online_results(enrolment_ids):
        found[enrolment_id].append(result)
    for enrolment_id, result in logbook_results(enrolment_ids):
        found[enrolment_id].append(result)
    return found


@dataclass
class CompetencyTable:
    """Competency outcomes of several enrolments in one curriculum (the cohort matrix)."""

    competencies: list  # Competency rows in tree order: required ones and all assessed ones
    required: set[int]
    outcomes: dict[int, dict[int, rules.CompetencyOutcome]]  # enrolment id -> competency id
    framework: dict[int, object]  # every competency of the framework by id (for domains)
    # (enrolment id, competency id) -> the latest proposal still waiting for a second member
    proposed: dict[tuple[int, int], rules.PanelDecision] = field(default_factory=dict)


@dataclass(frozen=True)
class CompetencyView:
    """A competency as plain values, safe to keep between requests."""

    id: int
    framework_id: int
    parent_id: int | None
    code: str
    title_km: str | None
    title_en: str
    description_km: str | None
    description_en: str | None
    critical: bool
    depth: int
    position: int


@dataclass(frozen=True)
class Structure:
    """What a curriculum version assesses: instruments by competency, the required
    competencies, the relevant ones in framework order, and the whole framework by id."""

    mapped: dict[int, list[int]]
    required: frozenset[int]
    competencies: tuple[CompetencyView, ...]
    framework: dict[int, CompetencyView]


# Published and retired versions never change: their structure is read once per process.
_structures = LRUCache(256)


def curriculum_structure(curriculum) -> Structure:
    """The curriculum's `Structure` (three queries, or none once a published one is known)."""
    key = (curriculum.id, curriculum.content_hash)
    keep = curriculum.status in (Status.PUBLISHED, Status.RETIRED)
    found = _structures.get(key) if keep else None
    if found is not None:
        return found
    mapped: dict[int, list[int]] = {}
    for instrument_id, competency_id in db.session.execute(
        sa.select(instrument_competencies.c.instrument_id, instrument_competencies.c.competency_id)
        .join(Instrument, Instrument.id == instrument_competencies.c.instrument_id)
        .where(Instrument.curriculum_id == curriculum.id)
    ):
        mapped.setdefault(competency_id, []).append(instrument_id)
    required = frozenset(
        db.session.scalars(
            sa.select(curriculum_requirements.c.competency_id).where(
                curriculum_requirements.c.curriculum_id == curriculum.id
            )
        )
    )
    ids = required | set(mapped)
    framework = [
        CompetencyView(**{f: getattr(c, f) for f in CompetencyView.__dataclass_fields__})
        for c in frameworks.competencies_of(curriculum.framework_id)
    ]
    found = Structure(
        mapped,
        required,
        tuple(c for c in frameworks.in_tree_order(framework) if c.id in ids),
        {c.id: c for c in framework},
    )
    if keep:
        _structures.put(key, found)
    return found


def competency_table(
    curriculum, enrolment_ids: list[int], results: dict[int, list] | None = None
) -> CompetencyTable:
    """Decide every relevant competency for every enrolment (a fixed number of queries).
    `results`: `results_for` these enrolments (or more), when the caller has read them."""
    structure = curriculum_structure(curriculum)
    mapped, competencies = structure.mapped, structure.competencies
    if results is None:
        results = results_for(enrolment_ids) if enrolment_ids else {}
    panels: dict[tuple[int, int], rules.PanelDecision] = {}
    proposed: dict[tuple[int, int], rules.PanelDecision] = {}
    for decision in db.session.scalars(
        sa.select(PanelDecision)
        .where(PanelDecision.enrolment_id.in_(enrolment_ids))
        .order_by(PanelDecision.id)
    ):
        key = (decision.enrolment_id, decision.competency_id)
        value = rules.PanelDecision(decision.achieved, decision.decided_at, decision.reason)
        if decision.is_confirmed:  # only a confirmed decision counts; a later one replaces it
            panels[key] = value
            proposed.pop(key, None)
        else:
            proposed[key] = value
    rule = curriculum.competency_rule
    outcomes = {
        e: {
            c.id: rules.decide_competency(
                rule, mapped.get(c.id, []), results.get(e, []), panels.get((e, c.id))
            )
            for c in competencies
        }
        for e in enrolment_ids
    }
    return CompetencyTable(
        list(competencies), structure.required, outcomes, structure.framework, proposed
    )


@dataclass
class CohortMatrix:
    """A cohort's competency matrix: its enrolled trainees, their states, counts by sex."""

    enrolled: list[Enrolment]
    table: CompetencyTable
    achieved: dict[int, dict]  # competency id -> sex -> enrolled trainees who achieved it
    by_sex: dict  # sex -> enrolled trainees


def cohort_matrix(cohort: Cohort) -> CohortMatrix:
    """Decide every competency for every trainee enrolled in the cohort, and count by sex
    who achieved each one."""
    enrolled = [e for e in training.roster(cohort) if e.status == EnrolmentStatus.ENROLLED]
    table = competency_table(cohort.curriculum, [e.id for e in enrolled])
    achieved = {c.id: training.count_by_sex([]) for c in table.competencies}
    for enrolment in enrolled:
        outcomes = table.outcomes[enrolment.id]
        for c in table.competencies:
            if outcomes[c.id].state == rules.CompetencyState.ACHIEVED:
                achieved[c.id][enrolment.trainee.sex] += 1
    return CohortMatrix(enrolled, table, achieved, training.count_by_sex(enrolled))


@dataclass(frozen=True)
class MatrixFocus:
    """What part of a cohort's matrix a page shows: everything, one trainee's row or one
    competency's column, with the ones before and after it to move to."""

    trainee: Enrolment | None = None
    competency: CompetencyView | None = None
    previous: int | None = None  # the id of the trainee's enrolment or competency before
    following: int | None = None
    required_achieved: int = 0  # the trainee's required competencies achieved

    @property
    def whole(self) -> bool:
        return self.trainee is None and self.competency is None


def _neighbours(ids: list[int], chosen: int) -> tuple[int | None, int | None]:
    at = ids.index(chosen)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


def matrix_focus(
    found: CohortMatrix, trainee_id: int | None, competency_id: int | None
) -> MatrixFocus:
    """The row of enrolment `trainee_id`, else the column of `competency_id`, else the whole
    matrix (an id that is not in the matrix shows the whole of it)."""
    trainees = {e.id: e for e in found.enrolled}
    if trainee_id in trainees:
        outcomes = found.table.outcomes[trainee_id]
        done = sum(
            1
            for c in found.table.required
            if c in outcomes and outcomes[c].state == rules.CompetencyState.ACHIEVED
        )
        previous, following = _neighbours(list(trainees), trainee_id)
        return MatrixFocus(trainees[trainee_id], None, previous, following, done)
    competencies = {c.id: c for c in found.table.competencies}
    if competency_id in competencies:
        return MatrixFocus(
            None, competencies[competency_id], *_neighbours(list(competencies), competency_id)
        )
    return MatrixFocus()
