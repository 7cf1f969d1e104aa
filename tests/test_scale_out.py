"""Several application servers, one database (README: "Running several application servers").

Each server is gunicorn serving `wsgi:app` on its own port with production settings. Two of
them share one PostgreSQL database and one Redis: a session started on one is good on the
other, logging out on one ends it on both, and the public verification limit is one count.
That test runs when TEST_DATABASE_URL names PostgreSQL and Redis answers (TEST_REDIS_URL,
default redis://127.0.0.1:6379/0), as in CI's PostgreSQL run.
"""

from __future__ import annotations

import os
import secrets

import pytest
import redis

from lms import config
from lms.extensions import db

from . import factories
from .conftest import csrf_token
from .gunicorn import VERIFY_LIMIT, free_port

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def two_servers(request):
    """Servers A and B on one PostgreSQL database and one Redis, with one user to log in (the
    test using them is marked postgres_only)."""
    shared_redis = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        shared_redis.ping()
    except redis.RedisError as exc:
        shared_redis.close()
        pytest.skip(f"Redis is not reachable at {REDIS_URL} (set TEST_REDIS_URL): {exc}")
    request.getfixturevalue("app")
    factories.user(username="scaleout")
    db.session.commit()
    storage = {"LMS_RATELIMIT_STORAGE": REDIS_URL}
    a, b = request.getfixturevalue("serve")(storage, storage)
    # A client address of this run's own keeps its counts apart from other runs on the Redis.
    a.client = b.client = f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"
    yield a, b
    for key in shared_redis.scan_iter(match=f"LIMITS:*{a.client}*"):
        shared_redis.delete(key)
    shared_redis.close()


@pytest.mark.postgres_only
def test_session_and_rate_limit_hold_across_two_servers(two_servers):
    a, b = two_servers

    login_page = a.get("/login")
    response = a.post(
        "/login",
        {
            "csrf_token": csrf_token(login_page.text),
            "login": "scaleout",
            "password": factories.PASSWORD,
        },
        login_page.cookie(),
    )
    assert response.status == 302, response.text[:2000]
    cookie = response.cookie()

    # B reads the cookie A signed (one SECRET_KEY) and finds its session (one database).
    account = b.get("/account", cookie)
    assert account.status == 200
    assert "<dd>scaleout</dd>" in account.text

    # Logging out on B, with the CSRF token of a page A served, ends the session on A too.
    page = a.get("/account", cookie)
    cookie = page.cookie()  # the session now holds the token the page's forms carry
    assert b.post("/logout", {"csrf_token": csrf_token(page.text)}, cookie).status == 302
    after = a.get("/account", cookie)
    assert after.status == 302 and after.headers["Location"].startswith("/login")

    # One count in Redis: the request after the fifth is refused, whichever server gets it.
    answers = []
    for server in (a, b, a, b, a, b, a):
        response = server.get("/verify")
        answers.append((server.name, response.status, response.headers["X-RateLimit-Remaining"]))
    assert answers == [
        ("A", 200, "4"),
        ("B", 200, "3"),
        ("A", 200, "2"),
        ("B", 200, "1"),
        ("A", 200, "0"),
        ("B", 429, "0"),
        ("A", 429, "0"),
    ]


def test_verification_is_still_limited_when_redis_is_unreachable(serve):
    # Nothing listens on this port: the server counts in its own memory and keeps answering.
    unreachable = f"redis://127.0.0.1:{free_port()}/0?socket_connect_timeout=1"
    (server,) = serve({"LMS_RATELIMIT_STORAGE": unreachable})
    statuses = [server.get("/verify").status for _ in range(VERIFY_LIMIT + 1)]
    assert statuses == [200] * VERIFY_LIMIT + [429]


def test_verify_rate_limit_is_read_and_checked_at_start(monkeypatch):
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("LMS_AUDIT_KEY", "a" * 64)
    monkeypatch.setenv("LMS_VERIFY_RATE_LIMIT", "5 per minute")
    assert config.from_environment()["LMS_VERIFY_RATE_LIMIT"] == "5 per minute"
    monkeypatch.setenv("LMS_VERIFY_RATE_LIMIT", "five a minute")
    with pytest.raises(config.ConfigError, match="LMS_VERIFY_RATE_LIMIT"):
        config.from_environment()
