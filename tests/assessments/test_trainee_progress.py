"""The trainee's progress: the headline and the domain bars count the same competencies, the
bars carry names, each planned assessment says where it stands, the test and logbook come
first, and logbook counts carry their case types' names."""

import pytest

from lms.assessments import online_tests, progress
from lms.assessments import services as assessments
from lms.assessments.models import CaseRole
from lms.assessments.progress import PlanState
from lms.auth.roles import Role
from lms.database import utcnow
from lms.extensions import db
from lms.training import services as training

from .. import clock, factories
from ..conftest import count_queries, km
from ..curricula import samples


def _bars_add_up(p) -> None:
    assert sum(d.achieved for d in p.domains) == p.achieved
    assert sum(d.total for d in p.domains) == p.total == len(p.outcomes)


def test_the_headline_and_the_bars_count_the_same_competencies(
    app, tmp_path, curriculum, instructor, make_cohort
):
    # Only D1.1 is required, but the plan assesses D1.2 too: both are shown, and counted.
    data = samples.curriculum(code="TST-MIX")
    data["completion"] = {**data["completion"], "required_competencies": ["D1.1"]}
    mixed = samples.publish(tmp_path, data)
    cohort = make_cohort(code="MIX")
    cohort.curriculum_id = mixed.id
    trainee = factories.user()
    enrolment = training.enrol(instructor, cohort, trainee, utcnow())
    db.session.commit()
    before = progress.enrolment_progress(enrolment, utcnow())
    assert (before.achieved, before.total) == (0, 2)
    assert [(d.code, d.achieved, d.total) for d in before.domains] == [("D1", 0, 2)]
    _bars_add_up(before)
    osce = next(i for i in mixed.instruments if i.code == "OSCE-1")
    factories.passed_checklist(instructor, enrolment, osce)
    after = progress.enrolment_progress(enrolment, utcnow())
    assert (after.achieved, after.total) == (1, 2)
    _bars_add_up(after)


def _plan(p):
    return {item.instrument.code: item.state for item in p.plan}


def test_each_planned_assessment_says_where_it_stands(enrolled, instructor):
    enrolment, trainee, instruments = enrolled
    osce, kt, log = instruments["OSCE-1"], instruments["KT"], instruments["LOG"]
    now = utcnow()
    p = progress.enrolment_progress(enrolment, now)
    assert _plan(p) == dict.fromkeys(("OSCE-1", "KT", "LOG"), PlanState.NOT_STARTED)
    assert [a.instrument.code for a in p.actions] == ["KT", "LOG"]
    osce.second_assessor = True
    factories.passed_checklist(instructor, enrolment, osce, now)
    attempt = online_tests.start_attempt(trainee, enrolment, kt, now)
    factories.logbook_case(trainee, enrolment, log, "A-1", verified_by=instructor, now=now)
    p = progress.enrolment_progress(enrolment, now)
    assert _plan(p) == {
        "OSCE-1": PlanState.WAITING,
        "KT": PlanState.STARTED,
        "LOG": PlanState.STARTED,
    }
    test = next(i for i in p.plan if i.instrument.code == "KT")
    assert test.attempt_open and test.attempts_used == 1 and test.attempts_left == 1
    logbook = next(i for i in p.plan if i.instrument.code == "LOG")
    assert logbook.logbook.progress == ((log.case_types[0].id, 1, 5),)
    wrong = next(o.id for o in online_tests.paper(attempt)[0][1] if not o.correct)
    online_tests.submit_attempt(trainee, attempt, {kt.questions[0].id: wrong}, now)
    assert _plan(progress.enrolment_progress(enrolment, now))["KT"] == PlanState.NOT_PASSED
    second = online_tests.start_attempt(trainee, enrolment, kt, now)
    right = next(o.id for o in online_tests.paper(second)[0][1] if o.correct)
    online_tests.submit_attempt(trainee, second, {kt.questions[0].id: right}, now)
    p = progress.enrolment_progress(enrolment, now)
    assert _plan(p)["KT"] == PlanState.PASSED
    assert [a.instrument.code for a in p.actions] == ["LOG"]  # a passed test is done


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_enrolment_page_puts_the_test_and_logbook_first_with_states(
    client, login, enrolled, instructor, lang
):
    enrolment, trainee, instruments = enrolled
    log = instruments["LOG"]
    factories.logbook_case(trainee, enrolment, log, "A-1", verified_by=instructor)
    db.session.commit()
    login(trainee)
    client.set_cookie("lang", lang)
    html = client.get(f"/enrolments/{enrolment.id}").get_data(as_text=True)
    test_link = f'href="/enrolments/{enrolment.id}/tests/{instruments["KT"].id}"'
    logbook_link = f'href="/enrolments/{enrolment.id}/logbook/{log.id}"'
    competencies = html.index("<h2>" + ("Competencies" if lang == "en" else km("Competencies")))
    assert html.index(test_link) < competencies and html.index(logbook_link) < competencies
    if lang == "en":
        assert "To do" in html and "Take the test online" in html
        assert "Normal birth: 1 of 5 verified" in html  # the count carries its label
        assert "1 of 2 competencies achieved" not in html and "0 of 2 competencies" in html
        assert "Not assessed yet" in html and "In progress" in html
        assert '<span id="bar-1">Domain one</span>' in html  # the bar's name, not D1
    else:
        verified = km("%(n)s of %(m)s verified", n="១", m="៥")
        assert f"ការសម្រាលធម្មតា: {verified}" in html
        assert km("To do") in html and km("Not assessed yet") in html
        assert '<span id="bar-1">ដែនទីមួយ</span>' in html


def test_an_instructor_sees_the_plans_states_without_the_trainees_actions(
    client, login, enrolled, instructor
):
    enrolment, _trainee, _instruments = enrolled
    login(instructor)
    client.set_cookie("lang", "en")
    html = client.get(f"/enrolments/{enrolment.id}").get_data(as_text=True)
    assert "To do" not in html and "Take the test online" not in html
    assert "Not assessed yet" in html and "Assess now" in html


def test_my_progress_offers_the_test_and_the_logbook(client, login, enrolled):
    enrolment, trainee, instruments = enrolled
    login(trainee)
    client.set_cookie("lang", "en")
    html = client.get("/my/progress").get_data(as_text=True)
    assert f'/enrolments/{enrolment.id}/tests/{instruments["KT"].id}"' in html
    assert f'/enrolments/{enrolment.id}/logbook/{instruments["LOG"].id}"' in html
    assert "0 of 2 competencies achieved" in html and "Domain one" in html


def test_another_trainee_does_not_see_the_enrolment(client, login_as, enrolled):
    enrolment, _trainee, _instruments = enrolled
    login_as(Role.TRAINEE, username="another")
    assert client.get(f"/enrolments/{enrolment.id}").status_code == 403


def test_the_enrolment_and_progress_pages_do_not_grow_with_attempts_and_cases(
    client, login, enrolled, instructor
):
    enrolment, trainee, instruments = enrolled
    kt, log = instruments["KT"], instruments["LOG"]
    login(trainee)
    counts = []
    for round_ in range(3):
        with count_queries() as enrolment_page:
            assert client.get(f"/enrolments/{enrolment.id}").status_code == 200
        with count_queries() as progress_page:
            assert client.get("/my/progress").status_code == 200
        counts.append((enrolment_page.count, progress_page.count))
        if round_ < kt.attempts:  # one more attempt handed in, one more case verified
            attempt = online_tests.start_attempt(trainee, enrolment, kt, utcnow())
            online_tests.submit_attempt(trainee, attempt, {}, utcnow())
        entry = assessments.add_logbook_entry(
            trainee, enrolment, log, log.case_types[0].id, clock.days(-2), None,
            f"A-{round_}", CaseRole.PERFORMED, utcnow(),
        )  # fmt: skip
        assessments.review_logbook_entry(instructor, entry, True, None, utcnow())
        db.session.commit()
    assert len(set(counts[1:])) == 1, counts  # the first visit reads the curriculum once
