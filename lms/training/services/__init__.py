"""Cohorts: who may manage them, enrolment, sessions and attendance.

Object rules live here: an instructor manages only the cohorts they teach; a trainee sees
only cohorts they belong to (or may ask to join). Routes check roles; these functions check
the object and raise Forbidden. Callers use this package as one module
(`from lms.training import services`); the rules live in its parts:
`cohorts` (who may do what, setting up, listing), `enrolment`, `attendance`, and `page`
(what a cohort's page shows to one user).
"""

from .attendance import (
    AttendanceSummary,
    attendance_for,
    attendance_of,
    attendance_summary,
    mark_attendance,
    marks_to_offer,
    schedule_session,
    sessions_of,
)
from .cohorts import (
    CODE_RE,
    CohortData,
    can_view,
    cohorts_for,
    curricula_offered,
    enrolled_count,
    enrolled_places,
    enrolment_of,
    follows,
    instructors_offered,
    load_cohort,
    manages,
    open_cohorts_for_trainee,
    reads_materials,
    require_manager,
    save_cohort,
)
from .enrolment import (
    count_by_sex,
    decide_request,
    enrol,
    enrol_named,
    find_trainee,
    import_enrolments,
    may_withdraw,
    request_to_join,
    roster,
    undo_withdrawal,
    withdraw,
    withdrawn_on,
)
from .page import CohortPage, cohort_page

__all__ = [
    "CODE_RE",
    "AttendanceSummary",
    "CohortData",
    "CohortPage",
    "attendance_for",
    "attendance_of",
    "attendance_summary",
    "can_view",
    "cohort_page",
    "cohorts_for",
    "count_by_sex",
    "curricula_offered",
    "decide_request",
    "enrol",
    "enrol_named",
    "enrolled_count",
    "enrolled_places",
    "enrolment_of",
    "find_trainee",
    "follows",
    "import_enrolments",
    "instructors_offered",
    "load_cohort",
    "manages",
    "mark_attendance",
    "marks_to_offer",
    "open_cohorts_for_trainee",
    "reads_materials",
    "request_to_join",
    "require_manager",
    "roster",
    "save_cohort",
    "schedule_session",
    "sessions_of",
    "withdraw",
    "may_withdraw",
    "undo_withdrawal",
    "withdrawn_on",
]
