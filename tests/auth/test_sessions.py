"""A session ends for real: a copy of the old cookie does not log anybody in."""

from lms.auth.models import LoginSession
from lms.auth.roles import Role
from lms.extensions import db

from .. import factories


def _session_cookie(client) -> str:
    return client.get_cookie("lms_session").value


def test_logout_ends_the_session_even_for_a_copied_cookie(client, login):
    user = factories.user()
    db.session.commit()
    login(user)
    stolen = _session_cookie(client)
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert db.session.query(LoginSession).count() == 0
    client.set_cookie("lms_session", stolen)
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_password_change_ends_other_sessions(app, client, login):
    user = factories.user()
    db.session.commit()
    login(user)
    old_cookie = _session_cookie(client)
    other = app.test_client()
    other.post("/login", data={"login": user.username, "password": factories.PASSWORD})
    assert other.get("/").status_code == 200

    response = client.post(
        "/account/password",
        data={
            "current_password": factories.PASSWORD,
            "password": "Another-long-secret-7",
            "confirm": "Another-long-secret-7",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this browser carries on
    assert other.get("/").status_code == 302  # the other device is logged out
    replay = app.test_client()
    replay.set_cookie("lms_session", old_cookie)
    assert replay.get("/").status_code == 302  # the pre-change cookie is dead


def test_session_id_changes_at_login(client, login):
    user = factories.user()
    db.session.commit()
    client.get("/login")
    with client.session_transaction() as session:
        session["sid"] = "planted-by-attacker"
    login(user)
    with client.session_transaction() as session:
        assert session["sid"] != "planted-by-attacker"
    tokens = [s.token for s in db.session.query(LoginSession)]
    assert len(tokens) == 1 and tokens[0] != "planted-by-attacker"


def test_deactivation_ends_sessions(app, client, login):
    admin = factories.user(roles=[Role.ADMIN])
    worker = factories.user()
    db.session.commit()
    worker_client = app.test_client()
    worker_client.post("/login", data={"login": worker.username, "password": factories.PASSWORD})
    assert worker_client.get("/").status_code == 200
    login(admin)
    client.post(f"/users/{worker.id}/active", data={"active": "0", "confirmed": "1"})
    assert worker_client.get("/").status_code == 302


def test_expired_session_logs_nobody_in(client, login):
    user = factories.user()
    db.session.commit()
    login(user)
    row = db.session.query(LoginSession).one()
    row.expires_at = row.created_at
    db.session.commit()
    assert client.get("/").status_code == 302


def test_temporary_password_must_be_changed_first(client):
    user = factories.user()
    user.must_change_password = True
    db.session.commit()
    client.post("/login", data={"login": user.username, "password": factories.PASSWORD})
    response = client.get("/users")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/password"
    client.post(
        "/account/password",
        data={
            "current_password": factories.PASSWORD,
            "password": "My-own-new-secret-3",
            "confirm": "My-own-new-secret-3",
        },
    )
    assert client.get("/").status_code == 200
