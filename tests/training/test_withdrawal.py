"""Withdrawing asks once, on a page that works without JavaScript and says what will happen;
a withdrawal made today can be undone, by the trainee or the cohort's instructor."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.database import utcnow
from lms.errors import DomainError, Forbidden
from lms.extensions import db
from lms.training import services as training
from lms.training.models import EnrolmentStatus

from .. import clock, factories
from ..conftest import km


@pytest.fixture
def enrolment(cohort, instructor):
    trainee = factories.user(username="sok.dara")
    enrolment = training.enrol(instructor, cohort, trainee, utcnow())
    db.session.commit()
    return enrolment


@pytest.mark.parametrize("lang", ["en", "km"])
def test_withdrawing_asks_first_and_says_what_happens(client, login, enrolment, lang):
    login(enrolment.trainee)
    client.set_cookie("lang", lang)
    url = f"/cohorts/{enrolment.cohort_id}/enrolments/{enrolment.id}/withdraw"
    page = client.post(url, data={"reason": "moved to another province"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert enrolment.status == EnrolmentStatus.ENROLLED  # nothing happened yet
    consequence = (
        "The place is given up: no more sessions, assessments or certificate in this cohort. "
        "The attendance and results so far are kept. It can be undone today only."
    )
    assert (consequence if lang == "en" else km(consequence)) in html
    assert 'name="reason" value="moved to another province"' in html
    assert 'name="confirmed" value="1"' in html and f'action="{url}"' in html
    done = client.post(url, data={"reason": "moved to another province", "confirmed": "1"})
    assert done.status_code == 302
    db.session.refresh(enrolment)
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    cohort_page = client.get(f"/cohorts/{enrolment.cohort_id}").get_data(as_text=True)
    undo = "Undo the withdrawal"
    assert (undo if lang == "en" else km(undo)) in cohort_page


def test_a_withdrawal_is_undone_the_same_day_only(enrolment, instructor):
    training.withdraw(enrolment.trainee, enrolment, None, utcnow())
    training.undo_withdrawal(enrolment.trainee, enrolment, utcnow())
    assert enrolment.status == EnrolmentStatus.ENROLLED
    training.withdraw(instructor, enrolment, None, utcnow())
    db.session.commit()
    with clock.later(timedelta(days=1)), pytest.raises(DomainError, match="made today"):
        training.undo_withdrawal(instructor, enrolment, utcnow())


def test_nobody_else_may_undo_it(enrolment):
    training.withdraw(enrolment.trainee, enrolment, None, utcnow())
    with pytest.raises(Forbidden):
        training.undo_withdrawal(factories.user(username="stranger"), enrolment, utcnow())


def test_an_instructor_undoes_it_from_the_roster(client, login, enrolment, instructor):
    training.withdraw(instructor, enrolment, None, utcnow())
    db.session.commit()
    login(instructor)
    client.set_cookie("lang", "en")
    page = client.get(f"/cohorts/{enrolment.cohort_id}").get_data(as_text=True)
    url = f"/cohorts/{enrolment.cohort_id}/enrolments/{enrolment.id}/reinstate"
    assert f'action="{url}"' in page
    assert client.post(url).status_code == 302
    db.session.refresh(enrolment)
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_another_trainee_gets_no_question_about_someone_else(client, login, enrolment):
    login(factories.user(username="nosy"))
    url = f"/cohorts/{enrolment.cohort_id}/enrolments/{enrolment.id}/withdraw"
    assert client.post(url).status_code == 403
