"""What a trainee has left to do in assessing: tests still open (with attempts left), logbook
cases still needed and required competencies still to show, in the cohorts followed now."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from ...navigation import Fact, Todo
from ...training import services as training
from ...training.models import Cohort, CohortStatus, Enrolment
from ...training.todo import both, cohort_group
from ...users.models import User
from .standing import Test, standing_of


def current_enrolments(user: User) -> list[Enrolment]:
    """The trainee's places in cohorts not closed yet, with cohorts and curricula (one
    query)."""
    return training.enrolled_places(
        Enrolment.trainee_id == user.id, Cohort.status != CohortStatus.CLOSED
    )


def trainee(user: User, now: datetime) -> list[Todo]:
    """Tests still open (with attempts left), logbook cases still needed and required
    competencies still to show, in the cohorts the trainee follows now."""
    enrolments = current_enrolments(user)
    standing = standing_of(enrolments, now)
    found = []
    for e in enrolments:
        s, group = standing[e.id], cohort_group(e.cohort.title_km, e.cohort.title_en)
        for t in s.tests:
            if t.open:
                found.append(_test(e, t, group))
        for book in s.logbooks:
            if not book.complete:
                found.append(
                    Todo(
                        "logbook_cases_left",
                        _l("Logbook cases still needed"),
                        "assessments.logbook",
                        (("enrolment_id", e.id), ("instrument_id", book.instrument_id)),
                        count=book.cases_left,
                        group=group,
                        **both(book.title_km, book.title_en),
                    )
                )
        if s.required_left:
            found.append(
                Todo(
                    "competencies_left",
                    _l("Competencies still to show"),
                    "assessments.show_enrolment",
                    (("enrolment_id", e.id),),
                    count=len(s.required_left),
                    facts=(Fact(_l("Required in all: %(value)s"), s.required),),
                    group=group,
                )
            )
    return found


def _test(e: Enrolment, t: Test, group) -> Todo:
    link = ("assessments.take_test", (("enrolment_id", e.id), ("instrument_id", t.instrument_id)))
    if t.in_progress:
        return Todo(
            "test_in_progress",
            _l("Test started: finish it"),
            *link,
            group=group,
            **both(t.title_km, t.title_en),
        )
    return Todo(
        "test_open",
        _l("Test to take"),
        *link,
        facts=(Fact(_l("Attempts left: %(value)s"), t.attempts_left),),
        group=group,
        **both(t.title_km, t.title_en),
    )
