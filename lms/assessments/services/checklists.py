"""Observation checklists (DOPS and OSCE stations): drafts, submission, photo evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ... import uploads
from ...curricula.models import Instrument
from ...curricula.spec import InstrumentType
from ...errors import DomainError
from ...extensions import db
from ...frameworks.models import ScaleLevel
from ...storage import as_area
from ...training.models import Enrolment
from .. import rules
from ..models import AssessmentRecord, ChecklistMark, RecordMethod, RecordStatus
from .records import mark_submitted, new_record, require_assessor

IMAGE_KINDS = {"png", "jpeg", "webp"}


@dataclass
class ChecklistData:
    """What an assessor marked on a checklist: item id -> mark, the rating, the day."""

    marks: dict[int, rules.Mark]
    overall_rating: int | None
    assessed_on: date
    comments: str | None = None


@dataclass(frozen=True)
class Photo:
    """A picture sent as evidence with a checklist, before it is checked."""

    filename: str
    data: bytes


def _scale_values(instrument: Instrument) -> set[int]:
    framework_id = instrument.curriculum.framework_id
    return set(
        db.session.scalars(
            sa.select(ScaleLevel.value).where(ScaleLevel.framework_id == framework_id)
        )
    )


def check_checklist(instrument: Instrument, data: ChecklistData, complete: bool) -> None:
    """Refuse marks for items the checklist lacks and a rating off the scale; `complete`
    (submitting) also needs every item marked and a rating."""
    if not InstrumentType(instrument.type.value).has_checklist:
        raise DomainError(_l("This instrument is not a checklist."), "instrument_id")
    item_ids = {item.id for item in instrument.items}
    if set(data.marks) - item_ids:
        raise DomainError(_l("A mark was given for an item this checklist does not have."))
    if complete and set(data.marks) != item_ids:
        raise DomainError(_l("Mark every item before submitting."), "marks")
    if data.overall_rating is not None and data.overall_rating not in _scale_values(instrument):
        raise DomainError(
            _l("The rating is not a level of the proficiency scale."), "overall_rating"
        )
    if complete and data.overall_rating is None:
        raise DomainError(_l("Give an overall rating before submitting."), "overall_rating")


def _outcome(record: AssessmentRecord, instrument: Instrument) -> rules.ChecklistOutcome:
    return rules.checklist_outcome(
        [(item.id, item.critical) for item in instrument.items],
        {m.item_id: m.mark for m in record.marks},
        instrument.min_share_percent or 100,
        instrument.all_critical,
    )


def finish_checklist(record: AssessmentRecord, instrument: Instrument) -> None:
    """Decide by the pass rule whether the record's marks pass, and the share done."""
    outcome = _outcome(record, instrument)
    record.passed, record.share_percent = outcome.passed, outcome.share_percent


@dataclass(frozen=True)
class WhyNotPassed:
    """Why a submitted checklist record did not pass, for its page to say."""

    critical_missed: tuple[int, ...]  # numbers (1, 2…) of critical items not done
    share_percent: float | None  # the share done, when below the pass mark
    min_share_percent: int


def why_not_passed(record: AssessmentRecord) -> WhyNotPassed | None:
    """For a checklist record that did not pass: which critical items were missed, and the
    share done when below the pass mark (None for a passed record, or another method)."""
    if record.passed or not record.marks:
        return None
    instrument = record.instrument
    outcome = _outcome(record, instrument)
    numbers = {item.id: n for n, item in enumerate(instrument.items, start=1)}
    minimum = instrument.min_share_percent or 100
    below = outcome.share_percent if (outcome.share_percent or 0) < minimum else None
    missed = tuple(numbers[i] for i in outcome.missed_critical) if instrument.all_critical else ()
    return WhyNotPassed(missed, below, minimum)


def save_checklist(
    actor,
    enrolment: Enrolment,
    instrument: Instrument,
    data: ChecklistData,
    submit: bool,
    now: datetime,
    record: AssessmentRecord | None = None,
) -> AssessmentRecord:
    """Save a checklist (DOPS or OSCE) as a draft, or submit it; the pass rule decides."""
    require_assessor(actor, enrolment)
    if record is not None and record.status != RecordStatus.DRAFT:
        raise DomainError(_l("A submitted record is never edited. Make a correction instead."))
    check_checklist(instrument, data, submit)
    if record is None:
        record = new_record(actor, enrolment, instrument, RecordMethod.CHECKLIST, now)
    record.assessed_on, record.overall_rating = data.assessed_on, data.overall_rating
    record.comments = data.comments or None
    record.marks = [
        ChecklistMark(item_id=item_id, mark=mark) for item_id, mark in data.marks.items()
    ]
    if submit:
        finish_checklist(record, instrument)
        mark_submitted(actor, record, now)
    db.session.flush()
    return record


def record_checklist(
    actor,
    enrolment: Enrolment,
    instrument: Instrument,
    data: ChecklistData,
    submit: bool,
    now: datetime,
    photo: Photo | None,
    folder,
    max_bytes: int,
) -> AssessmentRecord:
    """Save or submit a checklist with its photo evidence, if any: both or neither."""
    record = save_checklist(actor, enrolment, instrument, data, submit, now)
    if photo is not None:
        attach_photo(actor, record, photo.filename, photo.data, folder, max_bytes)
    return record


def submit_draft(actor, record: AssessmentRecord, now: datetime) -> None:
    """Submit a checklist saved as a draft (all items marked, a rating given)."""
    data = ChecklistData(
        {m.item_id: m.mark for m in record.marks},
        record.overall_rating,
        record.assessed_on,
        record.comments,
    )
    save_checklist(actor, record.enrolment, record.instrument, data, True, now, record)


def attach_photo(
    actor, record: AssessmentRecord, filename: str, data: bytes, folder, max_bytes: int
) -> None:
    """Keep a photo as evidence with a record (pictures only, checked by content)."""
    require_assessor(actor, record.enrolment)
    checked = uploads.check_upload(filename, data, max_bytes)
    if checked.kind not in IMAGE_KINDS:
        raise DomainError(_l("The photo must be a PNG, JPEG or WebP picture."), "photo")
    old = record.photo_token
    store = as_area(folder)
    record.photo_token = store.put(data, checked.sha256)
    if old:
        store.delete(old)


def photo_of(record: AssessmentRecord, folder) -> tuple[bytes, str] | None:
    """The record's photo evidence and its media type, or None when it has none (or the
    stored file is gone or no longer a picture)."""
    if not record.photo_token:
        return None
    try:
        data = as_area(folder).read(record.photo_token)
    except (FileNotFoundError, ValueError):
        return None
    kind = uploads.sniff(data)
    if kind not in IMAGE_KINDS:
        return None
    return data, uploads.ALLOWED[kind].mime_type
