"""A checklist or a form posted after the session or its token ended comes back, filled in and
unsubmitted, once its author has logged in again."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.assessments.models import AssessmentRecord
from lms.auth.models import PendingSubmission
from lms.extensions import db

from .. import clock, factories
from ..conftest import csrf_token, km

SAME_SITE = {"Origin": "http://localhost"}
KEPT = "Your work was kept: check it and submit again."
ASK = "Your work on this page was kept. Log in again to check it and send it."


def _t(message, language):
    return km(message) if language == "km" else message


def _records():
    return db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentRecord))


def _checklist(enrolled):
    enrolment, _trainee, instruments = enrolled
    osce = instruments["OSCE-1"]
    url = f"/enrolments/{enrolment.id}/instruments/{osce.id}/checklist"
    data = {f"item{osce.items[0].id}": "done", f"item{osce.items[1].id}": "not_done"}
    data.update(overall_rating="3", comments="Good hand washing ល្អ", action="submit")
    return url, data


def _log_in_again(client, login_url, user):
    response = client.post(login_url, data={"login": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize("language", ["en", "km"])
def test_a_checklist_posted_after_expiry_comes_back_filled_in(
    client, login, enrolled, instructor, language
):
    url, data = _checklist(enrolled)
    login(instructor)
    client.set_cookie("lang", language)
    with clock.later(timedelta(minutes=31)):
        response = client.post(url, data=data, headers=SAME_SITE)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert _t(ASK, language) in page
        back = _log_in_again(client, response.headers["Location"], instructor)
        assert back == url
        html = client.get(back).get_data(as_text=True)
        assert _t(KEPT, language) in html
        assert 'value="done" checked' in html and 'value="not_done" checked' in html
        assert "Good hand washing ល្អ" in html
        assert _records() == 0  # nothing applied without the second submit
        again = client.get(back).get_data(as_text=True)  # given back once only
        assert "Good hand washing" not in again and _t(KEPT, language) not in again


def test_a_post_from_another_site_is_not_kept(client, login, enrolled, instructor):
    url, data = _checklist(enrolled)
    login(instructor)
    with clock.later(timedelta(minutes=31)):
        client.post(url, data=data, headers={"Origin": "https://evil.example"})
        client.post(url, data=data)  # no origin at all
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PendingSubmission)) == 0


def test_another_account_logging_in_gets_nothing(client, login, enrolled, instructor, cohort):
    url, data = _checklist(enrolled)
    login(instructor)
    second = factories.user(roles=list(instructor.roles), username="second")
    cohort.instructors.append(second)
    db.session.commit()
    with clock.later(timedelta(minutes=31)):
        login_url = client.post(url, data=data, headers=SAME_SITE).headers["Location"]
        _log_in_again(client, login_url, second)
        html = client.get(url).get_data(as_text=True)
    assert "Good hand washing" not in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PendingSubmission)) == 1


@pytest.mark.parametrize("language", ["en", "km"])
def test_an_expired_token_keeps_the_checklist(app, client, login, enrolled, instructor, language):
    url, data = _checklist(enrolled)
    login(instructor)
    client.set_cookie("lang", language)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(url, data={**data, "csrf_token": "expired"}, headers=SAME_SITE)
    assert response.status_code == 302 and response.headers["Location"] == url
    html = client.get(url).get_data(as_text=True)
    assert _t(KEPT, language) in html and "Good hand washing ល្អ" in html
    assert 'value="done" checked' in html
    assert _records() == 0
    # The second submit, with a live token, is the one that counts.
    client.post(url, data={**data, "csrf_token": csrf_token(html)})
    assert _records() == 1


@pytest.mark.parametrize("language", ["en", "km"])
def test_a_wtforms_form_comes_back_filled_in(client, login, enrolled, instructor, language):
    enrolment, _trainee, instruments = enrolled
    url = f"/enrolments/{enrolment.id}/instruments/{instruments['KT'].id}/paper"
    data = {"score_percent": "87.5", "assessed_on": clock.days(-2).isoformat()}
    data["comments"] = "Retake of the first paper"
    login(instructor)
    client.set_cookie("lang", language)
    with clock.later(timedelta(minutes=31)):
        login_url = client.post(url, data=data, headers=SAME_SITE).headers["Location"]
        back = _log_in_again(client, login_url, instructor)
        html = client.get(back).get_data(as_text=True)
    assert _t(KEPT, language) in html
    assert 'value="87.5"' in html and clock.days(-2).isoformat() in html
    assert "Retake of the first paper" in html
    assert _records() == 0


LANGUAGE_KEPT = "What you typed is still here. Nothing was sent yet."


@pytest.mark.parametrize("language", ["en", "km"])
def test_switching_language_mid_checklist_keeps_the_marks(
    client, login, enrolled, instructor, language
):
    url, data = _checklist(enrolled)
    login(instructor)
    client.set_cookie("lang", language)
    page = client.get(url).get_data(as_text=True)
    # The language buttons send the checklist's own form, to the switch.
    assert page.count('form="work" formaction="/language?next=') == 2
    other = "en" if language == "km" else "km"
    switch = f"/language?next={url}"
    response = client.post(switch, data={**data, "language": other}, headers=SAME_SITE)
    assert response.status_code == 302 and response.headers["Location"] == url
    html = client.get(url).get_data(as_text=True)
    assert f'<html lang="{other}">' in html
    assert _t(LANGUAGE_KEPT, other) in html
    assert 'value="done" checked' in html and "Good hand washing ល្អ" in html
    assert _records() == 0


def test_switching_language_on_a_wtforms_form_keeps_it(client, login, enrolled, instructor):
    enrolment, _trainee, instruments = enrolled
    url = f"/enrolments/{enrolment.id}/instruments/{instruments['KT'].id}/paper"
    login(instructor)
    client.set_cookie("lang", "en")
    data = {"score_percent": "61", "comments": "Second sitting", "language": "km"}
    client.post(f"/language?next={url}", data=data, headers=SAME_SITE)
    html = client.get(url).get_data(as_text=True)
    assert 'value="61"' in html and "Second sitting" in html and km(LANGUAGE_KEPT) in html


def test_the_plain_switcher_on_other_pages_keeps_nothing(client, login, instructor):
    login(instructor)
    page = client.get("/account").get_data(as_text=True)
    assert 'formaction="/language' not in page
    client.post("/language", data={"language": "en", "next": "/account"}, headers=SAME_SITE)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PendingSubmission)) == 0
