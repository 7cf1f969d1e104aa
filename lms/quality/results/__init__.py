"""What assessments say: facility scorecards, league tables, staff coverage and training needs.

Every function here reads a fixed number of queries whatever the number of facilities, rounds,
staff or certificates (tests count them). `from lms.quality import results` gives the public
names of `scorecards`, `league_tables` and `needs`.
"""

from __future__ import annotations

from .league_tables import (
    LEAGUE_COLUMNS,
    CoverageRow,
    LeagueRow,
    coverage,
    default_round_id,
    district_summary,
    districts_of,
    league,
    league_cells,
)
from .needs import Need, enrol_staff, enrolment_offer, manageable_cohorts, training_needs
from .scorecards import (
    RESULT,
    DomainResults,
    IndicatorResult,
    KnowDo,
    Scorecard,
    StaffRow,
    actions_due,
    by_domain,
    failing_results,
    indicator_results,
    know_do,
    open_actions,
    results_of,
    scorecard,
    staff_with_certificates,
)

__all__ = [
    "LEAGUE_COLUMNS",
    "RESULT",
    "CoverageRow",
    "DomainResults",
    "IndicatorResult",
    "KnowDo",
    "LeagueRow",
    "Need",
    "Scorecard",
    "StaffRow",
    "actions_due",
    "coverage",
    "default_round_id",
    "by_domain",
    "district_summary",
    "districts_of",
    "enrol_staff",
    "enrolment_offer",
    "failing_results",
    "indicator_results",
    "know_do",
    "league",
    "league_cells",
    "manageable_cohorts",
    "open_actions",
    "results_of",
    "scorecard",
    "staff_with_certificates",
    "training_needs",
]
