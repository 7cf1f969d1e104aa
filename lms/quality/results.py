"""What assessments say: facility scorecards, league tables, staff coverage and training needs.

Every function here reads a fixed number of queries whatever the number of facilities, rounds,
staff or certificates (tests count them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload, selectinload

from ..auth.roles import Role
from ..certificates.models import Certificate
from ..curricula.models import Curriculum, curriculum_requirements
from ..extensions import db
from ..frameworks.models import Competency, Framework
from ..frameworks.spec import Status
from ..orgunits.models import Facility, OperationalDistrict
from ..training.models import Cohort, CohortStatus, Enrolment, EnrolmentStatus
from ..users.models import Cadre, Sex, StaffAssignment, User
from .models import (
    ActionStatus,
    AssessmentRound,
    AssessmentStatus,
    ImprovementAction,
    QualityAnswer,
    QualityAssessment,
    QualityIndicator,
    QualityTool,
)
from .scoring import indicator_score
from .spec import Method

RESULT = sa.and_(
    QualityAssessment.status == AssessmentStatus.VALIDATED,
    QualityAssessment.superseded_at.is_(None),
)


def results_of(facility_id: int) -> list[QualityAssessment]:
    """The facility's validated results, oldest round first (one query)."""
    return list(
        db.session.scalars(
            sa.select(QualityAssessment)
            .join(AssessmentRound)
            .options(joinedload(QualityAssessment.round), joinedload(QualityAssessment.tool))
            .where(QualityAssessment.facility_id == facility_id, RESULT)
            .order_by(AssessmentRound.starts_on)
        )
    )


@dataclass
class IndicatorResult:
    indicator: QualityIndicator
    answer: QualityAnswer
    score: float | None

    @property
    def failing(self) -> bool:
        """Counted, and not fully met (partly met fails too)."""
        return self.score is not None and self.score < 1


@dataclass
class KnowDo:
    area: str
    know: float  # per cent, by clinical vignette
    do: float  # per cent, by observation or record review

    @property
    def gap(self) -> float:
        return round(self.know - self.do, 1)


def indicator_results(assessment: QualityAssessment) -> list[IndicatorResult]:
    """Each answered indicator with its score, in tool order (one query)."""
    rows = db.session.execute(
        sa.select(QualityAnswer, QualityIndicator)
        .join(QualityIndicator, QualityIndicator.id == QualityAnswer.indicator_id)
        .options(joinedload(QualityIndicator.domain))
        .where(QualityAnswer.assessment_id == assessment.id)
        .order_by(QualityIndicator.position)
    ).all()
    return [IndicatorResult(i, a, indicator_score(i, a.choice, a.value)) for a, i in rows]


def know_do(results: list[IndicatorResult]) -> list[KnowDo]:
    """Per area assessed both by vignette and by practice: what staff know against what they do."""
    areas: dict[str, dict[str, list[float]]] = {}
    for r in results:
        if r.indicator.area and r.score is not None:
            if r.indicator.method == Method.VIGNETTE:
                side = "know"
            elif r.indicator.method in (Method.OBSERVATION, Method.RECORD_REVIEW):
                side = "do"
            else:
                continue
            areas.setdefault(r.indicator.area, {"know": [], "do": []})[side].append(r.score)
    return [
        KnowDo(
            area,
            round(100 * sum(s["know"]) / len(s["know"]), 1),
            round(100 * sum(s["do"]) / len(s["do"]), 1),
        )
        for area, s in sorted(areas.items())
        if s["know"] and s["do"]
    ]


@dataclass
class StaffRow:
    user: User
    certificates: list[Certificate] = field(default_factory=list)


def staff_with_certificates(facility_id: int, day: date) -> list[StaffRow]:
    """The facility's staff on `day` with their certificates valid that day (two queries)."""
    people = list(
        db.session.scalars(
            sa.select(User)
            .join(StaffAssignment, StaffAssignment.user_id == User.id)
            .options(joinedload(User.cadre))
            .where(
                StaffAssignment.facility_id == facility_id,
                User.active.is_(True),
                StaffAssignment.covering(day),
            )
            .distinct()
        )
    )
    people.sort(key=lambda u: ((u.cadre.code if u.cadre else "~"), u.sex.value, u.family_name_en))
    rows = {u.id: StaffRow(u) for u in people}
    if rows:
        for cert in db.session.scalars(
            sa.select(Certificate)
            .options(joinedload(Certificate.curriculum), defer(Certificate.snapshot))
            .where(
                Certificate.holder_id.in_(list(rows)),
                Certificate.valid_on(day),
                Certificate.is_current,
            )
            .order_by(Certificate.issued_on)
        ):
            rows[cert.holder_id].certificates.append(cert)
    return list(rows.values())


def open_actions(facility_id: int) -> list[ImprovementAction]:
    return list(
        db.session.scalars(
            sa.select(ImprovementAction)
            .options(
                joinedload(ImprovementAction.indicator),
                joinedload(ImprovementAction.responsible),
                joinedload(ImprovementAction.reviewed_round),
            )
            .where(ImprovementAction.facility_id == facility_id)
            .order_by(ImprovementAction.status, ImprovementAction.due_on)
        )
    )


@dataclass
class Scorecard:
    facility: Facility
    results: list[QualityAssessment]
    latest: QualityAssessment | None
    indicators: list[IndicatorResult]
    failing: list[IndicatorResult]
    know_do: list[KnowDo]
    staff: list[StaffRow]
    actions: list[ImprovementAction]
    in_progress: QualityAssessment | None

    @property
    def domains(self):
        """(domain, score) of the latest result, in tool order."""
        seen, out = set(), []
        scores = self.latest.domain_scores if self.latest else {}
        for r in self.indicators:
            d = r.indicator.domain
            if d.id not in seen:
                seen.add(d.id)
                out.append((d, scores.get(d.code)))
        return out

    @property
    def staff_by_cadre(self) -> list[tuple[str | None, dict[Sex, list[int]]]]:
        """[certified, total] per sex for each cadre."""
        table: dict = {}
        for row in self.staff:
            key = row.user.cadre
            counts = table.setdefault(key, {s: [0, 0] for s in Sex})
            counts[row.user.sex][1] += 1
            if row.certificates:
                counts[row.user.sex][0] += 1
        return sorted(table.items(), key=lambda kv: kv[0].code if kv[0] else "~")


def scorecard(facility: Facility, today: date) -> Scorecard:
    """Everything the facility page shows, in a fixed number of queries."""
    results = results_of(facility.id)
    latest = results[-1] if results else None
    indicators = indicator_results(latest) if latest else []
    in_progress = db.session.scalar(
        sa.select(QualityAssessment)
        .options(joinedload(QualityAssessment.round))
        .where(
            QualityAssessment.facility_id == facility.id,
            QualityAssessment.status != AssessmentStatus.VALIDATED,
        )
        .order_by(QualityAssessment.updated_at.desc())
        .limit(1)
    )
    return Scorecard(
        facility=facility,
        results=results,
        latest=latest,
        indicators=indicators,
        failing=[r for r in indicators if r.failing],
        know_do=know_do(indicators),
        staff=staff_with_certificates(facility.id, today),
        actions=open_actions(facility.id),
        in_progress=in_progress,
    )


# --- League tables -----------------------------------------------------------------------------


@dataclass
class LeagueRow:
    rank: int | None
    facility: Facility
    assessment: QualityAssessment | None
    below: bool


def league(
    round_id: int,
    province_id: int | None = None,
    district_id: int | None = None,
    threshold: float | None = None,
) -> list[LeagueRow]:
    """Facilities of a province or district ranked by their validated score in a round; those
    without a result come last. One query."""
    types, passes = _tools()
    result = (
        sa.select(QualityAssessment)
        .where(QualityAssessment.round_id == round_id, RESULT)
        .subquery()
    )
    qa = sa.orm.aliased(QualityAssessment, result)
    stmt = (
        sa.select(Facility, qa)
        .outerjoin(qa, qa.facility_id == Facility.id)
        .options(joinedload(Facility.district), joinedload(Facility.province))
        .where(Facility.active.is_(True), Facility.type.in_(types))
    )
    if province_id:
        stmt = stmt.where(Facility.province_id == province_id)
    if district_id:
        stmt = stmt.where(Facility.district_id == district_id)
    stmt = stmt.order_by(qa.overall_score.desc().nulls_last(), Facility.code)
    rows, rank = [], 0
    for facility, assessment in db.session.execute(stmt).all():
        if assessment is not None:
            rank += 1
            limit = threshold if threshold is not None else passes[assessment.tool_id]
            below = assessment.overall_score is not None and assessment.overall_score < limit
            rows.append(LeagueRow(rank, facility, assessment, below))
        else:
            rows.append(LeagueRow(None, facility, None, False))
    return rows


def _tools() -> tuple[set[str], dict[int, float]]:
    """The facility types some published tool assesses (others have no place in a league),
    and every tool version's pass mark (one query; tools are few)."""

    types: set[str] = set()
    passes: dict[int, float] = {}
    for tool in db.session.scalars(sa.select(QualityTool)):
        passes[tool.id] = tool.pass_percent
        if tool.status == Status.PUBLISHED:
            types.update(tool.facility_types)
    return types, passes


@dataclass
class CoverageRow:
    cadre: Cadre | None
    counts: dict[Sex, list[int]]  # [certified, staff] per sex

    @property
    def total(self) -> list[int]:
        return [sum(c[0] for c in self.counts.values()), sum(c[1] for c in self.counts.values())]


def coverage(
    day: date,
    province_id: int | None = None,
    district_id: int | None = None,
    curricula: list[str] | None = None,
) -> list[CoverageRow]:
    """Staff of the area's facilities on `day`, and how many hold a valid certificate (of the
    given curricula, or any), by cadre and sex. Two queries."""
    cert = sa.select(Certificate.id).where(
        Certificate.holder_id == User.id, Certificate.valid_on(day)
    )
    if curricula:
        cert = cert.join(Curriculum, Curriculum.id == Certificate.curriculum_id).where(
            Curriculum.code.in_(curricula)
        )
    staff = (
        sa.select(
            User.id.label("user_id"),
            User.cadre_id.label("cadre_id"),
            User.sex.label("sex"),
            sa.exists(cert).label("certified"),
        )
        .join(StaffAssignment, StaffAssignment.user_id == User.id)
        .join(Facility, Facility.id == StaffAssignment.facility_id)
        .where(
            User.active.is_(True),
            StaffAssignment.covering(day),
        )
        .distinct()
    )
    if province_id:
        staff = staff.where(Facility.province_id == province_id)
    if district_id:
        staff = staff.where(Facility.district_id == district_id)
    sub = staff.subquery()
    rows = db.session.execute(
        sa.select(
            sub.c.cadre_id,
            sub.c.sex,
            sa.func.count(),
            sa.func.sum(sa.case((sub.c.certified, 1), else_=0)),
        ).group_by(sub.c.cadre_id, sub.c.sex)
    ).all()
    cadres = {c.id: c for c in db.session.scalars(sa.select(Cadre))}
    table: dict = {}
    for cadre_id, sex, count, certified in rows:
        counts = table.setdefault(cadre_id, {s: [0, 0] for s in Sex})
        counts[Sex(sex)] = [int(certified or 0), int(count)]
    return [
        CoverageRow(cadres.get(cid), counts)
        for cid, counts in sorted(
            table.items(), key=lambda kv: cadres[kv[0]].code if kv[0] in cadres else "~"
        )
    ]


def district_summary(
    rows: list[LeagueRow],
) -> list[tuple[OperationalDistrict | None, int, int, float | None, int]]:
    """(district, facilities, assessed, mean score, below threshold) from league rows."""
    table: dict = {}
    for row in rows:
        entry = table.setdefault(row.facility.district_id, [row.facility.district, 0, [], 0])
        entry[1] += 1
        if row.assessment and row.assessment.overall_score is not None:
            entry[2].append(row.assessment.overall_score)
        entry[3] += row.below
    return [
        (d, n, len(s), round(sum(s) / len(s), 1) if s else None, below)
        for d, n, s, below in sorted(table.values(), key=lambda e: e[0].code if e[0] else "~")
    ]


# --- Training needs ----------------------------------------------------------------------------


@dataclass
class Need:
    curriculum: Curriculum
    indicators: list[QualityIndicator]
    competencies: list[Competency]
    staff: list[User]
    cohorts: list[tuple[Cohort, int]]  # (cohort, places left)
    enrollable: set[int] = field(default_factory=set)  # active trainees not yet in a cohort


def _newest_published(codes: set[str]) -> dict[str, Curriculum]:
    if not codes:
        return {}
    rows = db.session.scalars(
        sa.select(Curriculum)
        .options(selectinload(Curriculum.cadres))
        .where(Curriculum.code.in_(codes), Curriculum.status == Status.PUBLISHED)
        .order_by(Curriculum.code, Curriculum.version.desc())
    )
    newest: dict[str, Curriculum] = {}
    for c in rows:
        newest.setdefault(c.code, c)
    return newest


def training_needs(facility: Facility, today: date) -> list[Need]:
    """For the failing indicators of the facility's latest result: the curricula that teach what
    they need, the staff who lack a valid certificate of one, and cohorts they could join."""
    latest = db.session.scalar(
        sa.select(QualityAssessment)
        .where(QualityAssessment.facility_id == facility.id, RESULT)
        .join(AssessmentRound)
        .order_by(AssessmentRound.starts_on.desc())
        .limit(1)
    )
    if latest is None:
        return []
    failing = [r.indicator for r in indicator_results(latest) if r.failing]
    if not failing:
        return []
    # Competencies linked to the failing indicators, and the curricula requiring them.
    links = db.session.execute(
        sa.select(QualityIndicator.id, Competency, Framework.code)
        .join(QualityIndicator.competencies)
        .join(Framework, Framework.id == Competency.framework_id)
        .where(QualityIndicator.id.in_([i.id for i in failing]))
    ).all()
    competency_keys = {(fw, c.code) for _i, c, fw in links}
    teaching = db.session.execute(
        sa.select(Curriculum.code, Framework.code, Competency.code)
        .join(curriculum_requirements, curriculum_requirements.c.curriculum_id == Curriculum.id)
        .join(Competency, Competency.id == curriculum_requirements.c.competency_id)
        .join(Framework, Framework.id == Competency.framework_id)
        .where(
            Curriculum.status == Status.PUBLISHED,
            sa.tuple_(Framework.code, Competency.code).in_(list(competency_keys))
            if competency_keys
            else sa.false(),
        )
        .distinct()
    ).all()
    taught_by: dict[tuple[str, str], set[str]] = {}
    for ccode, fw, comp in teaching:
        taught_by.setdefault((fw, comp), set()).add(ccode)
    # Per curriculum code: the failing indicators it answers and the competencies concerned.
    # A curriculum answers an indicator that names it, or teaches a competency linked to it.
    per_curriculum: dict[str, tuple[dict, dict]] = defaultdict(lambda: ({}, {}))
    by_id = {i.id: i for i in failing}
    for indicator in failing:
        for code in indicator.curricula:
            per_curriculum[code][0][indicator.id] = indicator
    for indicator_id, competency, fw in links:
        indicator = by_id[indicator_id]
        for code in taught_by.get((fw, competency.code), set()) | set(indicator.curricula):
            per_curriculum[code][0][indicator_id] = indicator
            per_curriculum[code][1][competency.id] = competency
    curricula = _newest_published(set(per_curriculum))
    if not curricula:
        return []
    staff = staff_with_certificates(facility.id, today)
    cohorts = _open_cohorts(set(curricula), today)
    cohort_ids = [c.id for found in cohorts.values() for c, _left in found]
    placed = {
        (cohort_id, trainee_id)
        for cohort_id, trainee_id in db.session.execute(
            sa.select(Enrolment.cohort_id, Enrolment.trainee_id).where(
                Enrolment.cohort_id.in_(cohort_ids),
                Enrolment.status.in_([EnrolmentStatus.ENROLLED, EnrolmentStatus.REQUESTED]),
            )
        )
    }
    needs = []
    for code, curriculum in sorted(curricula.items()):
        indicators, competencies = per_curriculum[code]
        cadre_ids = {c.id for c in curriculum.cadres}
        lacking = [
            row.user
            for row in staff
            if (not cadre_ids or row.user.cadre_id in cadre_ids)
            and not any(c.curriculum.code == code for c in row.certificates)
        ]
        needs.append(
            Need(
                curriculum=curriculum,
                indicators=sorted(indicators.values(), key=lambda i: i.position),
                competencies=sorted(competencies.values(), key=lambda c: (c.depth, c.position)),
                staff=lacking,
                cohorts=cohorts.get(code, []),
                enrollable={
                    u.id
                    for u in lacking
                    if u.active
                    and u.has_role(Role.TRAINEE)
                    and not any((c.id, u.id) in placed for c, _left in cohorts.get(code, []))
                },
            )
        )
    return needs


def _open_cohorts(codes: set[str], today: date) -> dict[str, list[tuple[Cohort, int]]]:
    """Cohorts not closed and not over, of any version of these curricula, with places left."""
    enrolled = (
        sa.select(sa.func.count())
        .where(Enrolment.cohort_id == Cohort.id, Enrolment.status == EnrolmentStatus.ENROLLED)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Cohort, Curriculum.code, enrolled)
        .join(Curriculum, Curriculum.id == Cohort.curriculum_id)
        .options(joinedload(Cohort.venue), selectinload(Cohort.instructors))
        .where(
            Curriculum.code.in_(codes),
            Cohort.status != CohortStatus.CLOSED,
            Cohort.end_date >= today,
        )
        .order_by(Cohort.start_date)
    ).all()
    result: dict[str, list] = {}
    for cohort, code, count in rows:
        if cohort.capacity - count > 0:
            result.setdefault(code, []).append((cohort, cohort.capacity - count))
    return result


def actions_due(facility_id: int) -> list[ImprovementAction]:
    return [
        a
        for a in open_actions(facility_id)
        if a.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
    ]
