"""Assessment rounds, without HTTP: who is next at a station, which station is next."""

from __future__ import annotations

import pytest

from lms.assessments import services as assessments
from lms.assessments.rules import Mark
from lms.assessments.services.rounds import RoundState, next_waiting
from lms.auth.roles import Role
from lms.database import utcnow
from lms.extensions import db
from lms.training import services as training

from ... import clock, factories
from .conftest import assess


@pytest.mark.parametrize(
    ("waiting", "after", "expected"),
    [
        ({1, 2, 3}, 1, 2),
        ({1, 3}, 1, 3),  # 2 is done: skipped
        ({1}, 3, 1),  # round to the start
        ({2}, 2, None),  # never the one just assessed
        (set(), None, None),
        ({2, 3}, None, 2),  # no one before: from the start
        ({3}, 99, 3),  # someone not in the round: from the start
    ],
)
def test_the_next_waiting_one_comes_after_and_goes_round(waiting, after, expected):
    assert next_waiting([1, 2, 3], waiting, after) == expected


def test_the_next_trainee_is_the_next_by_name_still_waiting(round_of_three, instructor, today):
    (chea, keo, sok), stations = round_of_three
    osce = stations["OSCE-1"]
    assert assessments.next_trainee(instructor, chea, osce, today) == keo
    assess(instructor, keo, osce)  # passed: Keo no longer waits
    assert assessments.next_trainee(instructor, chea, osce, today) == sok
    assess(instructor, sok, osce, passed=False)  # not passed, but assessed today
    assert assessments.next_trainee(instructor, chea, osce, today) is None
    assert assessments.next_trainee(instructor, sok, osce, today) == chea  # round to the start


def test_states_at_a_station(round_of_three, instructor, today):
    (chea, keo, sok), stations = round_of_three
    osce = stations["OSCE-1"]
    assess(instructor, chea, osce, passed=False, day=clock.days(-3))  # failed days ago: waits
    assess(instructor, keo, osce, submit=False)  # a draft today: not offered again today
    assess(instructor, sok, osce, day=clock.days(-3))  # passed
    found = assessments.station(instructor, chea.cohort, osce, today)
    assert [(s.enrolment, s.state) for s in found.standings] == [
        (chea, RoundState.WAITING),
        (keo, RoundState.TODAY),
        (sok, RoundState.PASSED),
    ]
    assert found.counts == {RoundState.WAITING: 1, RoundState.TODAY: 1, RoundState.PASSED: 1}
    assert assessments.first_waiting(found) == chea
    # Tomorrow Keo waits again (the draft was not submitted).
    tomorrow = assessments.station(instructor, chea.cohort, osce, clock.days(1))
    assert tomorrow.standings[1].state == RoundState.WAITING


def test_a_pass_corrected_to_a_fail_waits_again(round_of_three, instructor, today):
    (chea, keo, _sok), stations = round_of_three
    osce = stations["OSCE-1"]
    record = assess(instructor, keo, osce, day=clock.days(-2))
    marks = {m.item_id: m.mark for m in record.marks}
    marks[next(i.id for i in osce.items if i.critical)] = Mark.NOT_DONE
    data = assessments.ChecklistData(marks, 3, clock.days(-2))
    assessments.correct(instructor, record, "critical step missed", utcnow(), data)
    db.session.commit()
    corrected = assessments.station(instructor, chea.cohort, osce, today).standings[1]
    assert (corrected.enrolment, corrected.state) == (keo, RoundState.WAITING)


def test_withdrawn_trainees_and_the_examiner_are_not_in_the_round(
    round_of_three, instructor, cohort, today
):
    (chea, keo, sok), stations = round_of_three
    training.withdraw(instructor, keo, "moved", utcnow())
    db.session.commit()
    found = assessments.station(instructor, cohort, stations["OSCE-1"], today)
    assert [s.enrolment for s in found.standings] == [chea, sok]
    admin = factories.user(roles=[Role.ADMIN, Role.TRAINEE], family_name_en="AAA")
    training.enrol(admin, cohort, admin, utcnow())
    db.session.commit()
    found = assessments.station(admin, cohort, stations["OSCE-1"], today)
    assert admin.id not in {s.enrolment.trainee_id for s in found.standings}


def test_the_next_station_is_the_next_checklist_the_trainee_still_waits_at(
    round_of_three, instructor, today
):
    (chea, _keo, _sok), stations = round_of_three
    first, second = stations["OSCE-1"], stations["OSCE-2"]
    assert assessments.next_station(chea, first, today) == second
    assert assessments.next_station(chea, second, today) == first  # round to the start
    assess(instructor, chea, second)
    assert assessments.next_station(chea, first, today) is None  # the knowledge test is none


def test_every_station_of_the_cohort_in_plan_order(round_of_three, instructor, cohort, today):
    (chea, _keo, _sok), stations = round_of_three
    assess(instructor, chea, stations["OSCE-2"])
    found = assessments.stations(instructor, cohort, today)
    assert [s.instrument.code for s in found] == ["OSCE-1", "OSCE-2"]
    assert [s.waiting for s in found] == [3, 2]


def test_a_saved_record_is_shown_only_at_its_own_station_and_cohort(
    round_of_three, instructor, make_cohort, today
):
    (chea, _keo, _sok), stations = round_of_three
    record = assess(instructor, chea, stations["OSCE-1"])
    cohort = chea.cohort
    assert assessments.saved_at_station(record.id, cohort, stations["OSCE-1"]) == record
    assert assessments.saved_at_station(record.id, cohort, stations["OSCE-2"]) is None
    other = make_cohort(code="C-2")
    assert assessments.saved_at_station(record.id, other, stations["OSCE-1"]) is None
    assert assessments.saved_at_station(None, cohort, stations["OSCE-1"]) is None
    assert assessments.saved_at_station(10**9, cohort, stations["OSCE-1"]) is None
