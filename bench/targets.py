"""What bench/load.py asks for: many different objects per page, each with the session of a
user entitled to it, and the SQL statements one request of each page runs."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import sqlalchemy as sa

# Flask-Login's session protection ties a session to the browser's name: every client here,
# wrk included, sends the same one.
USER_AGENT = "lms-bench"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _cookie(headers) -> str | None:
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith("lms_session="):
            return value.split(";", 1)[0]
    return None


def fetch(base: str, path: str, cookie: str = "", data: dict | None = None):
    """One request without following redirects: (status, headers, body)."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    headers = {"Cookie": cookie, "User-Agent": USER_AGENT}
    request = urllib.request.Request(base + path, data=body, headers=headers)  # noqa: S310
    try:
        with _opener.open(request, timeout=60) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


def log_in(base: str, username: str, password: str) -> str:
    """The Cookie header of a fresh session of `username` (Khmer)."""
    token, cookie = csrf_for(base, "/login", "lang=km")
    status, headers, _ = fetch(
        base, "/login", cookie, {"csrf_token": token, "login": username, "password": password}
    )
    if status != 302 or not _cookie(headers):
        raise SystemExit(f"could not log in as {username} ({status})")
    return f"lang=km; {_cookie(headers)}"


def csrf_for(base: str, path: str, cookie: str) -> tuple[str, str]:
    """A CSRF token from a form page, and the cookie that now holds it."""
    status, headers, html = fetch(base, path, cookie)
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    fresh = _cookie(headers)
    if fresh:
        cookie = f"lang=km; {fresh}"
    return CSRF.search(html).group(1), cookie


@dataclass
class Targets:
    pages: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    statements: dict[str, int] = field(default_factory=dict)
    logins: dict[str, str] = field(default_factory=dict)


def _sample(connection, sql: str, **params) -> list:
    return connection.execute(sa.text(sql), params).all()


def find_targets(url: str, base: str, password: str, secret: str) -> Targets:
    engine = sa.create_engine(url)
    with engine.connect() as c:
        codes = [r[0] for r in _sample(c, "SELECT verification_code FROM certificates")][::97]
        trainees = _sample(
            c,
            "SELECT u.username FROM users u JOIN enrolments e ON e.trainee_id = u.id "
            "JOIN certificates k ON k.enrolment_id = e.id "
            "GROUP BY u.id, u.username ORDER BY count(*) DESC, u.id LIMIT 8",
        )
        cohorts = _sample(
            c,
            "SELECT c.id, min(u.username) FROM cohorts c "
            "JOIN cohort_instructors ci ON ci.cohort_id = c.id JOIN users u ON u.id = ci.user_id "
            "WHERE c.status = 'running' GROUP BY c.id ORDER BY c.id LIMIT 8",
        )
        names = [
            r[0]
            for r in _sample(c, "SELECT DISTINCT family_name_en FROM users ORDER BY 1 LIMIT 40")
        ]
        province = c.scalar(sa.text("SELECT id FROM provinces WHERE code = '02'"))
        facilities = [
            r[0]
            for r in _sample(
                c,
                "SELECT f.id FROM facilities f WHERE f.province_id = :p AND EXISTS "
                "(SELECT 1 FROM quality_assessments a WHERE a.facility_id = f.id) "
                "ORDER BY f.type, f.id LIMIT 20",
                p=province,
            )
        ]
        provinces = [r[0] for r in _sample(c, "SELECT id FROM provinces ORDER BY code")]
    engine.dispose()
    t = Targets()

    def session(username: str) -> str:
        if username not in t.logins:
            t.logins[username] = log_in(base, username, password)
        return t.logins[username]

    t.pages["verification page"] = [(f"/verify/{code}", "lang=km") for code in codes]
    t.pages["trainee home"] = [("/", session(u)) for (u,) in trainees]
    t.pages["trainee progress"] = [("/my/progress", session(u)) for (u,) in trainees]
    t.pages["cohort competency matrix"] = [
        (f"/cohorts/{cid}/matrix", session(u)) for cid, u in cohorts
    ]
    officer = session("officer.12")
    t.pages["certificate registry search"] = [
        (f"/certificates?q={urllib.parse.quote(n)}", officer) for n in names
    ] + [(f"/certificates?q={urllib.parse.quote(n)}&status=valid", officer) for n in names]
    assessor = session("quality.02.1")
    t.pages["facility scorecard"] = [(f"/quality/facilities/{f}", assessor) for f in facilities]
    t.pages["province league table"] = [
        (f"/quality/league?province={p}", assessor) for p in provinces
    ]
    for label, pages in t.pages.items():
        for path, cookie in pages:
            status, _headers, _body = fetch(base, path, cookie)
            if status != 200:
                raise SystemExit(f"{label}: {path} answered {status}")
    t.statements = count_statements(url, t.pages, secret)
    return t


def count_statements(
    url: str, pages: dict[str, list[tuple[str, str]]], secret: str
) -> dict[str, int]:
    """The SQL statements of one request of each page, in-process, as the page's user."""
    from lms import create_app
    from lms.config import TESTING
    from lms.extensions import db

    app = create_app(
        {
            **TESTING,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": secret,
            "SESSION_COOKIE_NAME": "lms_session",
            "WTF_CSRF_ENABLED": False,
            "LMS_VERIFY_RATE_LIMIT": "100000000 per minute",
        }
    )
    with app.app_context():
        engine = db.engine
    counts = {}
    # Each request in its own application context, as under gunicorn (a shared one would keep
    # the logged-in user in `g` and hide the statements that load it).
    for label, targets in pages.items():
        path, cookie = targets[0]
        client = app.test_client()
        for part in cookie.split("; "):
            name, value = part.split("=", 1)
            client.set_cookie(name, value)
        headers = {"User-Agent": USER_AGENT}
        client.get(path, headers=headers)  # warm caches, as the load test does
        seen: list[str] = []

        def listener(*args, seen=seen):
            seen.append(args[2])

        sa.event.listen(engine, "before_cursor_execute", listener)
        response = client.get(path, headers=headers)
        sa.event.remove(engine, "before_cursor_execute", listener)
        if response.status_code != 200:
            raise SystemExit(f"{label}: {path} answered {response.status_code} in-process")
        counts[label] = len(seen)
    engine.dispose()
    return counts
