"""What a cohort's page shows to one user: the decisions, as plain values, and the rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ...auth.roles import Role
from ...i18n import local_date
from ...users.models import Sex
from ..models import Cohort, CohortSession, CohortStatus, Enrolment, EnrolmentStatus
from .attendance import AttendanceSummary, attendance_summary, sessions_of
from .cohorts import enrolment_of, follows, manages, reads_materials
from .enrolment import count_by_sex, roster, withdrawn_on


@dataclass(frozen=True)
class CohortPage:
    """What one user sees of a cohort's page: the decisions and the rows it shows."""

    manage: bool  # runs the cohort: enrols, schedules, takes attendance, shares materials
    follows: bool  # sees the trainees and the competency matrix
    own: Enrolment | None  # the user's own enrolment or request
    may_join: bool  # may ask for a place
    reads_materials: bool
    people: list[Enrolment]  # every enrolment, for those who follow the cohort
    listed: list[Enrolment]  # the people in the trainee table: all but open requests
    enrolled: list[Enrolment]
    requests: list[Enrolment]
    by_sex: dict[Sex, int]  # of the enrolled
    summary: dict[int, AttendanceSummary]  # attendance by enrolment id
    sessions: list[CohortSession]
    undoable: frozenset[int] = (
        frozenset()
    )  # enrolments withdrawn today: the withdrawal can be undone


def _may_join(user, cohort: Cohort, own: Enrolment | None, manage: bool) -> bool:
    if cohort.status != CohortStatus.OPEN:
        return False
    if own is not None:
        return not own.is_current
    return user.has_role(Role.TRAINEE) and not manage


def cohort_page(user, cohort: Cohort, now: datetime) -> CohortPage:
    """Decide what `user` sees of `cohort` and load it (a fixed number of queries)."""
    manage = manages(user, cohort)
    own = enrolment_of(user, cohort)
    sees_people = follows(user, cohort)
    people = roster(cohort) if sees_people else []
    enrolled = [e for e in people if e.is_enrolled]
    withdrawn = [
        e.id for e in [*people, own] if e is not None and e.status == EnrolmentStatus.WITHDRAWN
    ]
    undoable = frozenset(withdrawn_on(withdrawn, local_date(now)) if (manage or own) else ())
    return CohortPage(
        manage=manage,
        follows=sees_people,
        own=own,
        may_join=_may_join(user, cohort, own, manage),
        reads_materials=reads_materials(user, cohort, own),
        people=people,
        listed=[e for e in people if e.status != EnrolmentStatus.REQUESTED],
        enrolled=enrolled,
        requests=[e for e in people if e.status == EnrolmentStatus.REQUESTED],
        by_sex=count_by_sex(enrolled),
        summary=attendance_summary(cohort, now),
        sessions=sessions_of(cohort),
        undoable=undoable,
    )
