"""The hostile tester's steps replayed against gunicorn in production mode (LMS_ENV=production,
CSRF on, one proxy trusted): refusals or clear answers, never a 500, nothing half-written.
The rules behind each answer are tested without HTTP in their domains' folders."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from lms.auth.models import LoginThrottle
from lms.extensions import db

from . import factories
from .conftest import csrf_token
from .gunicorn import COOKIE


def login_form(server):
    page = server.get("/login")
    return csrf_token(page.text), page.cookie()


def test_parallel_guesses_check_no_more_than_five_and_lock_nobody_out(app, serve):
    target = factories.user(username="target.user")
    db.session.commit()
    (server,) = serve({})
    forms = [login_form(server) for _ in range(40)]
    statuses = []
    start = threading.Barrier(40)

    def guess(token, cookie):
        start.wait()
        form = {"csrf_token": token, "login": "target.user", "password": "not-the-password"}
        statuses.append(server.post("/login", form, cookie).status)

    threads = [threading.Thread(target=guess, args=form) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 5 + [429] * 35
    db.session.expire_all()
    pair = db.session.scalars(
        sa.select(LoginThrottle).where(LoginThrottle.key.like(f"pair:{target.id}:%"))
    ).one()
    assert pair.failures == 5  # counted once each, however many ran at once
    # the owner, from another address, logs in with the right password
    server.client = "198.51.100.23"
    token, cookie = login_form(server)
    form = {"csrf_token": token, "login": "target.user", "password": factories.PASSWORD}
    response = server.post("/login", form, cookie)
    assert response.status == 302
    set_cookie = " ".join(response.headers.get_all("Set-Cookie"))
    assert f"{COOKIE}=" in set_cookie and "Secure" in set_cookie and "Path=/" in set_cookie
    assert "Domain" not in set_cookie
    assert "includeSubDomains" in response.headers["Strict-Transport-Security"]


def test_junk_and_walks_get_clear_answers(app, serve):
    (server,) = serve({"LMS_VERIFY_RATE_LIMIT": "100 per minute"})
    for path in (
        "/enrolments/99999999999999999999",
        "/enrolments/2147483648",
        "/users?page=99999999999999999999&role=bogus&sex=x",
        "/quality/league?round=99999999999999999999",
        "/verify/%27%20OR%201%3D1",
    ):
        assert server.get(path).status in (302, 400, 404), path
    # walking sequential serials with a common family name stops at ten an hour
    statuses = [
        server.get(f"/verify?serial=BEMONC-2026-{n:05d}&family_name=sok").status
        for n in range(1, 12)
    ]
    assert statuses == [404] * 10 + [429]
    refused = server.get("/verify?serial=X-2026-00001&family_name=x").text
    assert "៦០" in refused  # Khmer first: the wait in minutes, in Khmer digits
