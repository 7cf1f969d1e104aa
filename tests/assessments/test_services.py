"""Recording evidence and deciding competence, without HTTP."""

import random
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from lms.assessments import online_tests
from lms.assessments import services as assessments
from lms.assessments.models import AssessmentRecord, CaseRole, EntryStatus
from lms.assessments.rules import CompetencyState, Mark
from lms.auth.roles import Role
from lms.curricula.importer import import_paths
from lms.curricula.services import find_curriculum
from lms.database import utcnow
from lms.errors import DomainError, Forbidden
from lms.extensions import db
from lms.frameworks.models import Competency
from lms.training import services as training

from .. import clock, factories
from ..conftest import count_queries
from ..curricula import samples


def _all_done(instrument, changes=None):
    marks = {item.id: Mark.DONE for item in instrument.items}
    marks.update(changes or {})
    return assessments.ChecklistData(marks, 3, clock.days(-1), "good")


def _comp(code):
    return db.session.scalar(sa.select(Competency).where(Competency.code == code))


def test_osce_checklist_passes_by_the_rule(setting, instructor):
    enrolment, _trainee, _second, instruments = setting
    osce = instruments["OSCE-1"]
    record = assessments.save_checklist(
        instructor, enrolment, osce, _all_done(osce), True, utcnow()
    )
    assert record.passed and record.share_percent == 100.0 and record.counted
    critical = next(i for i in osce.items if i.critical)
    failed = assessments.save_checklist(
        instructor, enrolment, osce, _all_done(osce, {critical.id: Mark.NOT_DONE}), True, utcnow()
    )
    assert not failed.passed  # a critical step missed fails the station


def test_draft_then_submit_needs_every_item(setting, instructor):
    enrolment, _t, _s, instruments = setting
    osce = instruments["OSCE-1"]
    first = osce.items[0].id
    draft = assessments.save_checklist(
        instructor,
        enrolment,
        osce,
        assessments.ChecklistData({first: Mark.DONE}, None, clock.days(-1)),
        False,
        utcnow(),
    )
    with pytest.raises(DomainError) as refused:
        assessments.submit_draft(instructor, draft, utcnow())
    assert refused.value.field == "marks"


@pytest.mark.parametrize("rating", [0, 9])
def test_out_of_range_rating_is_refused(setting, instructor, rating):
    enrolment, _t, _s, instruments = setting
    data = _all_done(instruments["OSCE-1"])
    data.overall_rating = rating
    with pytest.raises(DomainError) as refused:
        assessments.save_checklist(
            instructor, enrolment, instruments["OSCE-1"], data, True, utcnow()
        )
    assert refused.value.field == "overall_rating"


def test_instrument_of_another_curriculum_is_refused(setting, tmp_path):
    enrolment, *_ = setting
    with pytest.raises(DomainError):
        assessments.instrument_of(enrolment, 999999)


def test_nobody_assesses_themselves_or_other_cohorts(setting, make_cohort):
    enrolment, trainee, _second, instruments = setting
    trainee.role_rows  # noqa: B018 (load)
    with pytest.raises(Forbidden):
        assessments.save_checklist(
            trainee,
            enrolment,
            instruments["OSCE-1"],
            _all_done(instruments["OSCE-1"]),
            True,
            utcnow(),
        )
    stranger = factories.user(roles=[Role.INSTRUCTOR])
    make_cohort(code="OTHER", instructors=[stranger])
    with pytest.raises(Forbidden):
        assessments.save_checklist(
            stranger,
            enrolment,
            instruments["OSCE-1"],
            _all_done(instruments["OSCE-1"]),
            True,
            utcnow(),
        )


def test_second_assessor_verification(setting, instructor, curriculum):
    enrolment, _trainee, second, instruments = setting
    osce = instruments["OSCE-1"]
    osce.second_assessor = True
    record = assessments.save_checklist(
        instructor, enrolment, osce, _all_done(osce), True, utcnow()
    )
    assert record.needs_verification and not record.counted
    with pytest.raises(DomainError, match="other than the first"):
        assessments.verify(instructor, record, utcnow())
    assessments.verify(second, record, utcnow())
    assert record.counted
    with pytest.raises(DomainError, match="already verified"):
        assessments.verify(second, record, utcnow())


def test_correction_is_a_new_version_with_history(setting, instructor):
    enrolment, *_rest, instruments = setting
    osce = instruments["OSCE-1"]
    critical = next(i for i in osce.items if i.critical)
    first = assessments.save_checklist(
        instructor, enrolment, osce, _all_done(osce, {critical.id: Mark.NOT_DONE}), True, utcnow()
    )
    with pytest.raises(DomainError):
        assessments.correct(instructor, first, "  ", utcnow(), _all_done(osce))
    second = assessments.correct(instructor, first, "wrong box ticked", utcnow(), _all_done(osce))
    assert second.passed and not first.passed and first.superseded
    assert [r.id for r in assessments.history(second)] == [second.id, first.id]
    with pytest.raises(DomainError):
        assessments.correct(instructor, first, "again", utcnow(), _all_done(osce))
    with pytest.raises(DomainError):
        assessments.save_checklist(
            instructor, enrolment, osce, _all_done(osce), True, utcnow(), record=second
        )


def test_paper_test_score(setting, instructor):
    enrolment, *_rest, instruments = setting
    kt = instruments["KT"]
    assert not assessments.save_paper_test(
        instructor, enrolment, kt, 79.5, clock.days(-10), None, utcnow()
    ).passed
    assert assessments.save_paper_test(
        instructor, enrolment, kt, 80, clock.days(-9), None, utcnow()
    ).passed
    with pytest.raises(DomainError):
        assessments.save_paper_test(instructor, enrolment, kt, 101, clock.days(-9), None, utcnow())


def test_online_test_shuffled_limited_and_submitted_once(setting):
    enrolment, trainee, _second, instruments = setting
    kt = instruments["KT"]
    attempt = online_tests.start_attempt(trainee, enrolment, kt, utcnow(), random.Random(1))
    assert online_tests.start_attempt(trainee, enrolment, kt, utcnow()).id == attempt.id
    paper = online_tests.paper(attempt)
    question, options = paper[0]
    wrong = next(o for o in options if not o.correct)
    outcome = online_tests.submit_attempt(trainee, attempt, {question.id: wrong.id}, utcnow())
    assert not outcome.passed and attempt.score_percent == 0.0
    with pytest.raises(DomainError, match="already submitted"):
        online_tests.submit_attempt(trainee, attempt, {question.id: wrong.id}, utcnow())
    second = online_tests.start_attempt(trainee, enrolment, kt, utcnow())
    right = next(o for o in options if o.correct)
    assert online_tests.submit_attempt(trainee, second, {question.id: right.id}, utcnow()).passed
    with pytest.raises(DomainError, match="already passed"):
        online_tests.start_attempt(trainee, enrolment, kt, utcnow())


def test_online_test_attempts_are_limited(setting):
    enrolment, trainee, _second, instruments = setting
    kt = instruments["KT"]
    for _ in range(kt.attempts):
        attempt = online_tests.start_attempt(trainee, enrolment, kt, utcnow())
        online_tests.submit_attempt(trainee, attempt, {}, utcnow())
    with pytest.raises(DomainError, match="every attempt"):
        online_tests.start_attempt(trainee, enrolment, kt, utcnow())


def test_only_the_trainee_takes_their_test(setting, instructor):
    enrolment, _trainee, _second, instruments = setting
    with pytest.raises(Forbidden):
        online_tests.start_attempt(instructor, enrolment, instruments["KT"], utcnow())


def test_logbook_entries_verified_towards_minimums(setting, instructor):
    enrolment, trainee, _second, instruments = setting
    log = instruments["LOG"]
    case_type = log.case_types[0]
    entries = [
        assessments.add_logbook_entry(
            trainee,
            enrolment,
            log,
            case_type.id,
            clock.days(-3),
            None,
            f"ANC-{n}",
            CaseRole.PERFORMED,
            utcnow(),
        )
        for n in range(6)
    ]
    with pytest.raises(DomainError):
        assessments.add_logbook_entry(
            trainee,
            enrolment,
            log,
            case_type.id,
            utcnow().date() + timedelta(days=2),
            None,
            "X",
            CaseRole.OBSERVED,
            utcnow(),
        )
    with pytest.raises(DomainError):
        assessments.review_logbook_entry(instructor, entries[0], False, "", utcnow())
    assessments.review_logbook_entry(instructor, entries[0], False, "duplicate", utcnow())
    for entry in entries[1:]:
        assessments.review_logbook_entry(instructor, entry, True, None, utcnow())
    assert entries[0].status == EntryStatus.REJECTED
    outcome = assessments.logbook_outcome(enrolment, log)
    assert outcome.complete and outcome.progress == ((case_type.id, 5, 5),)


def test_competency_table_decides_from_counted_evidence(setting, instructor, curriculum):
    enrolment, trainee, _second, instruments = setting
    osce, kt = instruments["OSCE-1"], instruments["KT"]
    table = assessments.competency_table(curriculum, [enrolment.id])
    assert [c.code for c in table.competencies] == ["D1.1", "D1.2"]
    d11, d12 = _comp("D1.1"), _comp("D1.2")
    assert table.outcomes[enrolment.id][d11.id].state == CompetencyState.NOT_ASSESSED
    assessments.save_checklist(instructor, enrolment, osce, _all_done(osce), True, utcnow())
    attempt = online_tests.start_attempt(trainee, enrolment, kt, utcnow())
    question, options = online_tests.paper(attempt)[0]
    online_tests.submit_attempt(
        trainee, attempt, {question.id: next(o.id for o in options if o.correct)}, utcnow()
    )
    table = assessments.competency_table(curriculum, [enrolment.id])
    outcomes = table.outcomes[enrolment.id]
    assert outcomes[d11.id].state == CompetencyState.ACHIEVED
    assert outcomes[d11.id].highest_level == 3
    assert outcomes[d12.id].state == CompetencyState.NOT_YET  # the logbook is not complete
    decision = assessments.propose_panel_decision(
        instructor, enrolment, d12.id, True, "cases seen on a rural placement", utcnow()
    )
    table = assessments.competency_table(curriculum, [enrolment.id])
    assert table.outcomes[enrolment.id][d12.id].state == CompetencyState.NOT_YET  # proposed
    assert (enrolment.id, d12.id) in table.proposed
    assessments.confirm_panel_decision(factories.user(roles=[Role.ADMIN]), decision, utcnow())
    outcome = assessments.competency_table(curriculum, [enrolment.id]).outcomes[enrolment.id][
        d12.id
    ]
    assert outcome.state == CompetencyState.ACHIEVED and outcome.by_panel


def test_competency_table_queries_do_not_grow(setting, instructor, curriculum, make_cohort):
    enrolment, *_ = setting
    with count_queries() as one:
        assessments.competency_table(curriculum, [enrolment.id])
    big = make_cohort(code="BIG", capacity=50)
    ids = []
    for _ in range(20):
        e = training.enrol(instructor, big, factories.user(), utcnow())
        assessments.save_checklist(
            instructor,
            e,
            curriculum.instruments[0],
            _all_done(curriculum.instruments[0]),
            True,
            utcnow(),
        )
        ids.append(e.id)
    db.session.commit()
    with count_queries() as many:
        table = assessments.competency_table(curriculum, ids)
    assert len(table.outcomes) == 20
    assert many.count <= one.count + 1, many.statements


def test_submitted_records_are_counted_only_when_current(setting, instructor):
    enrolment, *_rest, instruments = setting
    osce = instruments["OSCE-1"]
    record = assessments.save_checklist(
        instructor, enrolment, osce, _all_done(osce), True, utcnow()
    )
    assessments.correct(instructor, record, "typo", utcnow(), _all_done(osce))
    counted = db.session.scalars(sa.select(AssessmentRecord)).all()
    assert sum(r.counted for r in counted) == 1


def test_competency_table_lists_competencies_in_framework_order(app, tmp_path):
    """Competencies of different domains come domain by domain, not by their place within
    their own domain (D1.1, D1.2, D2.1 — not D1.1, D2.1, D1.2)."""
    framework = samples.framework()
    domain_two = next(c for c in framework["competencies"] if c["code"] == "D2")
    domain_two["children"] = [{"code": "D2.1", "title": {"km": "សមត្ថភាពបី", "en": "Three"}}]
    curriculum = samples.curriculum()
    curriculum["completion"]["required_competencies"] = ["D2.1", "D1.2", "D1.1"]
    curriculum["instruments"][0]["competencies"] = ["D1.1", "D2.1"]
    paths = [
        samples.write(tmp_path, "fw.yaml", framework),
        samples.write(tmp_path, "cur.yaml", curriculum),
    ]
    import_paths(None, paths, utcnow(), allow_uncovered=True)
    table = assessments.competency_table(find_curriculum("TST-CUR", 1), [])
    assert [c.code for c in table.competencies] == ["D1.1", "D1.2", "D2.1"]


def test_a_case_seen_this_morning_in_phnom_penh_is_not_in_the_future(setting):
    # 23:30 UTC today is 06:30 tomorrow in Cambodia.
    enrolment, trainee, _second, instruments = setting
    tomorrow = clock.days(1)
    log = instruments["LOG"]
    entry = assessments.add_logbook_entry(
        trainee,
        enrolment,
        log,
        log.case_types[0].id,
        tomorrow,
        None,
        "ANC-7",
        CaseRole.PERFORMED,
        datetime.combine(clock.today(), time(23, 30)),
    )
    assert entry.case_date == tomorrow


def test_correcting_a_paper_score_needs_the_new_score(setting, instructor):
    enrolment, *_rest, instruments = setting
    record = assessments.save_paper_test(
        instructor, enrolment, instruments["KT"], 70, clock.days(-3), None, utcnow()
    )
    with pytest.raises(DomainError) as refused:
        assessments.correct(instructor, record, "typed the wrong score", utcnow())
    assert refused.value.field == "score_percent" and not record.superseded


def test_a_photo_whose_file_is_gone_is_not_found(setting, instructor, tmp_path):
    enrolment, *_rest, instruments = setting
    osce = instruments["OSCE-1"]
    record = assessments.save_checklist(
        instructor, enrolment, osce, _all_done(osce), True, utcnow()
    )
    assert assessments.photo_of(record, tmp_path) is None  # no photo
    record.photo_token = "a" * 32
    assert assessments.photo_of(record, tmp_path) is None  # no such file


def test_a_failed_checklist_says_why(setting, instructor):
    enrolment, *_rest, instruments = setting
    osce = instruments["OSCE-1"]
    critical = next(n for n, i in enumerate(osce.items, start=1) if i.critical)
    item = osce.items[critical - 1]
    failed = assessments.save_checklist(
        instructor, enrolment, osce, _all_done(osce, {item.id: Mark.NOT_DONE}), True, utcnow()
    )
    why = assessments.why_not_passed(failed)
    assert why.critical_missed == (critical,) and why.share_percent == 50.0
    assert why.min_share_percent == 80
    passed = assessments.correct(instructor, failed, "ticked wrong", utcnow(), _all_done(osce))
    assert assessments.why_not_passed(passed) is None
