from lms.auth.roles import Role
from lms.extensions import db

from .. import factories
from ..conftest import km


def test_login_with_login_name_then_with_email(client, app):
    user = factories.user(username="sok.dara", email="dara@example.org")
    db.session.commit()
    response = client.post("/login", data={"login": "Sok.Dara", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/logout")
    response = client.post(
        "/login", data={"login": "dara@example.org", "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert user.last_login_at is not None


def test_wrong_password_is_refused_with_a_message_in_khmer(client):
    factories.user(username="sok.dara")
    db.session.commit()
    response = client.post("/login", data={"login": "sok.dara", "password": "wrong-password"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert km("The login name or password is not correct.") in html
    assert client.get("/").status_code == 302


def test_wrong_password_message_in_english(client):
    factories.user(username="sok.dara")
    db.session.commit()
    client.set_cookie("lang", "en")
    response = client.post("/login", data={"login": "sok.dara", "password": "nope-nope-nope"})
    assert "The login name or password is not correct." in response.get_data(as_text=True)


def test_unknown_account_gets_the_same_message(client):
    client.set_cookie("lang", "en")
    response = client.post("/login", data={"login": "nobody", "password": "whatever-123"})
    assert "The login name or password is not correct." in response.get_data(as_text=True)


def test_deactivated_account_cannot_log_in(client):
    user = factories.user(username="old.staff")
    user.active = False
    db.session.commit()
    client.set_cookie("lang", "en")
    response = client.post("/login", data={"login": "old.staff", "password": factories.PASSWORD})
    assert response.status_code == 200
    assert "not correct" in response.get_data(as_text=True)


def test_anonymous_user_is_sent_to_log_in(client):
    response = client.get("/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_next_is_followed_only_within_the_site(client):
    factories.user(username="sok.dara", roles=[Role.ADMIN])
    db.session.commit()
    data = {"login": "sok.dara", "password": factories.PASSWORD}
    response = client.post("/login?next=/users", data=data)
    assert response.headers["Location"] == "/users"
    client.post("/logout")
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post(f"/login?next={evil}", data=data)
        assert response.headers["Location"] == "/", evil
        client.post("/logout")


def test_session_cookie_is_httponly_and_samesite(client):
    factories.user(username="sok.dara")
    db.session.commit()
    response = client.post("/login", data={"login": "sok.dara", "password": factories.PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "lms_session=" in c)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_the_first_visit_to_the_home_page_is_no_error(client):
    client.set_cookie("lang", "en")
    first = client.get("/", follow_redirects=True)
    assert first.request.path == "/login"
    assert "Please log in to open this page." not in first.get_data(as_text=True)
    other = client.get("/account", follow_redirects=True)
    assert "Please log in to open this page." in other.get_data(as_text=True)
