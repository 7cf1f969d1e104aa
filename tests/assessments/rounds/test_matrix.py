"""The competency matrix one trainee or one competency at a time, and the evidence of a cell:
services without HTTP, pages in both languages for each role, constant query counts."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from lms.assessments import services as assessments
from lms.assessments.rules import CompetencyState
from lms.auth.roles import Role
from lms.database import utcnow
from lms.extensions import db
from lms.frameworks.models import Competency

from ... import factories
from ...conftest import count_queries, km
from .conftest import assess, enrol_many, full_name


def _competency(code: str) -> Competency:
    return db.session.scalar(sa.select(Competency).where(Competency.code == code))


def test_the_focus_is_a_row_a_column_or_everything(round_of_three, instructor, cohort):
    (chea, keo, sok), stations = round_of_three
    assess(instructor, keo, stations["OSCE-1"])
    found = assessments.cohort_matrix(cohort)
    one, two = _competency("D1.1"), _competency("D1.2")
    row = assessments.matrix_focus(found, keo.id, None)
    assert (row.trainee, row.previous, row.following) == (keo, chea.id, sok.id)
    assert row.required_achieved == 1 and not row.whole
    first = assessments.matrix_focus(found, chea.id, two.id)  # the trainee wins
    assert (first.trainee, first.previous) == (chea, None)
    column = assessments.matrix_focus(found, None, two.id)
    assert column.competency.id == two.id and (column.previous, column.following) == (one.id, None)
    for trainee_id, competency_id in [(None, None), (10**9, None), (None, _competency("D2").id)]:
        assert assessments.matrix_focus(found, trainee_id, competency_id).whole


def test_the_evidence_of_a_cell(round_of_three, instructor):
    (chea, _keo, _sok), stations = round_of_three
    record = assess(instructor, chea, stations["OSCE-1"])
    found = assessments.competency_evidence(chea, _competency("D1.1").id)
    assert found.required and found.outcome.state == CompetencyState.ACHIEVED
    assert found.evidence.records == [record] and found.decisions == []
    assert [i.code for i in found.evidence.instruments] == ["OSCE-1"]
    assert assessments.competency_evidence(chea, _competency("D2").id) is None  # not assessed
    assert assessments.competency_evidence(chea, 10**9) is None


@pytest.mark.parametrize("language", ["en", "km"])
def test_one_trainee_at_a_time_with_names_and_links(
    client, login, instructor, round_of_three, language
):
    (chea, keo, sok), stations = round_of_three
    assess(instructor, keo, stations["OSCE-1"])
    login(instructor)
    client.set_cookie("lang", language)
    t = km if language == "km" else (lambda m, **v: m % v if v else m)
    cohort_id = keo.cohort_id
    html = client.get(f"/cohorts/{cohort_id}/matrix?trainee={keo.id}").get_data(as_text=True)
    assert full_name(language, 1) in html
    title = "Competency one" if language == "en" else "សមត្ថភាពមួយ"
    assert title in html and " title=" not in html.split("<main")[1]  # nothing in tooltips
    one = _competency("D1.1")
    assert f'href="/enrolments/{keo.id}/competencies/{one.id}"' in html
    assert t("Previous trainee") in html and t("Next trainee") in html
    assert f"?trainee={chea.id}" in html and f"?trainee={sok.id}" in html
    done = "1" if language == "en" else "១"
    total = "2" if language == "en" else "២"
    assert t("%(done)s of %(total)s required competencies achieved", done=done, total=total) in html
    assert '<select id="pick-trainee" name="trainee">' in html


@pytest.mark.parametrize("language", ["en", "km"])
def test_one_competency_at_a_time(client, login, instructor, round_of_three, language):
    (chea, keo, sok), stations = round_of_three
    assess(instructor, keo, stations["OSCE-1"])
    login(instructor)
    client.set_cookie("lang", language)
    one = _competency("D1.1")
    html = client.get(f"/cohorts/{keo.cohort_id}/matrix?competency={one.id}").get_data(as_text=True)
    for n, e in enumerate((chea, keo, sok)):
        assert full_name(language, n) in html
        assert f'href="/enrolments/{e.id}/competencies/{one.id}"' in html
    assert html.count("badge-ok") == 1  # Keo achieved it; the others not yet


def test_the_whole_matrix_links_every_cell_and_names_the_codes(
    client, login, instructor, round_of_three
):
    (chea, _keo, _sok), _stations = round_of_three
    login(instructor)
    client.set_cookie("lang", "en")
    for query in ("", "?trainee=abc", "?competency=99999999999999999999", "?trainee=0"):
        html = client.get(f"/cohorts/{chea.cohort_id}/matrix{query}").get_data(as_text=True)
        cells = re.findall(r'<td class="s-[a-z_]+"><a href="/enrolments/\d+/competencies/', html)
        assert len(cells) == 3 * 2, query  # three trainees, two competencies
        assert "Competency one" in html and "Competency two" in html  # the codes' legend
        assert 'class="print-landscape"' in html


@pytest.mark.parametrize("language", ["en", "km"])
def test_the_evidence_page(client, login, instructor, round_of_three, language):
    (chea, _keo, _sok), stations = round_of_three
    record = assess(instructor, chea, stations["OSCE-1"])
    one = _competency("D1.1")
    login(instructor)
    client.set_cookie("lang", language)
    response = client.get(f"/enrolments/{chea.id}/competencies/{one.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and full_name(language, 0) in html
    assert f'href="/records/{record.id}"' in html
    assert f"/enrolments/{chea.id}/competencies/{one.id}/panel" in html  # for the panel
    assert f"/matrix?trainee={chea.id}" in html
    t = km if language == "km" else (lambda m: m)
    assert t("The evidence") in html and t("passed") in html


def test_who_sees_the_evidence(client, login, instructor, round_of_three, app):
    (chea, keo, _sok), stations = round_of_three
    assess(instructor, chea, stations["OSCE-1"])
    one = _competency("D1.1")
    url = f"/enrolments/{chea.id}/competencies/{one.id}"
    officer = factories.user(roles=[Role.OFFICER])
    assessor = factories.user(roles=[Role.QUALITY_ASSESSOR])
    stranger = factories.user(roles=[Role.INSTRUCTOR])
    db.session.commit()
    expected = [(chea.trainee, 200), (keo.trainee, 403), (officer, 200), (assessor, 403)]
    expected.append((stranger, 403))
    for person, status in expected:
        other = app.test_client()
        other.post("/login", data={"login": person.username, "password": factories.PASSWORD})
        assert other.get(url).status_code == status, person.username
    own = app.test_client()
    own.post("/login", data={"login": chea.trainee.username, "password": factories.PASSWORD})
    html = own.get(url).get_data(as_text=True)
    assert "/panel" not in html and "/matrix" not in html  # a trainee has neither
    login(instructor)
    assert client.get(f"/enrolments/{chea.id}/competencies/{_competency('D2').id}").status_code == (
        404
    )
    assert client.get(f"/cohorts/{chea.cohort_id}/matrix?trainee={chea.id}").status_code == 200
    for person in (chea.trainee, assessor, stranger):
        other = app.test_client()
        other.post("/login", data={"login": person.username, "password": factories.PASSWORD})
        assert other.get(f"/cohorts/{chea.cohort_id}/matrix?trainee={chea.id}").status_code == 403


MATRIX_COUNTS: dict[str, set[int]] = {}


@pytest.mark.parametrize("n", [2, 20])
def test_each_view_of_the_matrix_takes_the_same_queries(
    client, login, instructor, cohort, curriculum, n
):
    osce = curriculum.instruments[0]
    enrolments = enrol_many(instructor, cohort, n)
    for e in enrolments:
        assess(instructor, e, osce, passed=e.id % 2 == 0)
    assessments.propose_panel_decision(
        instructor, enrolments[0], _competency("D1.2").id, True, "seen", utcnow()
    )
    db.session.commit()
    login(instructor)
    views = {
        "whole": "",
        "trainee": f"?trainee={enrolments[1].id}",
        "competency": f"?competency={_competency('D1.1').id}",
    }
    for view, query in views.items():
        with count_queries() as page:
            assert client.get(f"/cohorts/{cohort.id}/matrix{query}").status_code == 200
        assert page.count <= 16, (view, page.statements)
        MATRIX_COUNTS.setdefault(view, set()).add(page.count)
    with count_queries() as page:
        url = f"/enrolments/{enrolments[1].id}/competencies/{_competency('D1.1').id}"
        assert client.get(url).status_code == 200
    MATRIX_COUNTS.setdefault("evidence", set()).add(page.count)
    assert all(len(counts) == 1 for counts in MATRIX_COUNTS.values()), MATRIX_COUNTS
