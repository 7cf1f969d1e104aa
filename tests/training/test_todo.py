"""What is next in training (lms/training/todo.py), without HTTP: the trainee's next session,
the instructor's sessions today and requests, the administrator's cohorts; in a fixed number
of queries."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from lms.auth.roles import Role
from lms.database import utcnow
from lms.extensions import db
from lms.i18n import utc_moment
from lms.training import services as training
from lms.training import todo
from lms.training.models import AttendanceStatus, CohortStatus

from .. import clock, factories
from ..conftest import count_queries


def _noon() -> datetime:
    """Noon in Phnom Penh today, as a naive-UTC moment (the providers' `now`)."""
    return utc_moment(datetime.combine(clock.today(), time(12)))


def _session(cohort, starts_at: datetime, minutes=60, place="Room 2"):
    module = cohort.curriculum.modules[0]
    return training.schedule_session(
        None, cohort, module.id, starts_at, minutes, place, now=utcnow()
    )


@pytest.fixture
def running(make_cohort):
    return make_cohort(status=CohortStatus.RUNNING)


def test_the_next_session_is_the_first_not_ended(running, instructor):
    trainee = factories.user()
    training.enrol(instructor, running, trainee, utcnow())
    today = datetime.combine(clock.today(), time())
    _session(running, today + timedelta(hours=8), 60)  # ended at nine
    ongoing = _session(running, today + timedelta(hours=11, minutes=30), 120)
    _session(running, today + timedelta(days=1, hours=8))
    db.session.commit()
    [item] = todo.trainee(trainee, _noon())
    assert item.code == "next_session" and item.when == ongoing.starts_at and item.today
    assert item.place == "Room 2" and item.group.title_en == "Cohort"
    assert dict(item.args) == {"cohort_id": running.id} and item.anchor == "sessions"
    later = todo.trainee(trainee, _noon() + timedelta(hours=2))  # the ongoing one has ended
    assert later[0].when == today + timedelta(days=1, hours=8) and not later[0].today


def test_no_session_for_others_or_after_a_withdrawal(running, instructor):
    trainee, other = factories.user(), factories.user()
    enrolment = training.enrol(instructor, running, trainee, utcnow())
    _session(running, datetime.combine(clock.days(1), time(8)))
    db.session.commit()
    assert todo.trainee(other, _noon()) == []
    training.withdraw(trainee, enrolment, None, utcnow())
    db.session.commit()
    assert todo.trainee(trainee, _noon()) == []


def test_instructors_see_todays_sessions_of_their_cohorts_and_requests(make_cohort, instructor):
    mine = make_cohort("C-1", status=CohortStatus.RUNNING)
    other_teacher = factories.user(roles=[Role.INSTRUCTOR])
    theirs = make_cohort("C-2", status=CohortStatus.RUNNING, instructors=[other_teacher])
    open_ = make_cohort("C-3", instructors=[instructor])
    today = datetime.combine(clock.today(), time())
    taken = _session(mine, today + timedelta(hours=8))
    waiting = _session(mine, today + timedelta(hours=14))
    _session(mine, today + timedelta(days=1, hours=8))  # tomorrow: not today's
    _session(theirs, today + timedelta(hours=9))  # not the user's cohort
    trainee = factories.user()
    enrolment = training.enrol(instructor, mine, trainee, utcnow())
    training.mark_attendance(instructor, taken, {enrolment.id: AttendanceStatus.PRESENT}, utcnow())
    for _ in range(2):
        training.request_to_join(factories.user(), open_, utcnow())
    db.session.commit()
    items = todo.instructor(instructor, _noon())
    assert [(i.code, dict(i.args).get("session_id")) for i in items] == [
        ("session_today_taken", taken.id),
        ("session_today", waiting.id),
        ("requests_to_join", None),
    ]
    assert all(i.today for i in items[:2]) and items[1].endpoint == "training.take_attendance"
    assert items[2].count == 2 and dict(items[2].args) == {"cohort_id": open_.id}
    assert [i.code for i in todo.instructor(other_teacher, _noon())] == ["session_today"]


def test_administrators_see_cohorts_without_instructor_or_past_their_end(make_cohort, instructor):
    overdue = make_cohort("C-OLD", status=CohortStatus.RUNNING)
    overdue.end_date = clock.days(-2)
    leaver = factories.user(roles=[Role.INSTRUCTOR])
    alone = make_cohort("C-ALONE", instructors=[leaver])
    make_cohort("C-FINE")
    closed = make_cohort("C-DONE", status=CohortStatus.CLOSED, instructors=[leaver])
    admin = factories.user(roles=[Role.ADMIN])
    from lms.users import services as users

    users.set_active(admin, leaver, False, utcnow())
    db.session.commit()
    items = {dict(i.args)["cohort_id"]: i for i in todo.admin(admin, utcnow())}
    assert set(items) == {overdue.id, alone.id} and closed.id not in items
    assert items[alone.id].code == "cohort_without_instructor"
    assert items[overdue.id].code == "cohort_to_close"
    assert items[overdue.id].facts[0].value == clock.days(-2)
    assert items[overdue.id].endpoint == "training.edit_cohort"


def _busy_day(make_cohort, instructor, n: int):
    """`n` running cohorts of the instructor, each with a session today, an enrolled trainee
    (with a session tomorrow) and a request to join."""
    today = datetime.combine(clock.today(), time())
    trainee = factories.user()
    for k in range(n):
        cohort = make_cohort(f"Q-{n}-{k}", status=CohortStatus.RUNNING)
        _session(cohort, today + timedelta(hours=14))
        _session(cohort, today + timedelta(days=1, hours=8))
        training.enrol(instructor, cohort, trainee, utcnow())
        cohort.status = CohortStatus.OPEN
        training.request_to_join(factories.user(), cohort, utcnow())
        cohort.status = CohortStatus.RUNNING
    db.session.commit()
    return trainee


def test_training_lists_take_a_fixed_number_of_queries(make_cohort, instructor):
    admin = factories.user(roles=[Role.ADMIN])
    counts = []
    for n in (1, 6):
        trainee = _busy_day(make_cohort, instructor, n)
        for person in (trainee, instructor, admin):
            assert person.roles  # loaded with the user, as the request has them
        with count_queries() as q:
            assert todo.trainee(trainee, _noon())
            assert len(todo.instructor(instructor, _noon())) >= 2 * n
            todo.admin(admin, _noon())
        counts.append(q.count)
    assert counts[0] == counts[1] == 4, counts
