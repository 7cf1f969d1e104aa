"""Failed logins slow down guessing without letting anyone lock others out (the hostile
tester's findings 4-7): counts per resolved account, per account and address, and per address,
with growing delays; each attempt counted before its password is checked, so that parallel
attempts cannot check more passwords than allowed; shared between worker processes."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from lms.auth import passwords, throttle
from lms.auth.models import LoginThrottle
from lms.extensions import db

from .. import clock, factories
from ..conftest import km, make_app

RIGHT = factories.PASSWORD
WRONG = "wrong-password-1"  # noqa: S105 (a test's wrong guess)


def attempt(client, login="sok.dara", password=WRONG, ip="10.0.0.1"):
    return client.post(
        "/login", data={"login": login, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


@pytest.fixture
def dara(app):
    user = factories.user(username="sok.dara", email="dara@example.org")
    db.session.commit()
    return user


def test_five_failures_from_one_address_do_not_refuse_the_owner_elsewhere(client, dara):
    for _ in range(5):
        assert attempt(client).status_code == 200
    assert attempt(client, password=RIGHT, ip="10.0.0.9").status_code == 302


def test_failures_from_five_addresses_do_not_lock_the_account(client, dara):
    """Finding 4: five wrong passwords from five addresses refused the right one everywhere."""
    for n in range(5):
        attempt(client, ip=f"10.0.1.{n}")
    assert attempt(client, password=RIGHT, ip="10.0.1.0").status_code == 302


def test_one_persons_failures_do_not_hold_back_the_rest_of_a_room(client, dara):
    """Finding 5: a clinic behind one address is not locked out by one account's failures."""
    colleague = factories.user(username="chan.vy")
    db.session.commit()
    for _ in range(6):
        attempt(client, ip="10.9.9.9")
    assert attempt(client, login="chan.vy", password=RIGHT, ip="10.9.9.9").status_code == 302
    assert colleague.last_login_at is not None


def test_delays_grow_and_the_page_says_how_long(client, dara):
    client.set_cookie("lang", "en")
    for _ in range(5):
        attempt(client)
    held = attempt(client, password=RIGHT)
    assert held.status_code == 429
    assert "Wait 1 minutes, then try again." in held.get_data(as_text=True)
    with clock.later(timedelta(minutes=1, seconds=5)):
        assert attempt(client).status_code == 200  # the sixth failure: now two minutes
        second = attempt(client, password=RIGHT)
        assert second.status_code == 429 and "Wait 2 minutes" in second.get_data(as_text=True)
    with clock.later(timedelta(minutes=3, seconds=10)):
        assert attempt(client, password=RIGHT).status_code == 302


def test_the_wait_is_said_in_khmer(client, dara):
    for _ in range(5):
        attempt(client)
    html = attempt(client, password=RIGHT).get_data(as_text=True)
    assert (
        km("Too many failed attempts. Wait %(minutes)s minutes, then try again.", minutes="១")
        in html
    )


def test_login_name_and_email_count_as_one_account(client, dara):
    """Finding 7: five guesses by login name plus five by e-mail gave ten in one window."""
    for n in range(5):
        attempt(client, login="sok.dara", ip=f"10.0.2.{n}")
    for n in range(5):
        attempt(client, login="DARA@example.org", ip=f"10.0.3.{n}")
    account = db.session.get(LoginThrottle, f"account:{dara.id}")
    assert account.failures == 10 and account.next_at is not None
    assert attempt(client, password=RIGHT, ip="10.0.4.1").status_code == 429


def test_parallel_attempts_check_no_more_passwords_than_allowed(
    app, database_uri, dara, monkeypatch
):
    """Finding 6: 40 simultaneous attempts checked 8 passwords against a limit of 5."""
    checked = []
    real = passwords.verify_password

    def counting(password_hash, password):
        checked.append(1)
        return real(password_hash, password)

    monkeypatch.setattr("lms.auth.services.verify_password", counting)
    workers = [make_app(database_uri) for _ in range(4)]  # four processes' worth of engines
    start = threading.Barrier(40)
    statuses = []

    def one(n):
        worker = workers[n % 4]
        with worker.app_context():
            start.wait()
            statuses.append(attempt(worker.test_client()).status_code)
            db.session.remove()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker in workers:
        with worker.app_context():
            db.engine.dispose()
    assert len(checked) == 5
    assert sorted(statuses) == [200] * 5 + [429] * 35


def test_an_address_has_a_high_limit_of_its_own(client, app):
    app.config["LOGIN_FREE_TRIES_PER_ADDRESS"] = 12
    for n in range(12):
        attempt(client, login=f"nobody{n}")
    factories.user(username="late.comer")
    db.session.commit()
    assert attempt(client, login="late.comer", password=RIGHT).status_code == 429
    assert attempt(client, login="late.comer", password=RIGHT, ip="10.0.0.2").status_code == 302


def test_success_clears_the_account_and_gives_the_address_its_attempt_back(client, dara):
    for n in range(4):
        attempt(client, ip=f"10.0.5.{n}")
    assert attempt(client, password=RIGHT, ip="10.0.5.0").status_code == 302
    assert db.session.query(LoginThrottle).filter_by(user_id=dara.id).count() == 0
    assert db.session.get(LoginThrottle, "address:10.0.5.0").failures == 1


def test_counts_older_than_a_day_start_again(client, dara):
    for _ in range(5):
        attempt(client)
    with clock.later(timedelta(hours=25)):
        assert attempt(client, password=RIGHT).status_code == 302


def test_the_count_is_shared_between_worker_processes(app, database_uri, dara):
    first = app.test_client()
    for _ in range(5):
        attempt(first)
    second_app = make_app(database_uri)
    with second_app.app_context():
        response = attempt(second_app.test_client(), password=RIGHT)
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 429


def test_a_wrong_password_never_reveals_whether_the_account_exists(client, dara):
    client.set_cookie("lang", "en")
    known = attempt(client).get_data(as_text=True)
    unknown = attempt(client, login="no.such.person").get_data(as_text=True)
    message = "The login name or password is not correct."
    assert message in known and message in unknown


def test_the_policy_delays_double_up_to_an_hour():
    policy = throttle.Policy()
    assert [policy.delay(n).total_seconds() / 60 for n in range(8)] == [1, 2, 4, 8, 16, 32, 60, 60]
