"""The online test through the browser: pages, progress and timer, answers kept across a
reload, the warning before handing in with questions unanswered, the review, the last-attempt
notice; in both languages, refused to everyone but the trainee, in a fixed number of queries."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.assessments import online_rules, online_tests
from lms.assessments.models import TestAnswer, TestAttempt
from lms.auth.roles import Role
from lms.extensions import db

from .. import clock, factories
from ..conftest import count_queries, km
from . import online_setup


@pytest.fixture
def online(app, tmp_path, curriculum, instructor):
    return online_setup.maker(tmp_path, instructor)


def _start(client, login, o, lang="en"):
    """Log the trainee in, in `lang`, and start an attempt: (test url, attempt)."""
    login(o.trainee)
    client.set_cookie("lang", lang)
    url = f"/enrolments/{o.enrolment.id}/tests/{o.test.id}"
    assert client.post(url, data={"action": "start"}).status_code == 302
    return url, db.session.scalars(sa.select(TestAttempt)).one()


def _page_questions(attempt, page, per_page=5):
    order = online_tests.order_of(attempt)
    return [order[n][0] for n in online_rules.page_range(page, len(order), per_page)]


@pytest.mark.parametrize("lang", ["en", "km"])
def test_the_trainee_goes_page_by_page_and_a_reload_keeps_the_answers(client, login, online, lang):
    o = online(n=12, per_page=5, minutes=30)
    login(o.trainee)
    client.set_cookie("lang", lang)
    url = f"/enrolments/{o.enrolment.id}/tests/{o.test.id}"
    intro = client.get(url).get_data(as_text=True)
    if lang == "en":
        assert "Time limit: 30 minutes." in intro and "Start the test" in intro
    else:
        assert km("Time limit: %(n)s minutes.", n="៣០") in intro
    url, attempt = _start(client, login, o, lang)
    html = client.get(url).get_data(as_text=True)
    if lang == "en":
        assert "Questions 1–5 of 12" in html and "0 of 12 answered" in html
        assert "Time left:" in html and "30 min" in html and "Hand in by" in html
    else:
        where = km("Questions %(first)s–%(last)s of %(total)s", first="១", last="៥", total="១២")
        assert where in html
        assert km("%(done)s of %(total)s answered", done="០", total="១២") in html
        assert km("%(n)s min", n="៣០") in html
    assert '<progress id="answered" value="0" max="12">' in html
    assert "js/test-timer.js" in html
    first = _page_questions(attempt, 1)
    assert all(f'name="q{q}"' in html for q in first)
    right = o.right(attempt)
    data = {"attempt": attempt.id, "page": 1, "go": 2} | {f"q{q}": right[q] for q in first}
    moved = client.post(url, data=data)
    assert moved.status_code == 302 and moved.headers["Location"].endswith("?page=2")
    # A reload (or the browser closed and opened again): where the trainee stopped.
    again = client.get(url).get_data(as_text=True)
    assert all(f'name="q{q}"' in again for q in _page_questions(attempt, 2))
    assert '<progress id="answered" value="5" max="12">' in again
    back = client.get(f"{url}?page=1").get_data(as_text=True)
    assert all(f'name="q{q}" value="{right[q]}" checked' in back for q in first)


def test_handing_in_with_unanswered_questions_warns_and_links_to_them(client, login, online):
    o = online(n=12, per_page=5, review="mistakes")
    url, attempt = _start(client, login, o)
    right = o.right(attempt)
    order = [q for q, _ids in online_tests.order_of(attempt)]
    for page in (1, 2):
        answers = {f"q{q}": right[q] for q in _page_questions(attempt, page)}
        client.post(url, data={"attempt": attempt.id, "page": page, "go": page + 1, **answers})
    last = {f"q{q}": right[q] for q in _page_questions(attempt, 3)[:1]}  # one of two answered
    asked = client.post(url, data={"attempt": attempt.id, "page": 3, "action": "finish", **last})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Hand in your answers?" in page
    assert "1 of 12 questions have no answer: they count as wrong." in page
    assert f'href="{url}?page=3#q{order[11]}"' in page and ">Question 12</a>" in page
    assert 'name="confirmed"' in page and f'href="{url}?page=3"' in page  # Cancel: page 3
    db.session.refresh(attempt)
    assert attempt.submitted_at is None  # asked first, the page saved, nothing marked
    assert db.session.get(TestAnswer, (attempt.id, order[10])) is not None
    done = client.post(
        url,
        data={"attempt": attempt.id, "page": 3, "action": "finish", "confirmed": "1", **last},
        follow_redirects=True,
    )
    html = done.get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.score_percent == round(11 * 100 / 12, 1) and attempt.passed
    assert "Your score: 91.7%." in html and "Attempt 1: your answers" in html
    assert "11 of 12 answered correctly." in html and "No answer" in html
    assert "✓ Right answer" in html  # passed: the right answers are shown
    assert "You passed this test." in html


def test_after_a_failed_attempt_the_review_hides_the_right_answers_and_warns_of_the_last(
    client, login, online
):
    o = online(n=4, per_page=4, review="mistakes", attempts=2, minutes=None)
    url, attempt = _start(client, login, o, "km")
    wrong = o.wrong(attempt)
    data = {"attempt": attempt.id, "page": 1, "action": "finish", "confirmed": "1"}
    client.post(url, data=data | {f"q{q}": w for q, w in wrong.items()})
    html = client.get(url).get_data(as_text=True)
    assert "✗ " + km("Your answer") in html and '<li class="right">' not in html
    hidden = "The right answers are shown once you pass the test or have used every attempt."
    assert km(hidden) in html
    assert km("This is your last attempt.") in html
    assert km("Start attempt %(n)s", n="២") in html
    # The second, last attempt: marked as such while it runs and when handing in.
    client.post(url, data={"action": "start"})
    second = db.session.scalars(sa.select(TestAttempt).where(TestAttempt.number == 2)).one()
    assert km("Last attempt") in client.get(url).get_data(as_text=True)
    asked = client.post(url, data={"attempt": second.id, "page": 1, "action": "finish"})
    assert km("This is your last attempt at this test.") in asked.get_data(as_text=True)
    client.post(url, data={"attempt": second.id, "page": 1, "action": "finish", "confirmed": "1"})
    html = client.get(url).get_data(as_text=True)
    assert "✓ " + km("Right answer") in html  # no attempt left: the right answers now
    assert km("You have used every attempt allowed for this test.") in html
    earlier = client.get(f"{url}?attempt=1").get_data(as_text=True)
    assert km("Attempt %(n)s: your answers", n="១") in earlier


@pytest.mark.parametrize(("policy", "score"), [("none", False), ("score", True)])
def test_a_review_without_answers_shows_the_score_only_where_allowed(
    client, login, online, policy, score
):
    o = online(n=2, per_page=2, review=policy, minutes=None)
    url, attempt = _start(client, login, o)
    data = {"attempt": attempt.id, "page": 1, "action": "finish", "confirmed": "1"}
    done = client.post(url, data=data, follow_redirects=True).get_data(as_text=True)
    assert ("Your score: 0%." in done) is score
    assert ("Your answers were handed in." in done) is not score
    assert "✗ Your answer" not in done and "✓ Right answer" not in done


def test_answers_sent_after_the_time_are_refused_and_the_attempt_is_marked(client, login, online):
    o = online(n=4, per_page=2, minutes=10)
    url, attempt = _start(client, login, o)
    right = o.right(attempt)
    first = {f"q{q}": right[q] for q in _page_questions(attempt, 1, 2)}
    client.post(url, data={"attempt": attempt.id, "page": 1, "go": 2, **first})
    late = {f"q{q}": right[q] for q in _page_questions(attempt, 2, 2)}
    with clock.later(timedelta(minutes=10) + online_rules.GRACE + timedelta(seconds=5)):
        response = client.post(
            url, data={"attempt": attempt.id, "page": 2, "go": 1, **late}, follow_redirects=True
        )
    html = response.get_data(as_text=True)
    assert "The time was up at" in html
    db.session.refresh(attempt)
    assert attempt.timed_out and attempt.score_percent == 50.0
    assert "closed when the time ran out" in html


def test_an_abandoned_attempt_is_closed_when_the_page_is_opened_after_its_time(
    client, login, online
):
    o = online(n=2, per_page=2, minutes=5)
    url, attempt = _start(client, login, o, "km")
    with clock.later(timedelta(minutes=20)):
        html = client.get(url).get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.timed_out and attempt.submitted_at == attempt.deadline_at
    assert km("closed when the time ran out") in html


def test_bad_page_and_attempt_numbers_are_ignored(client, login, online):
    o = online(n=6, per_page=2)
    url, attempt = _start(client, login, o)
    for query in ("?page=abc", "?page=0", "?page=99999999999999", "?page=-3", "?attempt=x"):
        assert client.get(url + query).status_code == 200
    data = {"attempt": attempt.id, "page": "x", "go": "99999999999999", "q1": "nope"}
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data={"attempt": "0", "go": "2"}).status_code == 404


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.OFFICER, Role.ADMIN, Role.TRAINEE])
def test_only_the_trainee_opens_their_test(client, login_as, online, role):
    o = online(n=2, per_page=2)
    attempt = o.start()
    db.session.commit()
    login_as(role)
    url = f"/enrolments/{o.enrolment.id}/tests/{o.test.id}"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"action": "start"}).status_code == 403
    answers = {"attempt": attempt.id, "page": 1, "go": 2, "action": "finish", "confirmed": "1"}
    assert client.post(url, data=answers).status_code == 403
    db.session.refresh(attempt)
    assert attempt.submitted_at is None


QUERIES: dict[str, set[int]] = {}


@pytest.mark.parametrize(("n", "page"), [(4, 1), (20, 3)])
def test_the_test_pages_take_a_fixed_number_of_queries(client, login, online, n, page):
    o = online(n=n, per_page=2, review="answers", attempts=3)
    url, attempt = _start(client, login, o)
    wrong = o.wrong(attempt)
    for p in range(1, page):
        answers = {f"q{q}": wrong[q] for q in _page_questions(attempt, p, 2)}
        client.post(url, data={"attempt": attempt.id, "page": p, "go": p + 1, **answers})
    with count_queries() as sheet:
        assert client.get(url).status_code == 200
    client.post(url, data={"attempt": attempt.id, "action": "finish", "confirmed": "1"})
    with count_queries() as review:
        html = client.get(url).get_data(as_text=True)
    assert "Right answer" in html
    QUERIES.setdefault("sheet", set()).add(sheet.count)
    QUERIES.setdefault("review", set()).add(review.count)
    assert sheet.count <= 20, sheet.statements
    assert review.count <= 20, review.statements
    assert len(QUERIES["sheet"]) == len(QUERIES["review"]) == 1, QUERIES


def test_the_timer_script_is_served_and_small(client, online, login):
    o = online(n=2, per_page=2, minutes=None)
    url, _attempt = _start(client, login, o)
    assert "test-timer.js" not in client.get(url).get_data(as_text=True)  # untimed: no timer
    with client.get("/static/js/test-timer.js") as script:
        assert script.status_code == 200 and len(script.data) < 3000


def test_another_trainee_does_not_see_the_test(client, login, online):
    o = online(n=2, per_page=2)
    login(factories.user(username="someone.else"))
    url = f"/enrolments/{o.enrolment.id}/tests/{o.test.id}"
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("policy, shown", [("none", False), ("score", True)])
def test_the_evidence_page_keeps_a_hidden_score_from_the_trainee(
    client, login, online, instructor, policy, shown
):
    """A test whose review shows nothing keeps its score off the matrix cell's evidence page
    too, for the trainee; their instructor sees it."""
    from lms.frameworks.models import Competency

    o = online(n=2, per_page=2, review=policy, minutes=None)
    url, attempt = _start(client, login, o)
    right = o.right(attempt)
    first = next(iter(right))
    data = {"attempt": attempt.id, "page": 1, "action": "finish", "confirmed": "1"}
    client.post(url, data={**data, f"q{first}": right[first]})
    competency = db.session.scalar(sa.select(Competency).where(Competency.code == "D1.2"))
    evidence = f"/enrolments/{o.enrolment.id}/competencies/{competency.id}"
    page = client.get(evidence).get_data(as_text=True)
    assert "Attempt 1" in page
    assert ("50%" in page) is shown
    client.post("/logout")
    login(instructor)
    staff = client.get(evidence).get_data(as_text=True)
    assert "50%" in staff, staff[staff.find("<main") :]
