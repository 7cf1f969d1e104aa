"""Recording and checking evidence, and deciding competence from it.

Object rules: only instructors of the trainee's cohort (or administrators) assess, nobody
assesses themselves, and a second assessor is never the first one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..audit import services as audit
from ..curricula.models import CaseType, Instrument
from ..curricula.spec import InstrumentType
from ..errors import DomainError, Forbidden
from ..extensions import db
from ..frameworks import services as frameworks
from ..frameworks.models import ScaleLevel
from ..frameworks.spec import Status
from ..i18n import local_date
from ..paging import LRUCache
from ..training import services as training
from ..training.models import Enrolment, EnrolmentStatus
from . import rules
from .models import (
    AssessmentRecord,
    CaseRole,
    ChecklistMark,
    EntryStatus,
    LogbookEntry,
    PanelDecision,
    RecordMethod,
    RecordStatus,
)


def require_assessor(actor, enrolment: Enrolment) -> None:
    """The actor teaches the trainee's cohort (or administers) and is not the trainee."""
    if actor is not None and actor.id == enrolment.trainee_id:
        raise Forbidden(_l("Nobody may assess themselves."))
    training.require_manager(actor, enrolment.cohort)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise DomainError(_l("Only enrolled trainees can be assessed."))


def instrument_of(enrolment: Enrolment, instrument_id: int) -> Instrument:
    """An instrument of the assessment plan of the trainee's curriculum, or DomainError."""
    instrument = db.session.get(Instrument, instrument_id)
    if instrument is None or instrument.curriculum_id != enrolment.cohort.curriculum_id:
        raise DomainError(
            _l("This instrument is not in the curriculum of this cohort."), "instrument_id"
        )
    return instrument


def _scale_values(instrument: Instrument) -> set[int]:
    framework_id = instrument.curriculum.framework_id
    return set(
        db.session.scalars(
            sa.select(ScaleLevel.value).where(ScaleLevel.framework_id == framework_id)
        )
    )


@dataclass
class ChecklistData:
    marks: dict[int, rules.Mark]
    overall_rating: int | None
    assessed_on: date
    comments: str | None = None


def _check_checklist(instrument: Instrument, data: ChecklistData, complete: bool) -> None:
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


def _finish_checklist(record: AssessmentRecord, instrument: Instrument) -> None:
    outcome = rules.checklist_outcome(
        [(item.id, item.critical) for item in instrument.items],
        {m.item_id: m.mark for m in record.marks},
        instrument.min_share_percent or 100,
        instrument.all_critical,
    )
    record.passed, record.share_percent = outcome.passed, outcome.share_percent


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
    _check_checklist(instrument, data, submit)
    record = record or AssessmentRecord(
        enrolment_id=enrolment.id,
        instrument_id=instrument.id,
        method=RecordMethod.CHECKLIST,
        assessor_id=actor.id,
        created_at=now,
        needs_verification=instrument.second_assessor,
    )
    record.assessed_on, record.overall_rating = data.assessed_on, data.overall_rating
    record.comments = data.comments or None
    record.marks = [
        ChecklistMark(item_id=item_id, mark=mark) for item_id, mark in data.marks.items()
    ]
    db.session.add(record)
    if submit:
        _finish_checklist(record, instrument)
        _submit(actor, record, now)
    db.session.flush()
    return record


IMAGE_KINDS = {"png", "jpeg", "webp"}


def attach_photo(
    actor, record: AssessmentRecord, filename: str, data: bytes, folder, max_bytes: int
) -> None:
    """Keep a photo as evidence with a record (pictures only, checked by content)."""
    from .. import uploads
    from ..storage import as_area

    require_assessor(actor, record.enrolment)
    checked = uploads.check_upload(filename, data, max_bytes)
    if checked.kind not in IMAGE_KINDS:
        raise DomainError(_l("The photo must be a PNG, JPEG or WebP picture."), "photo")
    old = record.photo_token
    store = as_area(folder)
    record.photo_token = store.put(data, checked.sha256)
    if old:
        store.delete(old)


def _checked_score(score_percent: float) -> float:
    """A paper-test score as kept: a percentage from 0 to 100, to one decimal."""
    if not 0 <= score_percent <= 100:
        raise DomainError(_l("The score is a percentage from 0 to 100."), "score_percent")
    return round(score_percent, 1)


def save_paper_test(
    actor,
    enrolment: Enrolment,
    instrument: Instrument,
    score_percent: float,
    assessed_on: date,
    comments: str | None,
    now: datetime,
) -> AssessmentRecord:
    """Record the score of a knowledge test taken on paper; the pass mark decides."""
    require_assessor(actor, enrolment)
    if instrument.type != InstrumentType.KNOWLEDGE_TEST:
        raise DomainError(_l("This instrument is not a knowledge test."), "instrument_id")
    score_percent = _checked_score(score_percent)
    record = AssessmentRecord(
        enrolment_id=enrolment.id,
        instrument_id=instrument.id,
        method=RecordMethod.PAPER_TEST,
        assessor_id=actor.id,
        created_at=now,
        needs_verification=instrument.second_assessor,
        assessed_on=assessed_on,
        score_percent=score_percent,
        comments=comments or None,
        passed=rules.paper_test_passed(score_percent, instrument.pass_mark_percent or 100),
    )
    db.session.add(record)
    _submit(actor, record, now)
    db.session.flush()
    return record


def _submit(actor, record: AssessmentRecord, now: datetime) -> None:
    record.status = RecordStatus.SUBMITTED
    record.submitted_at = now
    db.session.flush()
    audit.record(
        actor,
        "assessment.submitted",
        "assessment",
        record.id,
        {
            "enrolment": record.enrolment_id,
            "instrument": record.instrument_id,
            "passed": record.passed,
            "corrects": record.corrects_id,
        },
        now=now,
    )


def submit_draft(actor, record: AssessmentRecord, now: datetime) -> None:
    """Submit a checklist saved as a draft (all items marked, a rating given)."""
    data = ChecklistData(
        {m.item_id: m.mark for m in record.marks},
        record.overall_rating,
        record.assessed_on,
        record.comments,
    )
    save_checklist(actor, record.enrolment, record.instrument, data, True, now, record)


def verify(actor, record: AssessmentRecord, now: datetime) -> None:
    """A second instructor confirms a result that needs it; never the first assessor."""
    training.require_manager(actor, record.enrolment.cohort)
    if not record.needs_verification or record.status != RecordStatus.SUBMITTED:
        raise DomainError(_l("This record does not wait for verification."))
    if record.verified_at is not None:
        raise DomainError(_l("This record was already verified."))
    if record.superseded:
        raise DomainError(_l("This record was corrected; verify the correction instead."))
    if actor is not None and actor.id in (record.assessor_id, record.enrolment.trainee_id):
        raise DomainError(_l("A second assessor must be someone other than the first."))
    record.verified_by_id, record.verified_at = getattr(actor, "id", None), now
    audit.record(actor, "assessment.verified", "assessment", record.id, now=now)


def correct(
    actor,
    record: AssessmentRecord,
    reason: str,
    now: datetime,
    data: ChecklistData | None = None,
    score_percent: float | None = None,
) -> AssessmentRecord:
    """Replace a submitted record by a new version with a reason; the old one is kept."""
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason for the correction."), "reason")
    if record.status != RecordStatus.SUBMITTED or record.superseded:
        raise DomainError(_l("Only the current submitted record can be corrected."))
    enrolment, instrument = record.enrolment, record.instrument
    if record.method == RecordMethod.CHECKLIST:
        new = save_checklist(actor, enrolment, instrument, data, False, now)
    else:
        require_assessor(actor, enrolment)
        score_percent = _checked_score(score_percent)
        new = AssessmentRecord(
            enrolment_id=enrolment.id,
            instrument_id=instrument.id,
            method=RecordMethod.PAPER_TEST,
            assessor_id=actor.id,
            created_at=now,
            assessed_on=record.assessed_on,
            needs_verification=instrument.second_assessor,
            score_percent=score_percent,
            passed=rules.paper_test_passed(score_percent, instrument.pass_mark_percent or 100),
        )
        db.session.add(new)
    new.corrects_id, new.correction_reason = record.id, reason.strip()
    record.superseded = True
    if record.method == RecordMethod.CHECKLIST:
        _check_checklist(instrument, data, True)
        _finish_checklist(new, instrument)
    _submit(actor, new, now)
    return new


def history(record: AssessmentRecord) -> list[AssessmentRecord]:
    """The record and every version it corrected, newest first."""
    chain, current = [], record
    while current is not None:
        chain.append(current)
        current = current.corrects
    return chain


# --- Logbooks -----------------------------------------------------------------------------


def add_logbook_entry(
    trainee,
    enrolment: Enrolment,
    instrument: Instrument,
    case_type_id: int,
    case_date: date,
    facility_id: int | None,
    reference: str,
    role: CaseRole,
    now: datetime,
) -> LogbookEntry:
    """A trainee records a case in their own logbook."""
    if trainee.id != enrolment.trainee_id or enrolment.status != EnrolmentStatus.ENROLLED:
        raise Forbidden(_l("Only the enrolled trainee writes in this logbook."))
    if instrument.type != InstrumentType.LOGBOOK:
        raise DomainError(_l("This instrument is not a logbook."), "instrument_id")
    case_type = db.session.get(CaseType, case_type_id)
    if case_type is None or case_type.instrument_id != instrument.id:
        raise DomainError(_l("Choose a case type of this logbook."), "case_type_id")
    if case_date > local_date(now):
        raise DomainError(_l("The case date cannot be in the future."), "case_date")
    reference = (reference or "").strip()
    if not 1 <= len(reference) <= 40:
        raise DomainError(
            _l("Give an anonymous reference of at most 40 characters, never the patient's name."),
            "reference",
        )
    entry = LogbookEntry(
        enrolment_id=enrolment.id,
        instrument_id=instrument.id,
        case_type_id=case_type.id,
        case_date=case_date,
        facility_id=facility_id,
        reference=reference,
        role=role,
        created_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def review_logbook_entry(
    actor, entry: LogbookEntry, accept: bool, note: str | None, now: datetime
) -> None:
    """An instructor of the cohort verifies or rejects a pending entry."""
    enrolment = db.session.get(Enrolment, entry.enrolment_id)
    require_assessor(actor, enrolment)
    if entry.status != EntryStatus.PENDING:
        raise DomainError(_l("This entry was already reviewed."))
    if not accept and not (note or "").strip():
        raise DomainError(_l("Say why the entry is rejected."), "note")
    entry.status = EntryStatus.VERIFIED if accept else EntryStatus.REJECTED
    entry.reviewed_by_id, entry.reviewed_at, entry.review_note = actor.id, now, note or None
    audit.record(
        actor, "logbook.reviewed", "logbook_entry", entry.id, {"accepted": accept}, now=now
    )


def logbook_outcome(enrolment: Enrolment, instrument: Instrument) -> rules.LogbookOutcome:
    counts = verified_logbook_counts([enrolment.id]).get((enrolment.id, instrument.id), {})
    return rules.logbook_outcome([(c.id, c.min_count) for c in instrument.case_types], counts)


def verified_logbook_counts(enrolment_ids: list[int]) -> dict[tuple[int, int], dict[int, int]]:
    """(enrolment id, instrument id) -> case type id -> verified entries, in one query."""
    counts: dict[tuple[int, int], dict[int, int]] = {}
    for enrolment_id, instrument_id, case_type_id, count in db.session.execute(
        sa.select(
            LogbookEntry.enrolment_id,
            LogbookEntry.instrument_id,
            LogbookEntry.case_type_id,
            sa.func.count(),
        )
        .where(
            LogbookEntry.enrolment_id.in_(enrolment_ids),
            LogbookEntry.status == EntryStatus.VERIFIED,
        )
        .group_by(LogbookEntry.enrolment_id, LogbookEntry.instrument_id, LogbookEntry.case_type_id)
    ):
        counts.setdefault((enrolment_id, instrument_id), {})[case_type_id] = count
    return counts


# --- Panel decisions and competency states ------------------------------------------------


def record_panel_decision(
    actor, enrolment: Enrolment, competency_id: int, achieved: bool, reason: str, now: datetime
) -> PanelDecision:
    """A panel of the cohort's instructors overrides the computed state, with a reason."""
    require_assessor(actor, enrolment)
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason for the panel's decision."), "reason")
    framework_id = enrolment.cohort.curriculum.framework_id
    from ..frameworks.models import Competency

    competency = db.session.get(Competency, competency_id)
    if competency is None or competency.framework_id != framework_id:
        raise DomainError(
            _l("Choose a competency of this curriculum's framework."), "competency_id"
        )
    decision = PanelDecision(
        enrolment_id=enrolment.id,
        competency_id=competency.id,
        achieved=achieved,
        reason=reason.strip(),
        decided_by_id=actor.id,
        decided_at=now,
    )
    db.session.add(decision)
    db.session.flush()
    audit.record(
        actor,
        "competency.panel_decision",
        "enrolment",
        enrolment.id,
        {"competency": competency.code, "achieved": achieved},
        now=now,
    )
    return decision


def results_for(enrolment_ids: list[int]) -> dict[int, list[rules.Result]]:
    """Counted results per enrolment: checklists and paper tests, online tests, logbooks."""
    from .online_tests import online_results

    found: dict[int, list[rules.Result]] = {e: [] for e in enrolment_ids}
    # Columns only: the matrix reads thousands of records and needs five values of each.
    rows = db.session.execute(
        sa.select(
            AssessmentRecord.enrolment_id,
            AssessmentRecord.instrument_id,
            AssessmentRecord.submitted_at,
            AssessmentRecord.passed,
            AssessmentRecord.overall_rating,
        ).where(
            AssessmentRecord.enrolment_id.in_(enrolment_ids),
            AssessmentRecord.status == RecordStatus.SUBMITTED,
            AssessmentRecord.superseded.is_(False),
            sa.or_(
                AssessmentRecord.needs_verification.is_(False),
                AssessmentRecord.verified_at.is_not(None),
            ),
        )
    )
    for enrolment_id, instrument_id, submitted_at, passed, rating in rows:
        found[enrolment_id].append(rules.Result(instrument_id, submitted_at, bool(passed), rating))
    for enrolment_id, result in online_results(enrolment_ids):
        found[enrolment_id].append(result)
    for enrolment_id, result in _logbook_results(enrolment_ids):
        found[enrolment_id].append(result)
    return found


def _logbook_results(enrolment_ids: list[int]):
    rows = db.session.execute(
        sa.select(
            LogbookEntry.enrolment_id,
            LogbookEntry.instrument_id,
            LogbookEntry.case_type_id,
            sa.func.count(),
            sa.func.max(LogbookEntry.reviewed_at),
        )
        .where(
            LogbookEntry.enrolment_id.in_(enrolment_ids),
            LogbookEntry.status == EntryStatus.VERIFIED,
        )
        .group_by(LogbookEntry.enrolment_id, LogbookEntry.instrument_id, LogbookEntry.case_type_id)
    ).all()
    if not rows:
        return []
    instruments = {
        i.id: i
        for i in db.session.scalars(
            sa.select(Instrument)
            .options(selectinload(Instrument.case_types))
            .where(Instrument.id.in_({r[1] for r in rows}))
        )
    }
    counts: dict[tuple[int, int], dict[int, int]] = {}
    latest: dict[tuple[int, int], datetime] = {}
    for enrolment_id, instrument_id, case_type_id, count, at in rows:
        counts.setdefault((enrolment_id, instrument_id), {})[case_type_id] = count
        latest[(enrolment_id, instrument_id)] = max(
            at, latest.get((enrolment_id, instrument_id), at)
        )
    out = []
    for (enrolment_id, instrument_id), verified in counts.items():
        instrument = instruments[instrument_id]
        outcome = rules.logbook_outcome(
            [(c.id, c.min_count) for c in instrument.case_types], verified
        )
        out.append(
            (
                enrolment_id,
                rules.Result(
                    instrument_id, latest[(enrolment_id, instrument_id)], outcome.complete
                ),
            )
        )
    return out


@dataclass
class CompetencyTable:
    """Competency outcomes of several enrolments in one curriculum (the cohort matrix)."""

    competencies: list  # Competency rows in tree order: required ones and all assessed ones
    required: set[int]
    outcomes: dict[int, dict[int, rules.CompetencyOutcome]]  # enrolment id -> competency id
    framework: dict[int, object]  # every competency of the framework by id (for domains)


@dataclass(frozen=True)
class CompetencyView:
    """A competency as plain values, safe to keep between requests."""

    id: int
    framework_id: int
    parent_id: int | None
    code: str
    title_km: str | None
    title_en: str
    description_km: str | None
    description_en: str | None
    critical: bool
    depth: int
    position: int


@dataclass(frozen=True)
class Structure:
    """What a curriculum version assesses: instruments by competency, the required
    competencies, the relevant ones in framework order, and the whole framework by id."""

    mapped: dict[int, list[int]]
    required: frozenset[int]
    competencies: tuple[CompetencyView, ...]
    framework: dict[int, CompetencyView]


# Published and retired versions never change: their structure is read once per process.
_structures = LRUCache(256)


def curriculum_structure(curriculum) -> Structure:
    """The curriculum's `Structure` (three queries, or none once a published one is known)."""
    from ..curricula.models import curriculum_requirements, instrument_competencies

    key = (curriculum.id, curriculum.content_hash)
    keep = curriculum.status in (Status.PUBLISHED, Status.RETIRED)
    found = _structures.get(key) if keep else None
    if found is not None:
        return found
    mapped: dict[int, list[int]] = {}
    for instrument_id, competency_id in db.session.execute(
        sa.select(instrument_competencies.c.instrument_id, instrument_competencies.c.competency_id)
        .join(Instrument, Instrument.id == instrument_competencies.c.instrument_id)
        .where(Instrument.curriculum_id == curriculum.id)
    ):
        mapped.setdefault(competency_id, []).append(instrument_id)
    required = frozenset(
        db.session.scalars(
            sa.select(curriculum_requirements.c.competency_id).where(
                curriculum_requirements.c.curriculum_id == curriculum.id
            )
        )
    )
    ids = required | set(mapped)
    framework = [
        CompetencyView(**{f: getattr(c, f) for f in CompetencyView.__dataclass_fields__})
        for c in frameworks.competencies_of(curriculum.framework_id)
    ]
    found = Structure(
        mapped,
        required,
        tuple(c for c in frameworks.in_tree_order(framework) if c.id in ids),
        {c.id: c for c in framework},
    )
    if keep:
        _structures.put(key, found)
    return found


def competency_table(
    curriculum, enrolment_ids: list[int], results: dict[int, list] | None = None
) -> CompetencyTable:
    """Decide every relevant competency for every enrolment (a fixed number of queries).
    `results`: `results_for` these enrolments (or more), when the caller has read them."""
    structure = curriculum_structure(curriculum)
    mapped, competencies = structure.mapped, structure.competencies
    if results is None:
        results = results_for(enrolment_ids) if enrolment_ids else {}
    panels: dict[tuple[int, int], rules.PanelDecision] = {}
    for decision in db.session.scalars(
        sa.select(PanelDecision)
        .where(PanelDecision.enrolment_id.in_(enrolment_ids))
        .order_by(PanelDecision.id)
    ):
        panels[(decision.enrolment_id, decision.competency_id)] = rules.PanelDecision(
            decision.achieved, decision.decided_at, decision.reason
        )
    rule = curriculum.competency_rule
    outcomes = {
        e: {
            c.id: rules.decide_competency(
                rule, mapped.get(c.id, []), results.get(e, []), panels.get((e, c.id))
            )
            for c in competencies
        }
        for e in enrolment_ids
    }
    return CompetencyTable(list(competencies), structure.required, outcomes, structure.framework)
