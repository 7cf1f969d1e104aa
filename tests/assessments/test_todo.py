"""What is next in assessing (lms/assessments/todo.py), without HTTP: a trainee's tests,
logbook and competencies; an instructor's trainees to assess and queue; where enrolments stand
as `progress` decides it; and a fixed number of queries whatever the data."""

from __future__ import annotations

import copy

import sqlalchemy as sa

from lms.assessments import online_tests, progress, todo
from lms.assessments import services as assessments
from lms.assessments.rules import CompetencyState, Mark
from lms.auth.roles import Role
from lms.curricula.importer import import_paths
from lms.curricula.services import find_curriculum
from lms.database import utcnow
from lms.extensions import db
from lms.frameworks.models import Competency
from lms.training import services as training
from lms.training.models import CohortStatus

from .. import clock, factories
from ..conftest import count_queries
from ..curricula import samples


def _checklist(instructor, enrolment, osce, passed=True):
    critical = next(i for i in osce.items if i.critical)
    marks = {i.id: Mark.DONE for i in osce.items}
    if not passed:
        marks[critical.id] = Mark.NOT_DONE
    data = assessments.ChecklistData(marks, 3, clock.days(-1))
    return assessments.save_checklist(instructor, enrolment, osce, data, True, utcnow())


def _attempt(trainee, enrolment, kt, right: bool, submit=True):
    attempt = online_tests.start_attempt(trainee, enrolment, kt, utcnow())
    if submit:
        question, options = online_tests.paper(attempt)[0]
        chosen = next(o.id for o in options if o.correct == right)
        online_tests.submit_attempt(trainee, attempt, {question.id: chosen}, utcnow())
    return attempt


def _cases(trainee, instructor, enrolment, log, n, verify=True):
    by = instructor if verify else None
    return [
        factories.logbook_case(trainee, enrolment, log, f"R-{enrolment.id}-{k}", verified_by=by)
        for k in range(n)
    ]


def _codes(items):
    return [(i.code, i.count) for i in items]


def test_a_trainee_sees_tests_cases_and_competencies_left(enrolled, instructor, curriculum):
    enrolment, trainee, instruments = enrolled
    kt, log = instruments["KT"], instruments["LOG"]
    items = todo.trainee(trainee, utcnow())
    assert _codes(items) == [
        ("test_open", None),
        ("logbook_cases_left", 5),
        ("competencies_left", 2),
    ]
    test, cases, competencies = items
    assert test.facts[0].value == 2 and test.subject_en == "Test"
    assert dict(test.args) == {"enrolment_id": enrolment.id, "instrument_id": kt.id}
    assert cases.endpoint == "assessments.logbook" and cases.group.title_en == "Cohort"
    assert competencies.facts[0].value == 2
    _attempt(trainee, enrolment, kt, right=False)
    _cases(trainee, instructor, enrolment, log, 2)
    _cases(trainee, instructor, enrolment, log, 1, verify=False)  # not counted until verified
    db.session.commit()
    test, cases, _ = todo.trainee(trainee, utcnow())
    assert test.facts[0].value == 1 and cases.count == 3
    _attempt(trainee, enrolment, kt, right=True, submit=False)
    db.session.commit()
    assert todo.trainee(trainee, utcnow())[0].code == "test_in_progress"


def test_nothing_is_left_once_everything_is_shown(enrolled, instructor, curriculum):
    enrolment, trainee, _instruments = enrolled
    factories.complete(instructor, trainee, enrolment, curriculum)
    db.session.commit()
    assert todo.trainee(trainee, utcnow()) == []


def test_a_closed_cohort_is_no_longer_on_the_list(enrolled, cohort):
    _enrolment, trainee, _instruments = enrolled
    cohort.status = CohortStatus.CLOSED
    db.session.commit()
    assert todo.trainee(trainee, utcnow()) == []


def test_standing_agrees_with_progress(setting, instructor, curriculum):
    enrolment, trainee, second, instruments = setting
    others = [
        training.enrol(instructor, enrolment.cohort, factories.user(), utcnow()) for _ in "ab"
    ]
    factories.complete(instructor, trainee, enrolment, curriculum)
    _checklist(instructor, others[0], instruments["OSCE-1"], passed=False)
    _cases(others[0].trainee, instructor, others[0], instruments["LOG"], 2)
    d12 = db.session.scalar(sa.select(Competency).where(Competency.code == "D1.2"))
    decision = assessments.propose_panel_decision(
        instructor, others[1], d12.id, True, "seen on the ward", utcnow()
    )
    assessments.confirm_panel_decision(second, decision, utcnow())
    db.session.commit()
    everyone = [enrolment, *others]
    standing = todo.standing_of(everyone, utcnow())
    found = progress.progress_of(everyone, utcnow())
    for e in everyone:
        p, s = found[e.id], standing[e.id]
        assert list(s.required_left) == [
            c.id
            for c in p.table.competencies
            if c.id in p.table.required and p.outcomes[c.id].state != CompetencyState.ACHIEVED
        ]
        assert [b.complete for b in s.logbooks] == [o.complete for _i, o in p.logbooks]
        assert [(t.used, t.passed, t.in_progress) for t in s.tests] == [
            (used, passed, open_) for _i, used, passed, open_ in p.tests
        ]
        assert s.attendance == p.attendance
    assert standing[others[1].id].required_left == (
        db.session.scalar(sa.select(Competency.id).where(Competency.code == "D1.1")),
    )


def test_instructors_see_who_to_assess_on_which_instrument(make_cohort, instructor, curriculum):
    cohort = make_cohort(status=CohortStatus.RUNNING)
    first, second = (training.enrol(instructor, cohort, factories.user(), utcnow()) for _ in "12")
    db.session.commit()
    osce = next(i for i in curriculum.instruments if i.code == "OSCE-1")
    [item] = [i for i in todo.instructor(instructor, utcnow()) if i.code == "to_assess"]
    assert item.count == 2 and item.endpoint == "training.show_cohort"
    assert item.subject_en == "Station" and item.group.title_en == "Cohort"
    _checklist(instructor, first, osce, passed=False)  # failed: to assess again
    _checklist(instructor, second, osce)
    db.session.commit()
    [item] = [i for i in todo.instructor(instructor, utcnow()) if i.code == "to_assess"]
    assert item.count == 1 and item.endpoint == "assessments.record_checklist"
    assert dict(item.args) == {"enrolment_id": first.id, "instrument_id": osce.id}
    cohort.status = CohortStatus.OPEN  # not running yet: nobody to assess
    db.session.commit()
    assert [i for i in todo.instructor(instructor, utcnow()) if i.code == "to_assess"] == []


def test_the_queue_leaves_out_what_the_instructor_cannot_act_on(setting, instructor):
    enrolment, trainee, second, instruments = setting
    instruments["OSCE-1"].second_assessor = True
    _checklist(instructor, enrolment, instruments["OSCE-1"])
    _cases(trainee, instructor, enrolment, instruments["LOG"], 2, verify=False)
    d11 = db.session.scalar(sa.select(Competency).where(Competency.code == "D1.1"))
    assessments.propose_panel_decision(instructor, enrolment, d11.id, True, "observed", utcnow())
    db.session.commit()

    def queue(user):
        return [(i.code, i.count) for i in todo.instructor(user, utcnow()) if i.code != "to_assess"]

    assert queue(instructor) == [("logbook_entries_to_check", 2)]
    assert queue(second) == [
        ("results_to_verify", 1),
        ("logbook_entries_to_check", 2),
        ("panel_decisions_to_confirm", 1),
    ]
    [verify] = [i for i in todo.instructor(second, utcnow()) if i.code == "results_to_verify"]
    assert verify.endpoint == "assessments.queue"
    assert dict(verify.args) == {"cohort_id": enrolment.cohort_id}


def _second_curriculum(tmp_path):
    path = samples.write(tmp_path, "cur2.yaml", samples.curriculum(code="TST-CUR2"))
    import_paths(None, [path], utcnow())
    db.session.commit()
    return find_curriculum("TST-CUR2", 1)


def _busy(make_cohort, instructor, second, trainee, curricula, n: int):
    """`n` running cohorts (alternating curricula) taught by both instructors, the trainee in
    each with a passed station waiting for verification, a failed test, verified and pending
    logbook cases and a panel proposal."""
    for k in range(n):
        curriculum = curricula[k % len(curricula)]
        cohort = make_cohort(f"B-{n}-{k}", status=CohortStatus.RUNNING, capacity=5)
        cohort.curriculum_id = curriculum.id
        cohort.instructors.append(second)
        db.session.flush()
        db.session.expire(cohort, ["curriculum"])
        enrolment = training.enrol(instructor, cohort, trainee, utcnow())
        training.enrol(instructor, cohort, factories.user(), utcnow())
        plan = {i.code: i for i in curriculum.instruments}
        plan["OSCE-1"].second_assessor = True
        _checklist(instructor, enrolment, plan["OSCE-1"])
        _attempt(trainee, enrolment, plan["KT"], right=False)
        _cases(trainee, instructor, enrolment, plan["LOG"], 2)
        _cases(trainee, instructor, enrolment, plan["LOG"], 1, verify=False)
        comp = curriculum.required_competencies[0]
        assessments.propose_panel_decision(instructor, enrolment, comp.id, True, "seen", utcnow())
    db.session.commit()


def test_assessment_lists_take_a_fixed_number_of_queries(
    make_cohort, instructor, curriculum, tmp_path
):
    curricula = [curriculum, _second_curriculum(tmp_path)]
    second = factories.user(roles=[Role.INSTRUCTOR], username="second")
    counts = []
    for n in (1, 5):
        trainee = factories.user()
        _busy(make_cohort, instructor, second, trainee, curricula[:n], n)
        for person in (trainee, second):
            assert person.roles
        with count_queries() as q:
            assert len(todo.trainee(trainee, utcnow())) == 3 * n
            assert len(todo.instructor(second, utcnow())) >= 3 * n
        counts.append(q.count)
    assert counts[0] == counts[1], counts
    assert counts[0] <= 20, counts


def test_a_cohort_with_many_stations_folds_into_one_item(make_cohort, instructor, tmp_path):
    data = samples.curriculum(code="TST-OSCE")
    station = data["instruments"][0]
    stations = [dict(copy.deepcopy(station), code=f"OSCE-{n}") for n in range(1, 6)]
    data["instruments"] = stations + data["instruments"][1:]  # the test and logbook stay
    import_paths(None, [samples.write(tmp_path, "osce.yaml", data)], utcnow())
    db.session.commit()
    cohort = make_cohort(status=CohortStatus.RUNNING)
    cohort.curriculum_id = find_curriculum("TST-OSCE", 1).id
    db.session.flush()
    db.session.expire(cohort)
    first, second = (training.enrol(instructor, cohort, factories.user(), utcnow()) for _ in "12")
    osce = {i.code: i for i in cohort.curriculum.instruments}["OSCE-1"]
    _checklist(instructor, first, osce)
    db.session.commit()
    [item] = todo.instructor(instructor, utcnow())
    assert (item.code, item.count, item.facts[0].value) == ("to_assess_in_cohort", 2, 5)
    assert [(c.code, c.count, c.subject_en) for c in item.children] == [
        ("to_assess", 1, "Station"),
        *[("to_assess", 2, "Station")] * 4,
    ]
    assert dict(item.children[0].args) == {"enrolment_id": second.id, "instrument_id": osce.id}
