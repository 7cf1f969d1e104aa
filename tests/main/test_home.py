"""The home page: each role's list of what to do now, in both languages (Khmer digits in counts
and dates), a section per role, a calm line when nothing waits, and the panels of links below;
its SQL statements do not grow with the data."""

from __future__ import annotations

import re
from datetime import datetime, time

import pytest

from lms.auth import throttle
from lms.auth.roles import Role
from lms.database import utcnow
from lms.extensions import db
from lms.i18n import format_date, khmer_digits
from lms.quality import importer as quality_importer
from lms.quality import services as quality
from lms.training import services as training
from lms.training.models import CohortStatus
from lms.users.models import UserRole

from .. import clock, factories
from ..conftest import count_queries, km
from ..quality.conftest import write_tool

TITLE = "What to do now"
NOTHING = "Nothing waiting for you here."


def _text(message: str, lang: str, **values) -> str:
    return km(message, **values) if lang == "km" else (message % values if values else message)


def _home(client, lang: str) -> str:
    client.set_cookie("lang", lang)
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _counts(html: str) -> list[str]:
    return re.findall(r'<span class="todo-count">([^<]+)</span>', html)


def _evening_session(cohort):
    starts = datetime.combine(clock.today(), time(20))
    return training.schedule_session(
        None, cohort, cohort.curriculum.modules[0].id, starts, 60, "Room 2", now=utcnow()
    )


@pytest.fixture
def running(make_cohort):
    return make_cohort(status=CohortStatus.RUNNING)


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_trainee_sees_the_next_session_tests_cases_and_competencies(
    client, login_as, running, instructor, lang
):
    trainee = login_as(Role.TRAINEE)
    training.enrol(instructor, running, trainee, utcnow())
    session = _evening_session(running)
    db.session.commit()
    html = _home(client, lang)
    for message in (TITLE, "Next session", "Today", "Test to take", "Logbook cases still needed"):
        assert _text(message, lang) in html
    assert _text("Attempts left: %(value)s", lang, value=_text_digits("2", lang)) in html
    assert _counts(html) == [_text_digits("5", lang), _text_digits("2", lang)]
    assert format_date(session.starts_at, lang) in html
    assert _text_digits("20:00", lang) in html
    assert f'href="/cohorts/{running.id}#sessions"' in html
    assert _text("My progress", lang) in html  # the panels stay below


def _text_digits(value: str, lang: str) -> str:
    return khmer_digits(value) if lang == "km" else value


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_instructor_sees_todays_session_and_who_to_assess(
    client, login, running, instructor, lang
):
    for _ in range(3):
        training.enrol(instructor, running, factories.user(), utcnow())
    session = _evening_session(running)
    db.session.commit()
    login(instructor)
    html = _home(client, lang)
    assert _text("Session today: take attendance", lang) in html
    assert f'href="/cohorts/{running.id}/sessions/{session.id}/attendance"' in html
    assert _text("Trainees to assess", lang) in html and _text_digits("3", lang) in _counts(html)


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_officer_sees_trainees_to_certify(client, login_as, graduates, lang):
    login_as(Role.OFFICER)
    html = _home(client, lang)
    assert _text("Eligible, certificate not issued", lang) in html
    assert _counts(html) == [_text_digits("2", lang)]
    assert f'href="/certificates/cohorts/{graduates[0].cohort_id}"' in html


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_quality_assessor_sees_the_facilities_of_the_round(
    client, login_as, curriculum, tmp_path, lang
):
    quality_importer.import_tools(None, [write_tool(tmp_path)], utcnow())
    quality.save_round(
        None,
        quality.RoundData("R-NOW", "ជុំនេះ", "This round", clock.days(-30), clock.days(30)),
        utcnow(),
    )
    for _ in range(12):
        factories.facility(province_code="21")
    assessor = login_as(Role.QUALITY_ASSESSOR)
    quality.set_scopes(None, assessor, [factories.province("21").id], [], utcnow())
    db.session.commit()
    html = _home(client, lang)
    assert _text("Facilities not assessed yet in this round", lang) in html
    assert _counts(html) == [_text_digits("12", lang)]
    assert ("ជុំនេះ" if lang == "km" else "This round") in html


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_administrator_sees_accounts_to_help(client, login_as, lang):
    login_as(Role.ADMIN)
    assert _text(NOTHING, lang) in _home(client, lang)
    held = factories.user(family_name_en="PROK", given_name_en="Nita")
    for _ in range(throttle.Policy().pair):
        throttle.reserve(held, "10.0.0.7", utcnow(), throttle.Policy())
    db.session.commit()
    html = _home(client, lang)
    assert _text("Failed logins: the account must wait", lang) in html
    assert f'href="/users/{held.id}"' in html
    assert ("សុខ" if lang == "km" else "PROK Nita") in html
    assert _text("Administration", lang) in html


@pytest.mark.parametrize("lang", ["en", "km"])
def test_several_roles_see_a_section_each_and_a_calm_line_when_empty(client, login_as, lang):
    login_as(Role.TRAINEE, Role.OFFICER)
    html = _home(client, lang)
    for role in ("Trainee", "Accreditation officer"):
        assert f"{_text(TITLE, lang)} · {_text(role, lang)}" in html
    assert html.count(_text(NOTHING, lang)) == 2


def test_the_home_page_reads_as_many_statements_with_more_data(
    client, login, make_cohort, instructor, graduates
):
    """An instructor who also certifies: a growing number of cohorts does not add statements."""
    instructor.role_rows.append(UserRole(role=Role.OFFICER))
    db.session.commit()
    login(instructor)
    counts = []
    for n in (1, 4):
        for k in range(n):
            cohort = make_cohort(f"H-{n}-{k}", status=CohortStatus.RUNNING)
            training.enrol(instructor, cohort, factories.user(), utcnow())
            _evening_session(cohort)
        db.session.commit()
        with count_queries() as q:
            assert client.get("/").status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts
