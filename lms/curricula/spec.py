"""Curricula as plain data (see frameworks/spec.py for the idea)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from ..enums import LabelledEnum
from ..frameworks.spec import Status, Text


class CurriculumKind(LabelledEnum):
    PRE_SERVICE = "pre-service", _l("Pre-service")
    IN_SERVICE = "in-service", _l("In-service")
    REFRESHER = "refresher", _l("Refresher")
    CPD = "cpd", _l("Continuing professional development")


class CompetencyRule(LabelledEnum):
    ALL_PASSED = "all_passed", _l("Every instrument mapped to the competency passed")
    LATEST_RESULT = "latest_result", _l("The most recent result decides")


class InstrumentType(LabelledEnum):
    DOPS = "dops", _l("Observation checklist (DOPS)")
    OSCE = "osce", _l("OSCE station")
    KNOWLEDGE_TEST = "knowledge_test", _l("Knowledge test")
    LOGBOOK = "logbook", _l("Logbook")

    @property
    def has_checklist(self) -> bool:
        return self in (InstrumentType.DOPS, InstrumentType.OSCE)

    @property
    def part(self) -> str:
        """What an instrument of this type is made of, as addresses name it."""
        if self.has_checklist:
            return "items"
        return "questions" if self is InstrumentType.KNOWLEDGE_TEST else "case-types"


class ReviewPolicy(LabelledEnum):
    """What a trainee sees of a knowledge test attempt once it is handed in."""

    NONE = "none", _l("Whether the attempt passed, nothing more")
    SCORE = "score", _l("The score")
    MISTAKES = (
        "mistakes",
        _l(
            "The score and the questions answered wrongly; the right answers once the test is "
            "passed or no attempt is left"
        ),
    )
    ANSWERS = "answers", _l("The score, the questions answered wrongly and the right answers")


# A page of a test on a phone: few enough questions to load fast on a slow network, enough
# that a page load (and the save it brings) does not come after every tap.
QUESTIONS_PER_PAGE = 5


@dataclass
class OutcomeSpec:
    text: Text
    competencies: list[str] = field(default_factory=list)


@dataclass
class ModuleSpec:
    code: str
    title: Text
    hours_theory: float = 0
    hours_practical: float = 0
    hours_clinical: float = 0
    description: Text = field(default_factory=Text)
    outcomes: list[OutcomeSpec] = field(default_factory=list)


@dataclass
class ItemSpec:
    text: Text
    critical: bool = False


@dataclass
class OptionSpec:
    text: Text
    correct: bool = False


@dataclass
class QuestionSpec:
    text: Text
    options: list[OptionSpec]


@dataclass
class CaseTypeSpec:
    code: str
    title: Text
    min_count: int


@dataclass
class InstrumentSpec:
    code: str
    type: InstrumentType
    title: Text
    module: str | None = None
    competencies: list[str] = field(default_factory=list)
    second_assessor: bool = False
    description: Text = field(default_factory=Text)
    # Checklists (DOPS, OSCE): the share of applicable items done, and all critical items.
    items: list[ItemSpec] = field(default_factory=list)
    min_share_percent: int | None = None
    all_critical: bool = True
    # Knowledge tests.
    questions: list[QuestionSpec] = field(default_factory=list)
    pass_mark_percent: int | None = None
    attempts: int | None = None
    time_limit_minutes: int | None = None  # None: untimed
    questions_per_page: int = QUESTIONS_PER_PAGE
    review: ReviewPolicy = ReviewPolicy.SCORE
    # Logbooks.
    case_types: list[CaseTypeSpec] = field(default_factory=list)


@dataclass
class CurriculumSpec:
    code: str
    version: int
    title: Text
    kind: CurriculumKind
    framework_code: str
    framework_version: int
    status: Status = Status.DRAFT
    effective_date: date | None = None
    description: Text = field(default_factory=Text)
    cadres: list[str] = field(default_factory=list)
    cpd_credits: float = 0
    validity_months: int | None = None
    renewed_by: str | None = None
    renewal_cpd_credits: float | None = None  # or renewed on this many CPD credits
    min_attendance_percent: int = 100
    competency_rule: CompetencyRule = CompetencyRule.ALL_PASSED
    required_competencies: list[str] = field(default_factory=list)
    modules: list[ModuleSpec] = field(default_factory=list)
    instruments: list[InstrumentSpec] = field(default_factory=list)
