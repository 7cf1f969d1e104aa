"""An administrator sees an account's failed logins and lifts its delays; a password reset lifts
them too; temporary passwords expire; sessions end after a while without activity; production
cookies carry the __Host- prefix and HSTS covers subdomains."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.auth.models import LoginThrottle
from lms.auth.roles import Role
from lms.extensions import db
from lms.users import services as users

from .. import clock, factories
from ..conftest import km
from .test_throttle import RIGHT, attempt


@pytest.fixture
def held(app, client):
    """An account held back by five failures from one address."""
    user = factories.user(username="sok.dara")
    db.session.commit()
    for _ in range(5):
        attempt(client)
    assert attempt(client, password=RIGHT).status_code == 429
    return user


@pytest.mark.parametrize("lang", ["en", "km"])
def test_an_administrator_sees_the_failures_and_lifts_the_delays(app, held, lang):
    admin = app.test_client()
    admin_user = factories.user(roles=[Role.ADMIN], username="chief")
    db.session.commit()
    admin.post("/login", data={"login": "chief", "password": RIGHT})
    admin.set_cookie("lang", lang)
    page = admin.get(f"/users/{held.id}").get_data(as_text=True)
    if lang == "en":
        assert "5 failed logins in a row, from 1 addresses." in page
        assert "Lift the login delays" in page
    else:
        assert km("Lift the login delays") in page and "៥" in page
    admin.post(f"/users/{held.id}/login-delays/clear")
    assert db.session.scalars(sa.select(LoginThrottle).filter_by(user_id=held.id)).all() == []
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "user.login_delays_cleared")
    ).one()
    assert event.actor_id == admin_user.id and event.object_id == str(held.id)
    assert attempt(app.test_client(), password=RIGHT).status_code == 302


def test_a_password_reset_lifts_the_delays(app, held):
    temporary = users.reset_password(None, held, clock.now())
    db.session.commit()
    assert attempt(app.test_client(), password=temporary).status_code == 302


def test_a_temporary_password_expires_after_72_hours(app, client):
    user = factories.user(username="new.one")
    temporary = users.reset_password(None, user, clock.now())
    db.session.commit()
    expected = clock.now() + timedelta(hours=72)
    assert abs(user.password_expires_at - expected) < timedelta(seconds=5)
    client.set_cookie("lang", "en")
    with clock.later(timedelta(hours=73)):
        refused = attempt(client, login="new.one", password=temporary)
        assert refused.status_code == 200
        assert "This temporary password has expired" in refused.get_data(as_text=True)
    with clock.later(timedelta(hours=71)):
        assert attempt(client, login="new.one", password=temporary).status_code == 302


def test_imported_and_created_accounts_get_expiring_temporary_passwords(app):
    imported = users.import_users(
        None,
        "username,family_name_km,given_name_km,family_name_en,given_name_en,sex,roles\n"
        "imp.one,សុខ,ដារា,SOK,Dara,female,trainee\n",
        clock.now(),
    )
    [(user, _temporary)] = imported
    assert user.must_change_password and user.password_expires_at is not None


def test_a_changed_password_does_not_expire(app, client):
    user = factories.user(username="keeps.it")
    user.must_change_password = False
    user.password_expires_at = clock.now() - timedelta(days=1)  # left from a temporary one
    db.session.commit()
    assert attempt(client, login="keeps.it", password=RIGHT).status_code == 302


@pytest.mark.parametrize(
    "role, minutes", [(Role.INSTRUCTOR, 30), (Role.ADMIN, 30), (Role.TRAINEE, 120)]
)
def test_a_session_ends_after_a_while_without_activity(client, login, role, minutes):
    user = factories.user(roles=[role])
    db.session.commit()
    login(user)
    client.set_cookie("lang", "en")
    with clock.later(timedelta(minutes=minutes - 2)):
        assert client.get("/account").status_code == 200  # active: the clock starts again
    with clock.later(timedelta(minutes=2 * minutes - 4)):
        assert client.get("/account").status_code == 200
    with clock.later(timedelta(minutes=3 * minutes)):
        response = client.get("/account", follow_redirects=True)
        html = response.get_data(as_text=True)
        assert response.request.path == "/login"
        assert f"You were logged out after {minutes} minutes without activity." in html


def test_the_idle_limits_are_settings(app, client, login):
    app.config["LMS_IDLE_MINUTES_STAFF"] = 5
    login(factories.user(roles=[Role.OFFICER]))
    with clock.later(timedelta(minutes=6)):
        assert client.get("/account").status_code == 302


def test_production_cookies_and_hsts(monkeypatch):
    from lms import config

    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    monkeypatch.setenv("LMS_AUDIT_KEY", "a" * 64)
    settings = config.from_environment()
    assert settings["SESSION_COOKIE_NAME"] == "__Host-lms_session"
    assert settings["SESSION_COOKIE_SECURE"] is True and settings["LMS_HSTS_SUBDOMAINS"] is True
    monkeypatch.setenv("LMS_HSTS_SUBDOMAINS", "0")
    assert config.from_environment()["LMS_HSTS_SUBDOMAINS"] is False


def test_hsts_includes_subdomains(app, client):
    app.config.update(LMS_HSTS=True, LMS_HSTS_SUBDOMAINS=True)
    header = client.get("/login").headers["Strict-Transport-Security"]
    assert header == "max-age=31536000; includeSubDomains"
    app.config["LMS_HSTS_SUBDOMAINS"] = False
    assert client.get("/login").headers["Strict-Transport-Security"] == "max-age=31536000"
