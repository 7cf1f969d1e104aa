"""Enrolment: places given by managers, requests to join, withdrawals, CSV lists, rosters."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ... import csvio
from ...audit import services as audit
from ...auth.roles import Role
from ...database import acquire_lock
from ...errors import DomainError, Forbidden, ImportRejected, RowError
from ...extensions import db
from ...i18n import local_date, utc_moment
from ...users.models import Sex, User
from ..models import Cohort, CohortStatus, Enrolment, EnrolmentEvent, EnrolmentStatus
from .cohorts import enrolled_count, enrolment_of, manages, require_manager
from .finding import find_trainee

NO_ACCOUNT = _l("No account has this login name, email, licence number or name.")
NOT_A_TRAINEE = _l("Only active accounts with the trainee role can be enrolled.")
ALREADY_ENROLLED = _l("This trainee is already enrolled in this cohort.")


def _move(enrolment: Enrolment, to: EnrolmentStatus, actor, now, reason=None) -> None:
    enrolment.events.append(
        EnrolmentEvent(
            at=now,
            actor_id=getattr(actor, "id", None),
            from_status=enrolment.status if enrolment.id else None,
            to_status=to,
            reason=reason,
        )
    )
    enrolment.status = to
    enrolment.updated_at = now


def _place_of(
    trainee: User, cohort: Cohort, enrolment: Enrolment | None, status: EnrolmentStatus
) -> Enrolment:
    """The trainee's existing enrolment row, or a new one (one row per trainee and cohort)."""
    if enrolment is None:
        enrolment = Enrolment(cohort_id=cohort.id, trainee_id=trainee.id, status=status)
        db.session.add(enrolment)
    return enrolment


def _check_place(cohort: Cohort, extra: int = 1) -> None:
    acquire_lock(f"cohort:{cohort.id}")  # two instructors must not fill the last place twice
    if enrolled_count(cohort.id) + extra > cohort.capacity:
        raise DomainError(_l("The cohort is full (%(n)s places).", n=cohort.capacity))


def _is_trainee(user: User) -> bool:
    return user.active and user.has_role(Role.TRAINEE)


def enrol(actor, cohort: Cohort, trainee: User, now: datetime) -> Enrolment:
    """Enrol a trainee (by a manager); a request, refusal or withdrawal becomes an enrolment."""
    require_manager(actor, cohort)
    if cohort.status == CohortStatus.CLOSED:
        raise DomainError(_l("This cohort is closed."))
    if not _is_trainee(trainee):
        raise DomainError(NOT_A_TRAINEE, "trainee")
    enrolment = enrolment_of(trainee, cohort)
    if enrolment is not None and enrolment.is_enrolled:
        raise DomainError(ALREADY_ENROLLED, "trainee")
    _check_place(cohort)
    enrolment = _place_of(trainee, cohort, enrolment, EnrolmentStatus.ENROLLED)
    _move(enrolment, EnrolmentStatus.ENROLLED, actor, now)
    db.session.flush()
    audit.record(
        actor,
        "enrolment.enrolled",
        enrolment,
        now=now,
        cohort=cohort.code,
        trainee=trainee.username,
    )
    return enrolment


def enrol_named(
    actor, cohort: Cohort, identifier: str, now: datetime, council: str | None = None
) -> Enrolment:
    """Enrol the trainee whose login name, email or licence number is `identifier` (of
    `council`, by code, when a licence number is shared)."""
    trainee = find_trainee(identifier, council)
    if trainee is None:
        raise DomainError(NO_ACCOUNT, "trainee")
    return enrol(actor, cohort, trainee, now)


def request_to_join(trainee: User, cohort: Cohort, now: datetime) -> Enrolment:
    """A trainee asks for a place in an open cohort."""
    if cohort.status != CohortStatus.OPEN:
        raise DomainError(_l("This cohort is not open for enrolment."))
    if not _is_trainee(trainee):
        raise DomainError(NOT_A_TRAINEE, "trainee")
    enrolment = enrolment_of(trainee, cohort)
    if enrolment is not None and enrolment.is_current:
        raise DomainError(_l("You have already asked to join, or are enrolled."))
    enrolment = _place_of(trainee, cohort, enrolment, EnrolmentStatus.REQUESTED)
    _move(enrolment, EnrolmentStatus.REQUESTED, trainee, now)
    db.session.flush()
    return enrolment


def decide_request(
    actor, enrolment: Enrolment, accept: bool, reason: str | None, now: datetime
) -> None:
    """An instructor of the cohort accepts or refuses a request to join."""
    cohort = enrolment.cohort
    require_manager(actor, cohort)
    if enrolment.status != EnrolmentStatus.REQUESTED:
        raise DomainError(_l("This request was already answered."))
    if accept:
        _check_place(cohort)
        _move(enrolment, EnrolmentStatus.ENROLLED, actor, now, reason)
    else:
        _move(enrolment, EnrolmentStatus.REFUSED, actor, now, reason)
    audit.record(
        actor,
        "enrolment.accepted" if accept else "enrolment.refused",
        enrolment,
        now=now,
        cohort=cohort.code,
        reason=reason,
    )


def withdraw(actor, enrolment: Enrolment, reason: str | None, now: datetime) -> None:
    """End an enrolment or a request; its history and attendance are kept."""
    own = actor is not None and actor.id == enrolment.trainee_id
    if not own:
        require_manager(actor, enrolment.cohort)
    if not enrolment.is_current:
        raise DomainError(_l("Only a current enrolment or request can be withdrawn."))
    _move(enrolment, EnrolmentStatus.WITHDRAWN, actor, now, reason)
    audit.record(
        actor,
        "enrolment.withdrawn",
        enrolment,
        now=now,
        cohort=enrolment.cohort.code,
        reason=reason,
    )


def may_withdraw(actor, enrolment: Enrolment) -> bool:
    """The trainee themselves, or a manager of the cohort."""
    return actor is not None and (
        actor.id == enrolment.trainee_id or manages(actor, enrolment.cohort)
    )


def withdrawn_on(enrolment_ids: list[int], day: date) -> dict[int, EnrolmentEvent]:
    """The withdrawals of these enrolments that happened on `day` (Cambodia's), latest each,
    by enrolment id (one query): those can still be undone."""
    if not enrolment_ids:
        return {}
    start = utc_moment(datetime.combine(day, time.min))
    found = {}
    for event in db.session.scalars(
        sa.select(EnrolmentEvent)
        .where(
            EnrolmentEvent.enrolment_id.in_(enrolment_ids),
            EnrolmentEvent.at >= start,
            EnrolmentEvent.at < start + timedelta(days=1),
        )
        .order_by(EnrolmentEvent.id)
    ):
        if event.to_status == EnrolmentStatus.WITHDRAWN:
            found[event.enrolment_id] = event
        else:
            found.pop(event.enrolment_id, None)
    return found


def undo_withdrawal(actor, enrolment: Enrolment, now: datetime) -> None:
    """Take back a withdrawal made today (Cambodia's day): the enrolment or request is as it
    was, if the cohort still has the place."""
    if not may_withdraw(actor, enrolment):
        raise Forbidden(_l("You may not change this enrolment."))
    event = withdrawn_on([enrolment.id], local_date(now)).get(enrolment.id)
    if enrolment.status != EnrolmentStatus.WITHDRAWN or event is None:
        raise DomainError(_l("Only a withdrawal made today can be undone."))
    before = event.from_status or EnrolmentStatus.ENROLLED
    if before == EnrolmentStatus.ENROLLED:
        _check_place(enrolment.cohort)
    _move(enrolment, before, actor, now, "withdrawal undone")
    audit.record(
        actor, "enrolment.withdrawal_undone", enrolment, now=now, cohort=enrolment.cohort.code
    )


def _row_problem(user: User | None, cohort: Cohort, seen: set[int]):
    """Why a listed trainee cannot be enrolled (a message), or None."""
    if user is None:
        return NO_ACCOUNT
    if user.id in seen:
        return _l("This trainee is listed twice.")
    seen.add(user.id)
    if not _is_trainee(user):
        return NOT_A_TRAINEE
    existing = enrolment_of(user, cohort)
    if existing is not None and existing.is_enrolled:
        return ALREADY_ENROLLED
    return None


def import_enrolments(
    actor, cohort: Cohort, data: bytes | str, now: datetime, source: str | None = None
) -> list[Enrolment]:
    """Enrol trainees listed in a CSV (column `trainee`: login, email or licence; optional
    column `council`: the council's code, for a licence number that is shared), all or none."""
    require_manager(actor, cohort)
    rows = csvio.read_rows(data, ("trainee",), ("council",))
    errors, trainees, seen = [], [], set()
    for line, row in rows:
        try:
            user = find_trainee(row["trainee"] or "", row.get("council"))
        except DomainError as ambiguous:
            errors.append(RowError(line, "trainee", ambiguous.message))
            continue
        problem = _row_problem(user, cohort, seen)
        if problem is not None:
            errors.append(RowError(line, "trainee", problem))
        else:
            trainees.append(user)
    if not errors and trainees:
        try:
            _check_place(cohort, len(trainees))
        except DomainError as error:
            errors.append(RowError(rows[-1][0], "", error.message))
    if errors:
        raise ImportRejected(errors, source)
    return [enrol(actor, cohort, user, now) for user in trainees]


def roster(cohort: Cohort) -> list[Enrolment]:
    """Every enrolment of a cohort with its trainee, ordered by name (two queries)."""
    return list(
        db.session.scalars(
            sa.select(Enrolment)
            .join(User, User.id == Enrolment.trainee_id)
            .options(
                joinedload(Enrolment.trainee).joinedload(User.cadre),
                joinedload(Enrolment.trainee).joinedload(User.facility),
            )
            .where(Enrolment.cohort_id == cohort.id)
            .order_by(User.family_name_en, User.given_name_en)
        )
    )


def count_by_sex(enrolments: list[Enrolment]) -> dict[Sex, int]:
    """How many of these enrolments are of women, of men (every sex, zero included)."""
    counts = dict.fromkeys(Sex, 0)
    for enrolment in enrolments:
        counts[enrolment.trainee.sex] += 1
    return counts
