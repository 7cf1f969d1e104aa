"""Assessment rounds (periods such as quarters) and the tool versions facilities are assessed
with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ...audit import services as audit
from ...errors import DomainError
from ...extensions import db
from ...frameworks.spec import Status
from ...i18n import khmer_digits, local_date
from ...orgunits.models import Facility
from ..models import AssessmentRound, QualityDomain, QualityIndicator, QualityTool


@dataclass
class RoundData:
    code: str
    title_km: str
    title_en: str
    starts_on: date
    ends_on: date


def quarters(day: date, count: int) -> list[RoundData]:
    """The last `count` calendar quarters, the one holding `day` included, oldest first, as
    rounds: code `2026-Q4`, titles `ត្រីមាសទី៤ ឆ្នាំ២០២៦` and `Q4 2026`."""
    year, quarter = day.year, (day.month - 1) // 3
    found = []
    for _ in range(count):
        start = date(year, quarter * 3 + 1, 1)
        end = date(year + (quarter == 3), (quarter * 3 + 3) % 12 + 1, 1) - timedelta(days=1)
        q = quarter + 1
        found.append(
            RoundData(
                f"{year}-Q{q}",
                f"ត្រីមាសទី{khmer_digits(q)} ឆ្នាំ{khmer_digits(year)}",
                f"Q{q} {year}",
                start,
                end,
            )
        )
        year, quarter = (year, quarter - 1) if quarter else (year - 1, 3)
    return found[::-1]


def save_round(actor, data: RoundData, now, round_: AssessmentRound | None = None):
    """Create or change an assessment round (a period, e.g. a quarter)."""
    if data.ends_on < data.starts_on:
        raise DomainError(_l("The round must end on or after its first day."), "ends_on")
    clash = db.session.scalar(
        sa.select(AssessmentRound.id).where(
            AssessmentRound.code == data.code,
            AssessmentRound.id != (round_.id if round_ else -1),
        )
    )
    if clash:
        raise DomainError(_l("Another round has this code."), "code")
    if round_ is None:
        round_ = AssessmentRound()
        db.session.add(round_)
    for name, value in vars(data).items():
        setattr(round_, name, value)
    db.session.flush()
    audit.record(
        actor,
        "quality.round_saved",
        round_,
        now=now,
        code=data.code,
        starts_on=str(data.starts_on),
        ends_on=str(data.ends_on),
    )
    return round_


def rounds() -> list[AssessmentRound]:
    """Every round, oldest first."""
    return list(db.session.scalars(sa.select(AssessmentRound).order_by(AssessmentRound.starts_on)))


def current_round(all_rounds: list[AssessmentRound], now: datetime) -> AssessmentRound | None:
    """The round open on Cambodia's day of `now`, which forms preselect (a new assessment, an
    action's review): the latest to start when rounds overlap; else the latest already
    started (a visit entered after its round closed); None before any round starts."""
    day = local_date(now)
    started = sorted((r for r in all_rounds if r.starts_on <= day), key=lambda r: r.starts_on)
    holding = [r for r in started if r.holds(day)]
    return (holding or started or [None])[-1]


def tools() -> list[QualityTool]:
    """Every tool version, by code, newest version first."""
    return list(
        db.session.scalars(
            sa.select(QualityTool).order_by(QualityTool.code, QualityTool.version.desc())
        )
    )


def tool_for(facility: Facility, day: date) -> QualityTool | None:
    """The newest published tool version for the facility's type in effect on `day`."""
    candidates = db.session.scalars(
        sa.select(QualityTool)
        .where(
            QualityTool.status == Status.PUBLISHED,
            sa.or_(QualityTool.effective_date.is_(None), QualityTool.effective_date <= day),
        )
        .order_by(QualityTool.version.desc())
    )
    for tool in candidates:
        if facility.type.value in tool.facility_types:
            return tool
    return None


def load_tool(tool_id: int) -> QualityTool | None:
    """A tool with its domains, indicators and their competencies (three queries)."""
    return db.session.scalar(
        sa.select(QualityTool)
        .options(
            selectinload(QualityTool.domains)
            .selectinload(QualityDomain.indicators)
            .selectinload(QualityIndicator.competencies)
        )
        .where(QualityTool.id == tool_id)
    )


class DomainView:
    """A domain seen through one facility type (its applicable indicators only)."""

    def __init__(self, domain: QualityDomain, indicators: list[QualityIndicator]):
        self.domain = domain
        self.indicators = indicators
        self.id, self.code, self.weight = domain.id, domain.code, domain.weight
        self.title_km, self.title_en = domain.title_km, domain.title_en


def applicable(tool: QualityTool, facility_type: str) -> list[DomainView]:
    """The tool's domains with only the indicators that apply to this type of facility."""
    result = []
    for domain in tool.domains:
        indicators = [i for i in domain.indicators if i.applies_to(facility_type)]
        if indicators:
            result.append(DomainView(domain, indicators))
    return result
