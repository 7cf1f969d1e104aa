"""What an instructor has waiting in assessing: the trainees still to assess on each
observation instrument of the running cohorts they teach, and their queue (results to verify,
logbook entries to check, panel decisions to confirm) without their own records, which only
someone else may act on."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...curricula.models import Instrument
from ...curricula.spec import InstrumentType
from ...extensions import db
from ...navigation import Fact, Todo
from ...training.models import Cohort, CohortStatus, Enrolment, EnrolmentStatus
from ...training.todo import both, cohort_group, taught_by
from ...users.models import User
from ..models import (
    AssessmentRecord,
    EntryStatus,
    LogbookEntry,
    PanelDecision,
    PanelStatus,
    RecordStatus,
)

MOST = 10  # cohorts listed; past that, one more item leads to the list of cohorts
FOLD = 3  # a cohort's instruments to assess listed as they are; more unfold from one item
ROWS = 200  # (cohort, instrument) rows read for the list


def _waiting(user: User, *columns):
    """In SQL: (enrolment, observation instrument) pairs of the running cohorts `user` teaches
    where the enrolled trainee has no passing record on the instrument yet. A record waiting
    for its second assessor counts as assessed: it is in the queue."""
    passed = sa.exists().where(
        AssessmentRecord.enrolment_id == Enrolment.id,
        AssessmentRecord.instrument_id == Instrument.id,
        AssessmentRecord.status == RecordStatus.SUBMITTED,
        AssessmentRecord.superseded.is_(False),
        AssessmentRecord.passed.is_(True),
    )
    return (
        sa.select(*columns)
        .select_from(Cohort)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .join(Instrument, Instrument.curriculum_id == Cohort.curriculum_id)
        .where(
            Cohort.id.in_(taught_by(user)),
            Cohort.status == CohortStatus.RUNNING,
            Enrolment.status == EnrolmentStatus.ENROLLED,
            Enrolment.trainee_id != user.id,  # nobody assesses themselves
            Instrument.type.in_([InstrumentType.DOPS, InstrumentType.OSCE]),
            ~passed,
        )
    )


def _to_assess(user: User) -> list[Todo]:
    """Per running cohort the user teaches and observation instrument of its plan, the
    trainees still to assess on it (two grouped queries). A cohort with more than `FOLD`
    instruments waiting gets one item, its trainees, that unfolds into the instruments."""
    columns = (
        Cohort.id,
        Cohort.title_km,
        Cohort.title_en,
        Instrument.id,
        Instrument.position,
        Instrument.title_km,
        Instrument.title_en,
    )
    rows = db.session.execute(
        _waiting(user, *columns, sa.func.count(Enrolment.id), sa.func.min(Enrolment.id))
        .group_by(*columns)
        .order_by(Cohort.title_en, Cohort.id, Instrument.position, Instrument.id)
        .limit(ROWS)
    ).all()
    trainees = dict(
        db.session.execute(
            _waiting(user, Cohort.id, sa.func.count(sa.distinct(Enrolment.id))).group_by(Cohort.id)
        ).all()
    )
    by_cohort: dict[int, list] = {}
    for row in rows:
        by_cohort.setdefault(row[0], []).append(row)
    found = []
    for cohort_id, instruments in list(by_cohort.items())[:MOST]:
        _id, ckm, cen = instruments[0][:3]
        group = cohort_group(ckm, cen)
        items = tuple(_instrument_item(row, group) for row in instruments)
        if len(items) <= FOLD:
            found += items
            continue
        found.append(
            Todo(
                "to_assess_in_cohort",
                _l("Trainees to assess"),
                "training.show_cohort",
                (("cohort_id", cohort_id),),
                anchor="trainees",
                count=trainees.get(cohort_id, 0),
                group=group,
                facts=(Fact(_l("On %(value)s instruments"), len(items)),),
                children=items,
            )
        )
    if len(by_cohort) > MOST or len(rows) >= ROWS:
        found.append(Todo("more_to_assess", _l("More to assess"), "training.list_cohorts"))
    return found


def _instrument_item(row, group) -> Todo:
    """Trainees to assess on one instrument: the form of the only one, or the cohort's list."""
    cohort_id, _ckm, _cen, instrument_id, _pos, ikm, ien, count, first = row
    if count == 1:
        link = (
            "assessments.record_checklist",
            (("enrolment_id", first), ("instrument_id", instrument_id)),
            None,
        )
    else:
        link = ("training.show_cohort", (("cohort_id", cohort_id),), "trainees")
    return Todo(
        "to_assess",
        _l("Trainees to assess"),
        *link,
        count=count,
        group=group,
        **both(ikm, ien),
    )


def _per_cohort(stmt) -> list[tuple[int, str, str, int]]:
    """(cohort id, titles, count) rows of a count of rows joined to their enrolments."""
    return db.session.execute(
        stmt.add_columns(Cohort.id, Cohort.title_km, Cohort.title_en)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .group_by(Cohort.id, Cohort.title_km, Cohort.title_en)
        .order_by(Cohort.title_en, Cohort.id)
    ).all()


def _queue(user: User) -> list[Todo]:
    """Per cohort the user teaches: results waiting for a second assessor that the user did not
    record, logbook entries to check and panel proposals to confirm that are not the user's
    own (three grouped queries; the user's own can only wait for someone else)."""
    mine = Enrolment.cohort_id.in_(taught_by(user))
    records = _per_cohort(
        sa.select(sa.func.count(AssessmentRecord.id))
        .join(Enrolment, Enrolment.id == AssessmentRecord.enrolment_id)
        .where(
            mine,
            AssessmentRecord.needs_verification.is_(True),
            AssessmentRecord.verified_at.is_(None),
            AssessmentRecord.superseded.is_(False),
            AssessmentRecord.status == RecordStatus.SUBMITTED,
            AssessmentRecord.assessor_id != user.id,
            Enrolment.trainee_id != user.id,
        )
    )
    entries = _per_cohort(
        sa.select(sa.func.count(LogbookEntry.id))
        .join(Enrolment, Enrolment.id == LogbookEntry.enrolment_id)
        .where(
            mine,
            LogbookEntry.status == EntryStatus.PENDING,
            Enrolment.status == EnrolmentStatus.ENROLLED,
            Enrolment.trainee_id != user.id,
        )
    )
    latest = (
        sa.select(sa.func.max(PanelDecision.id))
        .join(Enrolment, Enrolment.id == PanelDecision.enrolment_id)
        .where(mine, Enrolment.status == EnrolmentStatus.ENROLLED)
        .group_by(PanelDecision.enrolment_id, PanelDecision.competency_id)
    )
    proposals = _per_cohort(
        sa.select(sa.func.count(PanelDecision.id))
        .join(Enrolment, Enrolment.id == PanelDecision.enrolment_id)
        .where(
            PanelDecision.id.in_(latest),
            PanelDecision.status == PanelStatus.PROPOSED,
            PanelDecision.decided_by_id != user.id,
            Enrolment.trainee_id != user.id,
        )
    )
    kinds = (
        ("results_to_verify", _l("Results to verify"), records),
        ("logbook_entries_to_check", _l("Logbook entries to check"), entries),
        ("panel_decisions_to_confirm", _l("Panel decisions to confirm"), proposals),
    )
    return [
        Todo(
            code,
            title,
            "assessments.queue",
            (("cohort_id", cohort_id),),
            count=count,
            group=cohort_group(km, en),
        )
        for code, title, rows in kinds
        for count, cohort_id, km, en in rows
    ]


def instructor(user: User, now: datetime) -> list[Todo]:
    """Trainees still to assess, per cohort and instrument, then the queue to check across the
    user's cohorts, without the user's own records (five queries)."""
    return _to_assess(user) + _queue(user)
