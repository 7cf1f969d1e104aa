"""Logbooks: trainees record the cases they saw, instructors verify them, minimums count."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ...audit import services as audit
from ...curricula.models import CaseType, Instrument
from ...curricula.spec import InstrumentType
from ...errors import DomainError, Forbidden
from ...extensions import db
from ...i18n import local_date
from ...training.models import Cohort, Enrolment, EnrolmentStatus
from .. import rules
from ..models import CaseRole, EntryStatus, LogbookEntry
from .records import require_assessor


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
    audit.record(actor, "logbook.reviewed", entry, now=now, accepted=accept)


def logbook_entries(
    enrolment: Enrolment, instrument: Instrument | None = None
) -> list[LogbookEntry]:
    """The enrolment's logbook entries (of one logbook, when `instrument` is given), the
    latest cases first."""
    stmt = sa.select(LogbookEntry).where(LogbookEntry.enrolment_id == enrolment.id)
    if instrument is not None:
        stmt = stmt.where(LogbookEntry.instrument_id == instrument.id)
    return list(db.session.scalars(stmt.order_by(LogbookEntry.case_date.desc())))


def entries_to_check(cohort: Cohort) -> list[LogbookEntry]:
    """The cohort's logbook entries that wait for an instructor, oldest first."""
    return list(
        db.session.scalars(
            sa.select(LogbookEntry)
            .join(Enrolment)
            .where(Enrolment.cohort_id == cohort.id, LogbookEntry.status == EntryStatus.PENDING)
            .order_by(LogbookEntry.created_at)
        )
    )


def logbook_outcome(enrolment: Enrolment, instrument: Instrument) -> rules.LogbookOutcome:
    """How far one logbook of an enrolment is: verified cases against each minimum."""
    counts = verified_logbook_counts([enrolment.id]).get((enrolment.id, instrument.id), {})
    return rules.logbook_outcome([(c.id, c.min_count) for c in instrument.case_types], counts)


def _verified_cases(enrolment_ids: list[int]):
    """(enrolment id, instrument id, case type id, verified entries, last review) rows."""
    return db.session.execute(
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


def verified_logbook_counts(enrolment_ids: list[int]) -> dict[tuple[int, int], dict[int, int]]:
    """(enrolment id, instrument id) -> case type id -> verified entries, in one query."""
    counts: dict[tuple[int, int], dict[int, int]] = {}
    for enrolment_id, instrument_id, case_type_id, count, _at in _verified_cases(enrolment_ids):
        counts.setdefault((enrolment_id, instrument_id), {})[case_type_id] = count
    return counts


def logbook_results(enrolment_ids: list[int]) -> list[tuple[int, rules.Result]]:
    """(enrolment id, result) for every logbook with verified cases: complete or not, as of
    its last review."""
    rows = _verified_cases(enrolment_ids)
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
        key = (enrolment_id, instrument_id)
        counts.setdefault(key, {})[case_type_id] = count
        latest[key] = max(at, latest.get(key, at))
    out = []
    for (enrolment_id, instrument_id), verified in counts.items():
        case_types = instruments[instrument_id].case_types
        outcome = rules.logbook_outcome([(c.id, c.min_count) for c in case_types], verified)
        at = latest[(enrolment_id, instrument_id)]
        out.append((enrolment_id, rules.Result(instrument_id, at, outcome.complete)))
    return out
