"""Assessment rounds: who is next at a checklist station (DOPS or OSCE), and which station is
next for a trainee.

A trainee still waits at a station until they have a submitted record that passed on it; one
assessed there today (a draft or a result) is not offered again the same day, so that an
examiner going round the cohort reaches everyone once before anyone comes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...curricula.models import Instrument
from ...curricula.spec import InstrumentType
from ...enums import LabelledEnum
from ...extensions import db
from ...training import services as training
from ...training.models import Cohort, Enrolment, EnrolmentStatus
from ..models import AssessmentRecord, RecordStatus


class RoundState(LabelledEnum):
    WAITING = "waiting", _l("Still to assess"), "warn", "…"
    TODAY = "today", _l("Assessed today"), "neutral", "•"
    PASSED = "passed", _l("Passed"), "ok", "✓"


@dataclass(frozen=True)
class Standing:
    """Where one enrolled trainee stands at one station."""

    enrolment: Enrolment
    state: RoundState


@dataclass(frozen=True)
class Station:
    """A checklist instrument of the cohort's curriculum and its trainees, by name."""

    instrument: Instrument
    standings: tuple[Standing, ...]

    def count(self, state: RoundState) -> int:
        return sum(1 for s in self.standings if s.state == state)

    @property
    def waiting(self) -> int:
        return self.count(RoundState.WAITING)

    @property
    def counts(self) -> dict[RoundState, int]:
        """How many trainees are in each state (every state, zero included)."""
        return {state: self.count(state) for state in RoundState}


def is_station(instrument: Instrument) -> bool:
    """Whether the instrument is assessed with a checklist (a DOPS or an OSCE station)."""
    return InstrumentType(instrument.type.value).has_checklist


def states(
    enrolment_ids: Sequence[int], instrument_ids: Sequence[int], today: date
) -> dict[tuple[int, int], RoundState]:
    """(enrolment id, instrument id) -> its state, for every pair (one query)."""
    found = {(e, i): RoundState.WAITING for e in enrolment_ids for i in instrument_ids}
    if not found:
        return found
    rows = db.session.execute(
        sa.select(
            AssessmentRecord.enrolment_id,
            AssessmentRecord.instrument_id,
            AssessmentRecord.status,
            AssessmentRecord.passed,
            AssessmentRecord.assessed_on,
        ).where(
            AssessmentRecord.enrolment_id.in_(enrolment_ids),
            AssessmentRecord.instrument_id.in_(instrument_ids),
            AssessmentRecord.superseded.is_(False),
        )
    )
    for enrolment_id, instrument_id, status, passed, assessed_on in rows:
        key = (enrolment_id, instrument_id)
        if status == RecordStatus.SUBMITTED and passed:
            found[key] = RoundState.PASSED
        elif assessed_on == today and found[key] == RoundState.WAITING:
            found[key] = RoundState.TODAY
    return found


def _assessable(actor, cohort: Cohort) -> list[Enrolment]:
    """The cohort's enrolled trainees by name, without the actor (nobody assesses themselves)."""
    return [
        e
        for e in training.roster(cohort)
        if e.status == EnrolmentStatus.ENROLLED and getattr(actor, "id", None) != e.trainee_id
    ]


def stations(actor, cohort: Cohort, today: date) -> list[Station]:
    """Every checklist station of the cohort's curriculum in plan order, with where each
    trainee stands at it (a fixed number of queries)."""
    instruments = [i for i in cohort.curriculum.instruments if is_station(i)]
    enrolled = _assessable(actor, cohort)
    found = states([e.id for e in enrolled], [i.id for i in instruments], today)
    return [
        Station(i, tuple(Standing(e, found[(e.id, i.id)]) for e in enrolled)) for i in instruments
    ]


def station(actor, cohort: Cohort, instrument: Instrument, today: date) -> Station:
    """One station of the cohort and where each trainee stands at it."""
    enrolled = _assessable(actor, cohort)
    found = states([e.id for e in enrolled], [instrument.id], today)
    return Station(instrument, tuple(Standing(e, found[(e.id, instrument.id)]) for e in enrolled))


def next_waiting(order: Sequence[int], waiting: set[int], after: int | None) -> int | None:
    """The first of `order` in `waiting` that comes after `after`, going round to the start
    (never `after` itself); from the start when `after` is None or not in `order`."""
    start = order.index(after) + 1 if after in order else 0
    for candidate in [*order[start:], *order[:start]]:
        if candidate in waiting and candidate != after:
            return candidate
    return None


def next_trainee(actor, enrolment: Enrolment, instrument: Instrument, today: date):
    """The next trainee of the cohort (by name, after this one) still waiting at the
    instrument's station: their enrolment, or None when nobody else waits."""
    found = station(actor, enrolment.cohort, instrument, today)
    return first_waiting(found, enrolment.id)


def first_waiting(found: Station, after: int | None = None) -> Enrolment | None:
    """The first trainee still waiting at the station after enrolment `after` (or at all)."""
    by_id = {s.enrolment.id: s for s in found.standings}
    waiting = {e for e, s in by_id.items() if s.state == RoundState.WAITING}
    chosen = next_waiting(list(by_id), waiting, after)
    return by_id[chosen].enrolment if chosen is not None else None


def next_station(enrolment: Enrolment, instrument: Instrument, today: date) -> Instrument | None:
    """The next checklist station of the plan (after this one, going round) that the same
    trainee still waits at, or None."""
    instruments = [i for i in enrolment.cohort.curriculum.instruments if is_station(i)]
    found = states([enrolment.id], [i.id for i in instruments], today)
    waiting = {i.id for i in instruments if found[(enrolment.id, i.id)] == RoundState.WAITING}
    chosen = next_waiting([i.id for i in instruments], waiting, instrument.id)
    return next((i for i in instruments if i.id == chosen), None)


def saved_at_station(record_id: int | None, cohort: Cohort, instrument: Instrument):
    """The record `record_id` when it is one of this cohort's at this station (to confirm
    what was just saved, from an id in the address), else None."""
    if record_id is None:
        return None
    record = db.session.get(AssessmentRecord, record_id)
    if record is None or record.instrument_id != instrument.id:
        return None
    return record if record.enrolment.cohort_id == cohort.id else None
