"""Facility quality assessments: who may assess what, rounds and tools, capture, validation.

`from lms.quality import services` gives every public name of the modules below:
- `access`: assessor scopes, who may assess, change and validate an assessment;
- `rounds_and_tools`: rounds, tool versions and the indicators that apply to a facility;
- `answers`: checking one answer against its indicator;
- `capture`: starting an assessment, saving answers, submitting;
- `validation`: validating, returning to the assessors, correcting with a new version;
- `work`: reading assessments (one page, a user's open work).
"""

from __future__ import annotations

from .access import (
    assessable_facilities,
    assignable_facilities,
    co_assessors,
    facilities_to_assess,
    may_assess,
    may_validate,
    on_team,
    quality_assessor,
    quality_assessors,
    require_assessor,
    require_team,
    require_validator,
    scopes_by_user,
    scopes_of,
    set_scopes,
)
from .answers import AnswerErrors, AnswerInput, check_answer
from .capture import (
    lock_assessment,
    lock_visit,
    missing_answers,
    save_answers,
    score_of,
    start_assessment,
    submit,
)
from .rounds_and_tools import (
    DomainView,
    RoundData,
    applicable,
    current_round,
    load_tool,
    quarters,
    rounds,
    save_round,
    tool_for,
    tools,
)
from .validation import correct, return_to_draft, validate
from .work import AssessmentPage, Work, assessment_page, assessments_for, load_assessment, work_of

__all__ = [
    "AnswerErrors",
    "AnswerInput",
    "AssessmentPage",
    "DomainView",
    "RoundData",
    "Work",
    "applicable",
    "assessable_facilities",
    "assessment_page",
    "assessments_for",
    "assignable_facilities",
    "check_answer",
    "co_assessors",
    "correct",
    "current_round",
    "facilities_to_assess",
    "load_assessment",
    "load_tool",
    "lock_assessment",
    "lock_visit",
    "may_assess",
    "may_validate",
    "missing_answers",
    "on_team",
    "quality_assessor",
    "quality_assessors",
    "quarters",
    "require_assessor",
    "require_team",
    "require_validator",
    "return_to_draft",
    "rounds",
    "save_answers",
    "save_round",
    "scopes_by_user",
    "scopes_of",
    "score_of",
    "set_scopes",
    "start_assessment",
    "submit",
    "tool_for",
    "tools",
    "validate",
    "work_of",
]
