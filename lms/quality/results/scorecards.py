"""A facility's scorecard: its validated results over rounds, the latest one's indicators, the
know–do gap, its staff with their valid certificates, and its improvement actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload

from ...certificates.models import Certificate
from ...extensions import db
from ...orgunits.models import Facility
from ...users.models import Sex, StaffAssignment, User
from ..models import (
    AssessmentRound,
    AssessmentStatus,
    ImprovementAction,
    QualityAnswer,
    QualityAssessment,
    QualityDomain,
    QualityIndicator,
)
from ..scoring import indicator_score
from ..spec import Method

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


def failing_results(assessment: QualityAssessment) -> list[IndicatorResult]:
    """The assessment's answered indicators that are not fully met, in tool order."""
    return [r for r in indicator_results(assessment) if r.failing]


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
    """The facility's improvement actions, open ones first, by due date (one query)."""
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


def actions_due(facility_id: int) -> list[ImprovementAction]:
    """The facility's actions not done or dropped yet: a visit reviews them."""
    return [a for a in open_actions(facility_id) if a.is_open]


@dataclass
class DomainResults:
    """One domain of the latest result: its score, the indicators not fully met (first on the
    page), and the others (met, or not counted: not applicable, unanswered)."""

    domain: QualityDomain
    score: float | None
    failing: list[IndicatorResult] = field(default_factory=list)
    others: list[IndicatorResult] = field(default_factory=list)

    @property
    def critical_failing(self) -> int:
        return sum(1 for r in self.failing if r.indicator.critical)


def by_domain(indicators: list[IndicatorResult], scores: dict) -> list[DomainResults]:
    """The indicators grouped by domain, in tool order, with each domain's score."""
    groups: dict[int, DomainResults] = {}
    for r in indicators:
        d = r.indicator.domain
        group = groups.get(d.id)
        if group is None:
            group = groups[d.id] = DomainResults(d, scores.get(d.code))
        (group.failing if r.failing else group.others).append(r)
    return list(groups.values())


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
    def domains(self) -> list[DomainResults]:
        """The latest result's indicators by domain, in tool order, with the domain scores."""
        return by_domain(self.indicators, self.latest.domain_scores if self.latest else {})

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
