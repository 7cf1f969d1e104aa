"""Quality assessment tools as plain data: what a tool file says, before it meets the database.

A tool has domains, a domain has indicators. An indicator is answered (yes/no, yes/partial/no or
a number judged against thresholds) or computed from the LMS (staff holding valid certificates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from ..enums import LabelledEnum
from ..frameworks.spec import Status, Text


class Method(LabelledEnum):
    OBSERVATION = "observation", _l("Observation")
    RECORD_REVIEW = "record_review", _l("Record review")
    INTERVIEW = "interview", _l("Interview")
    VIGNETTE = "clinical_vignette", _l("Clinical vignette")
    COMPUTED = "computed", _l("Computed from the LMS")


class AnswerType(LabelledEnum):
    YES_NO = "yes_no", _l("Yes / no")
    YES_PARTIAL_NO = "yes_partial_no", _l("Yes / partly / no")
    NUMBER = "number", _l("A number")
    COMPUTED = "computed", _l("Computed from staff and certificates")


class Computation(LabelledEnum):
    STAFF_COUNT = "certified_staff_count", _l("Staff holding a valid certificate (count)")
    STAFF_SHARE = "certified_staff_share", _l("Staff holding a valid certificate (per cent)")


@dataclass
class Thresholds:
    """How a number is judged: met at `met`, partly met at `partial` (optional)."""

    met: float
    partial: float | None = None
    higher_is_better: bool = True


@dataclass
class ComputeSpec:
    type: Computation
    curricula: list[str]
    cadres: list[str] = field(default_factory=list)  # empty: every cadre


@dataclass
class IndicatorSpec:
    code: str
    text: Text
    method: Method
    answer: AnswerType
    weight: float = 1
    critical: bool = False
    allow_na: bool = False
    facility_types: list[str] = field(default_factory=list)  # empty: the tool's
    minimum: float | None = None
    maximum: float | None = None
    unit: Text = field(default_factory=Text)
    thresholds: Thresholds | None = None
    compute: ComputeSpec | None = None
    area: str | None = None  # indicators of one area by vignette and by observation: know-do
    guidance: Text = field(default_factory=Text)
    competencies: list[str] = field(default_factory=list)  # FRAMEWORK:COMPETENCY
    curricula: list[str] = field(default_factory=list)


@dataclass
class DomainSpec:
    code: str
    title: Text
    weight: float
    indicators: list[IndicatorSpec]
    competencies: list[str] = field(default_factory=list)
    curricula: list[str] = field(default_factory=list)


@dataclass
class ToolSpec:
    code: str
    version: int
    title: Text
    facility_types: list[str]
    domains: list[DomainSpec]
    status: Status = Status.DRAFT
    effective_date: date | None = None
    description: Text = field(default_factory=Text)
    pass_percent: float = 70
    critical_cap_percent: float | None = None

    def indicators(self):
        for domain in self.domains:
            yield from domain.indicators
