"""Corrections: a submitted record is replaced by a new version with a reason, never edited."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from ... import events
from ...errors import DomainError
from ..models import AssessmentRecord, RecordMethod, RecordStatus
from .checklists import ChecklistData, check_checklist, finish_checklist, save_checklist
from .paper_tests import paper_record
from .records import mark_submitted, require_assessor


def correct(
    actor,
    record: AssessmentRecord,
    reason: str,
    now: datetime,
    data: ChecklistData | None = None,
    score_percent: float | None = None,
) -> AssessmentRecord:
    """Replace a submitted record by a new version with a reason; the old one is kept.
    A checklist takes the corrected `data`, a paper test the corrected `score_percent`."""
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason for the correction."), "reason")
    if record.status != RecordStatus.SUBMITTED or record.superseded:
        raise DomainError(_l("Only the current submitted record can be corrected."))
    enrolment, instrument = record.enrolment, record.instrument
    if record.method == RecordMethod.CHECKLIST:
        new = save_checklist(actor, enrolment, instrument, data, False, now)
    else:
        require_assessor(actor, enrolment)
        if score_percent is None:
            raise DomainError(_l("Give the corrected score."), "score_percent")
        new = paper_record(actor, enrolment, instrument, score_percent, record.assessed_on, now)
    new.corrects_id, new.correction_reason = record.id, reason.strip()
    record.superseded = True
    if record.method == RecordMethod.CHECKLIST:
        check_checklist(instrument, data, True)
        finish_checklist(new, instrument)
    mark_submitted(actor, new, now)
    events.evidence_changed(actor, enrolment, f"record of {instrument.code} corrected", now)
    return new
