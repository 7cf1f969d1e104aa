"""Assessment rounds through the browser: the next trainee and station after a record, and the
OSCE circuit, in both languages, for the cohort's instructor; refusals for everyone else."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.assessments.models import AssessmentRecord
from lms.auth.roles import Role
from lms.database import utcnow
from lms.extensions import db
from lms.training import services as training

from ... import factories
from ...conftest import count_queries, km
from .conftest import assess, checklist_form, enrol_many, full_name

TEXT = {
    "en": lambda message, **values: message % values if values else message,
    "km": km,
}


def _in(language, client):
    client.set_cookie("lang", language)
    return TEXT[language]


def _form_url(enrolment, instrument, **query):
    url = f"/enrolments/{enrolment.id}/instruments/{instrument.id}/checklist"
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("language", ["en", "km"])
def test_the_circuit_goes_from_one_blank_form_to_the_next(
    client, login, instructor, round_of_three, language
):
    (chea, keo, sok), stations = round_of_three
    osce = stations["OSCE-1"]
    login(instructor)
    t = _in(language, client)
    cohort_id = chea.cohort_id
    page = client.get(f"/cohorts/{cohort_id}/rounds")
    assert page.status_code == 200 and t("Choose a station") in page.get_data(as_text=True)
    start = client.get(f"/cohorts/{cohort_id}/rounds?instrument={osce.id}")
    assert start.status_code == 302 and start.location == _form_url(chea, osce, circuit=1)
    html = client.get(start.location).get_data(as_text=True)
    assert t("Circuit: one trainee after another at this station") in html
    assert t("Submit and go to the next trainee") in html
    assert t("Choose another trainee") in html and 'name="enrolment"' in html

    done = client.post(_form_url(chea, osce, circuit=1), data=checklist_form(osce))
    first = db.session.scalars(sa.select(AssessmentRecord)).one()
    assert done.status_code == 302
    assert done.location == _form_url(keo, osce, circuit=1, saved=first.id)
    html = client.get(done.location).get_data(as_text=True)
    assert t("Saved for %(name)s:", name=full_name(language, 0)) in html
    assert t("passed") in html and f"/records/{first.id}" in html
    assert 'type="radio" name="item' in html and "checked" not in html.split("<form")[-1]

    client.post(done.location, data=checklist_form(osce, fail=True))  # Keo does not pass
    second = db.session.scalars(sa.select(AssessmentRecord).order_by(AssessmentRecord.id)).all()[1]
    after = client.get(_form_url(sok, osce, circuit=1, saved=second.id)).get_data(as_text=True)
    assert t("not passed") in after
    assert t("Critical item %(n)s was not done.", n="១" if language == "km" else "1") in after

    last = client.post(_form_url(sok, osce, circuit=1), data=checklist_form(osce))
    assert last.location.startswith(f"/cohorts/{cohort_id}/rounds?instrument={osce.id}&saved=")
    html = client.get(last.location).get_data(as_text=True)
    assert t("Nobody else waits at this station today.") in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentRecord)) == 3


def test_the_examiner_chooses_another_trainee(client, login, instructor, round_of_three):
    (chea, _keo, sok), stations = round_of_three
    osce = stations["OSCE-1"]
    assess(instructor, sok, osce)  # passed: the circuit would not offer Sok, the examiner may
    login(instructor)
    url = f"/cohorts/{chea.cohort_id}/rounds?instrument={osce.id}&enrolment={sok.id}"
    assert client.get(url).location == _form_url(sok, osce, circuit=1)
    stranger = training.enrol(instructor, _other_cohort(instructor), factories.user(), utcnow())
    db.session.commit()
    url = f"/cohorts/{chea.cohort_id}/rounds?instrument={osce.id}&enrolment={stranger.id}"
    assert client.get(url).location == _form_url(chea, osce, circuit=1)  # not in this cohort


def _other_cohort(instructor):
    from lms.curricula.services import find_curriculum

    from ... import clock

    curriculum = find_curriculum("TST-CUR", 1)
    return factories.cohort(
        curriculum, instructor, code="C-OTHER", title_en="Other", end_date=clock.days(3)
    )


@pytest.mark.parametrize(
    "query", ["instrument=abc", "instrument=0", "instrument=99999999999999999999", "saved=x"]
)
def test_bad_round_queries_show_the_stations(client, login, instructor, round_of_three, query):
    (chea, _keo, _sok), _stations = round_of_three
    login(instructor)
    response = client.get(f"/cohorts/{chea.cohort_id}/rounds?{query}")
    assert response.status_code == 200


def test_a_saved_record_of_another_station_shows_no_banner(
    client, login, instructor, round_of_three
):
    (chea, keo, _sok), stations = round_of_three
    record = assess(instructor, chea, stations["OSCE-2"])
    login(instructor)
    client.set_cookie("lang", "en")
    url = _form_url(keo, stations["OSCE-1"], circuit=1, saved=record.id)
    html = client.get(url).get_data(as_text=True)
    assert "Saved for" not in html


@pytest.mark.parametrize("language", ["en", "km"])
def test_the_record_page_offers_the_next_trainee_and_station(
    client, login, instructor, round_of_three, language
):
    (chea, keo, _sok), stations = round_of_three
    osce = stations["OSCE-1"]
    login(instructor)
    t = _in(language, client)
    saved = client.post(_form_url(chea, osce), data=checklist_form(osce))
    html = client.get(saved.location).get_data(as_text=True)
    assert t("Next trainee at this station: %(name)s", name=full_name(language, 1)) in html
    assert f'href="{_form_url(keo, osce)}"' in html
    assert _form_url(keo, osce, circuit=1) in html
    assert f'href="{_form_url(chea, stations["OSCE-2"])}"' in html


def test_the_next_offers_are_for_the_assessor_only(client, login, instructor, round_of_three, app):
    (chea, _keo, _sok), stations = round_of_three
    second = factories.user(roles=[Role.INSTRUCTOR], username="second")
    chea.cohort.instructors.append(second)
    record = assess(instructor, chea, stations["OSCE-1"])
    login(second)
    html = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert 'class="card next"' not in html


@pytest.mark.parametrize("who", ["trainee", "stranger", "officer"])
def test_only_the_cohorts_instructors_go_round(client, login, round_of_three, who):
    (chea, _keo, _sok), stations = round_of_three
    osce = stations["OSCE-1"]
    person = {
        "trainee": lambda: chea.trainee,
        "stranger": lambda: factories.user(roles=[Role.INSTRUCTOR]),
        "officer": lambda: factories.user(roles=[Role.OFFICER]),
    }[who]()
    db.session.commit()
    login(person)
    cohort_id = chea.cohort_id
    assert client.get(f"/cohorts/{cohort_id}/rounds").status_code == 403
    assert client.get(f"/cohorts/{cohort_id}/rounds?instrument={osce.id}").status_code == 403
    assert client.get(_form_url(chea, osce, circuit=1)).status_code == 403
    posted = client.post(_form_url(chea, osce, circuit=1), data=checklist_form(osce))
    assert posted.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentRecord)) == 0


CIRCUIT_COUNTS: set[int] = set()


@pytest.mark.parametrize("n", [3, 20])
def test_the_circuit_form_takes_the_same_queries_for_any_cohort(
    client, login, instructor, cohort, curriculum, n
):
    osce = curriculum.instruments[0]
    enrolments = enrol_many(instructor, cohort, n)
    records = [assess(instructor, e, osce, passed=e.id % 2 == 0) for e in enrolments[1:]]
    login(instructor)
    with count_queries() as page:
        url = _form_url(enrolments[0], osce, circuit=1, saved=records[0].id)
        response = client.get(url)
    assert response.status_code == 200 and km("Choose another trainee") in response.text
    assert (
        km("Saved for %(name)s:", name=records[0].enrolment.trainee.full_name_km) in response.text
    )
    print("circuit form queries", n, page.count)
    assert page.count <= 25, page.statements
    CIRCUIT_COUNTS.add(page.count)
    assert len(CIRCUIT_COUNTS) == 1, CIRCUIT_COUNTS
