"""Recording and checking evidence, and deciding competence from it.

Object rules: only instructors of the trainee's cohort (or administrators) assess, nobody
assesses themselves, and a second assessor is never the first one.

One module per kind of evidence or decision; every public name is here, so callers write
`from lms.assessments import services` and `services.save_checklist(...)`.
"""

from .checklists import (
    IMAGE_KINDS,
    ChecklistData,
    Photo,
    attach_photo,
    photo_of,
    record_checklist,
    save_checklist,
    submit_draft,
    why_not_passed,
)
from .corrections import correct
from .evidence import CompetencyEvidence, competency_evidence
from .logbooks import (
    add_logbook_entry,
    entries_to_check,
    logbook_entries,
    logbook_outcome,
    logbook_results,
    review_logbook_entry,
    verified_logbook_counts,
)
from .matrix import (
    CohortMatrix,
    CompetencyTable,
    CompetencyView,
    MatrixFocus,
    Structure,
    cohort_matrix,
    competency_table,
    curriculum_structure,
    matrix_focus,
    results_for,
)
from .panels import (
    confirm_panel_decision,
    evidence_for,
    overrides,
    panel_decisions,
    proposals_to_confirm,
    propose_panel_decision,
)
from .paper_tests import save_paper_test
from .records import (
    find_instrument,
    history,
    instrument_of,
    may_view,
    records_of,
    require_assessor,
)
from .rounds import (
    RoundState,
    Station,
    first_waiting,
    next_station,
    next_trainee,
    saved_at_station,
    station,
    stations,
)
from .verification import may_verify, records_to_verify, verify

__all__ = [
    "CompetencyEvidence",
    "MatrixFocus",
    "RoundState",
    "Station",
    "competency_evidence",
    "first_waiting",
    "matrix_focus",
    "next_station",
    "next_trainee",
    "saved_at_station",
    "station",
    "stations",
    "evidence_for",
    "why_not_passed",
    "IMAGE_KINDS",
    "ChecklistData",
    "CohortMatrix",
    "CompetencyTable",
    "CompetencyView",
    "Photo",
    "Structure",
    "add_logbook_entry",
    "attach_photo",
    "cohort_matrix",
    "competency_table",
    "correct",
    "curriculum_structure",
    "entries_to_check",
    "find_instrument",
    "history",
    "instrument_of",
    "logbook_entries",
    "logbook_outcome",
    "logbook_results",
    "may_verify",
    "may_view",
    "panel_decisions",
    "photo_of",
    "record_checklist",
    "propose_panel_decision",
    "confirm_panel_decision",
    "proposals_to_confirm",
    "overrides",
    "records_of",
    "records_to_verify",
    "require_assessor",
    "results_for",
    "review_logbook_entry",
    "save_checklist",
    "save_paper_test",
    "submit_draft",
    "verified_logbook_counts",
    "verify",
]
