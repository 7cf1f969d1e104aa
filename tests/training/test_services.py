"""Cohort rules without HTTP: who manages, enrolment, capacity, attendance."""

from datetime import datetime, time, timedelta

import pytest

from lms.auth.roles import Role
from lms.database import utcnow
from lms.errors import DomainError, Forbidden, ImportRejected
from lms.extensions import db
from lms.training import services
from lms.training.models import AttendanceStatus, EnrolmentStatus

from .. import clock, factories


def test_cohort_needs_a_published_curriculum_and_instructors(app, curriculum, instructor):
    data = services.CohortData(
        code="X-1",
        title_km="វគ្គ",
        title_en="X",
        curriculum_id=curriculum.id,
        start_date=clock.days(1),
        end_date=clock.today(),
        capacity=5,
    )
    with pytest.raises(DomainError) as refused:
        services.save_cohort(None, data, now=utcnow())
    assert refused.value.field == "end_date"
    data.end_date = clock.days(8)
    data.instructor_ids = [factories.user(roles=[Role.TRAINEE]).id]
    with pytest.raises(DomainError) as refused:
        services.save_cohort(None, data, now=utcnow())
    assert refused.value.field == "instructor_ids"


def test_only_the_cohorts_instructors_manage_it(cohort, make_cohort):
    other_teacher = factories.user(roles=[Role.INSTRUCTOR])
    trainee = factories.user()
    with pytest.raises(Forbidden):
        services.enrol(other_teacher, cohort, trainee, utcnow())
    admin = factories.user(roles=[Role.ADMIN])
    services.enrol(admin, cohort, trainee, utcnow())


def test_enrol_once_within_capacity(cohort, instructor):
    people = [factories.user() for _ in range(4)]
    for person in people[:3]:
        services.enrol(instructor, cohort, person, utcnow())
    with pytest.raises(DomainError, match="already enrolled"):
        services.enrol(instructor, cohort, people[0], utcnow())
    with pytest.raises(DomainError, match="full"):
        services.enrol(instructor, cohort, people[3], utcnow())


def test_withdrawal_keeps_history_and_allows_return(cohort, instructor):
    trainee = factories.user()
    enrolment = services.enrol(instructor, cohort, trainee, utcnow())
    services.withdraw(trainee, enrolment, "moved province", utcnow())
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    again = services.enrol(instructor, cohort, trainee, utcnow())
    assert again.id == enrolment.id
    assert [(e.from_status, e.to_status) for e in again.events] == [
        (None, EnrolmentStatus.ENROLLED),
        (EnrolmentStatus.ENROLLED, EnrolmentStatus.WITHDRAWN),
        (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.ENROLLED),
    ]
    assert again.events[1].reason == "moved province"


def test_requests_are_answered_by_instructors(cohort, instructor):
    trainee = factories.user()
    enrolment = services.request_to_join(trainee, cohort, utcnow())
    assert enrolment.status == EnrolmentStatus.REQUESTED
    with pytest.raises(DomainError):
        services.request_to_join(trainee, cohort, utcnow())
    with pytest.raises(Forbidden):
        services.decide_request(trainee, enrolment, True, None, utcnow())
    services.decide_request(instructor, enrolment, False, "not a midwife", utcnow())
    assert enrolment.status == EnrolmentStatus.REFUSED
    with pytest.raises(DomainError):
        services.decide_request(instructor, enrolment, True, None, utcnow())


def test_only_trainees_can_be_enrolled(cohort, instructor):
    officer = factories.user(roles=[Role.OFFICER])
    with pytest.raises(DomainError):
        services.enrol(instructor, cohort, officer, utcnow())


def test_csv_with_one_bad_row_enrols_no_one(cohort, instructor):
    factories.user(username="ok.one")
    factories.user(
        username="ok.two",
        licence_number="MW-77",
        council_id=factories.cadre().council_id,
        cadre_id=factories.cadre().id,
    )
    factories.user(username="officer.x", roles=[Role.OFFICER])
    db.session.commit()
    text = "trainee\nok.one\nnobody.here\nofficer.x\nok.one\n"
    with pytest.raises(ImportRejected) as rejected:
        services.import_enrolments(instructor, cohort, text, utcnow())
    db.session.rollback()
    assert [(e.line, e.field) for e in rejected.value.errors] == [
        (3, "trainee"),
        (4, "trainee"),
        (5, "trainee"),
    ]
    assert services.enrolled_count(cohort.id) == 0
    done = services.import_enrolments(instructor, cohort, "trainee\nok.one\nMW-77\n", utcnow())
    assert len(done) == 2


def test_csv_over_capacity_enrols_no_one(make_cohort, instructor):
    small = make_cohort(code="SMALL", capacity=1)
    for name in ("a.one", "b.two"):
        factories.user(username=name)
    with pytest.raises(ImportRejected):
        services.import_enrolments(instructor, small, "trainee\na.one\nb.two\n", utcnow())


def test_attendance_percentage(cohort, instructor, curriculum):
    people = [factories.user() for _ in range(3)]
    enrolments = [services.enrol(instructor, cohort, p, utcnow()) for p in people]
    module = curriculum.modules[0].id
    now = datetime.combine(clock.days(2), time(12, 0))  # within the cohort's dates
    sessions = [
        services.schedule_session(
            instructor, cohort, module, now - timedelta(days=d), 180, None, now=now
        )
        for d in (3, 2, 1)
    ]
    services.schedule_session(
        instructor, cohort, module, now + timedelta(days=1), 180, None, now=now
    )
    a, b, c = (e.id for e in enrolments)
    services.mark_attendance(
        instructor,
        sessions[0],
        {a: AttendanceStatus.PRESENT, b: AttendanceStatus.EXCUSED, c: AttendanceStatus.ABSENT},
        now,
    )
    services.mark_attendance(
        instructor, sessions[1], {a: AttendanceStatus.LATE, b: AttendanceStatus.PRESENT}, now
    )
    summary = services.attendance_summary(cohort, now)
    assert summary[a].percent == pytest.approx(66.7)  # present, late, unmarked
    assert summary[b].percent == 50.0  # excused left out: present of two
    assert summary[c].percent == 0.0


def test_attendance_only_for_enrolled_trainees(cohort, instructor, curriculum):
    session = services.schedule_session(
        instructor, cohort, curriculum.modules[0].id, utcnow(), 60, None, now=utcnow()
    )
    outsider = services.request_to_join(factories.user(), cohort, utcnow())
    with pytest.raises(DomainError):
        services.mark_attendance(
            instructor, session, {outsider.id: AttendanceStatus.PRESENT}, utcnow()
        )


def test_session_module_must_belong_to_the_curriculum(cohort, instructor):
    with pytest.raises(DomainError) as refused:
        services.schedule_session(instructor, cohort, 999999, utcnow(), 60, None, now=utcnow())
    assert refused.value.field == "module_id"


def test_a_session_has_started_by_the_clock_in_phnom_penh(cohort, instructor, curriculum):
    # Session times are entered as Cambodian wall-clock times; 01:30 UTC is 08:30 there.
    enrolment = services.enrol(instructor, cohort, factories.user(), utcnow())
    eight = datetime.combine(clock.days(6), time(8, 0))
    session = services.schedule_session(
        instructor, cohort, curriculum.modules[0].id, eight, 180, None, now=utcnow()
    )
    now = datetime.combine(clock.days(6), time(1, 30))
    services.mark_attendance(instructor, session, {enrolment.id: AttendanceStatus.PRESENT}, now)
    summary = services.attendance_summary(cohort, now)
    assert (summary[enrolment.id].counted, summary[enrolment.id].percent) == (1, 100.0)


def test_the_cohort_page_shows_each_user_what_is_theirs(cohort, instructor):
    trainee, officer = factories.user(), factories.user(roles=[Role.OFFICER])
    services.request_to_join(trainee, cohort, utcnow())
    teacher = services.cohort_page(instructor, cohort, utcnow())
    assert (teacher.manage, teacher.follows, teacher.may_join) == (True, True, False)
    assert [e.trainee_id for e in teacher.requests] == [trainee.id] and teacher.listed == []
    asked = services.cohort_page(trainee, cohort, utcnow())
    assert (asked.manage, asked.follows, asked.may_join) == (False, False, False)
    assert asked.own.is_current and not asked.reads_materials and asked.people == []
    reader = services.cohort_page(officer, cohort, utcnow())
    assert (reader.follows, reader.reads_materials, reader.may_join) == (True, True, False)
    newcomer = services.cohort_page(factories.user(), cohort, utcnow())
    assert newcomer.may_join and newcomer.own is None
