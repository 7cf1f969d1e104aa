"""Failed logins are throttled per account and per address, across worker processes."""

from datetime import timedelta

from lms.auth.models import LoginFailure
from lms.extensions import db

from .. import factories
from ..conftest import make_app


def _fail(client, login="sok.dara", ip="10.0.0.1"):
    return client.post(
        "/login",
        data={"login": login, "password": "wrong-password-1"},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_sixth_failure_in_fifteen_minutes_is_refused(client):
    factories.user(username="sok.dara")
    db.session.commit()
    client.set_cookie("lang", "en")
    for _ in range(5):
        assert _fail(client).status_code == 200
    response = client.post(
        "/login",
        data={"login": "sok.dara", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_lock_is_per_account_from_any_address(client):
    factories.user(username="sok.dara")
    db.session.commit()
    for n in range(5):
        _fail(client, ip=f"10.0.1.{n}")
    response = client.post(
        "/login",
        data={"login": "sok.dara", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.2.1"},
    )
    assert response.status_code == 429


def test_lock_is_per_address_across_accounts(client):
    factories.user(username="victim")
    db.session.commit()
    for n in range(5):
        _fail(client, login=f"guess{n}", ip="10.9.9.9")
    response = client.post(
        "/login",
        data={"login": "victim", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert response.status_code == 429


def test_failures_older_than_the_window_do_not_count(client):
    factories.user(username="sok.dara")
    db.session.commit()
    for _ in range(5):
        _fail(client)
    for failure in db.session.query(LoginFailure):
        failure.at -= timedelta(minutes=16)
    db.session.commit()
    response = client.post(
        "/login",
        data={"login": "sok.dara", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert response.status_code == 302


def test_success_clears_the_account_count(client):
    factories.user(username="sok.dara")
    db.session.commit()
    for _ in range(4):
        _fail(client, ip="10.0.3.1")
    ok = client.post(
        "/login",
        data={"login": "sok.dara", "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.4.1"},
    )
    assert ok.status_code == 302
    assert db.session.query(LoginFailure).filter_by(login="sok.dara").count() == 0


def test_count_is_shared_between_worker_processes(app, database_uri):
    """Two application instances (two engines, as two gunicorn workers) share the count."""
    factories.user(username="sok.dara")
    db.session.commit()
    first = app.test_client()
    for _ in range(5):
        _fail(first)
    second_app = make_app(database_uri)
    with second_app.app_context():
        response = second_app.test_client().post(
            "/login",
            data={"login": "sok.dara", "password": factories.PASSWORD},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
        )
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 429
