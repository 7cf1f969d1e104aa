"""League tables: facilities ranked by their validated score in a round, summed up by district,
with the certified staff coverage of the same area by cadre and sex."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ...certificates.models import Certificate
from ...curricula.models import Curriculum
from ...extensions import db
from ...frameworks.spec import Status
from ...orgunits.models import Facility, OperationalDistrict
from ...users.models import Cadre, Sex, StaffAssignment, User
from ..models import AssessmentRound, AssessmentStatus, QualityAssessment, QualityTool
from .scorecards import RESULT


@dataclass
class LeagueRow:
    rank: int | None
    facility: Facility
    assessment: QualityAssessment | None
    below: bool


def default_round_id(all_rounds: list[AssessmentRound]) -> int | None:
    """The round a league table shows when none is asked for: the last one with a validated
    result, else the newest round; None when there is no round."""
    if not all_rounds:
        return None
    assessed = db.session.scalar(
        sa.select(sa.func.max(QualityAssessment.round_id)).where(
            QualityAssessment.status == AssessmentStatus.VALIDATED
        )
    )
    return assessed or all_rounds[-1].id


def districts_of(province_id: int | None) -> list[OperationalDistrict]:
    """The operational districts of a province, by code (none without a province)."""
    if not province_id:
        return []
    return list(
        db.session.scalars(
            sa.select(OperationalDistrict)
            .where(OperationalDistrict.province_id == province_id)
            .order_by(OperationalDistrict.code)
        )
    )


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


LEAGUE_COLUMNS = [
    "rank",
    "facility_code",
    "facility_name_km",
    "facility_name_en",
    "type",
    "province",
    "district",
    "overall_score",
    "capped_by_critical",
    "below_threshold",
    "assessed_on",
    "tool",
]


def league_cells(rows: list[LeagueRow]) -> list[list]:
    """The league's rows as CSV cells, in the order of LEAGUE_COLUMNS."""
    lines = []
    for row in rows:
        a = row.assessment
        lines.append(
            [
                row.rank or "",
                row.facility.code,
                row.facility.name_km,
                row.facility.name_en,
                row.facility.type.value,
                row.facility.province.code,
                row.facility.district.code if row.facility.district else "",
                a.overall_score if a else "",
                ("yes" if a.capped else "no") if a else "",
                "yes" if row.below else "no",
                a.assessed_on.isoformat() if a else "",
                f"{a.tool.code} v{a.tool.version}" if a else "",
            ]
        )
    return lines


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
