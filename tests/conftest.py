"""Fixtures: a migrated database per run, emptied for every test; clients; logins.

The database is a temporary SQLite file unless TEST_DATABASE_URL names another (PostgreSQL in
CI). The schema is built once per run by the Alembic migrations, the same way production gets
it; each test starts from empty tables plus the shipped reference data.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from lms import create_app
from lms.auth.roles import Role
from lms.config import TESTING, database_url
from lms.curricula import importer
from lms.database import utcnow
from lms.extensions import db
from lms.paging import LRUCache
from lms.training.models import CohortStatus

from . import clock, factories
from .curricula import samples

# Browser journeys run with `make e2e` (LMS_E2E=1), not with the unit and view tests.
# The `serve` fixture: gunicorn servers with production settings (tests/gunicorn.py).
pytest_plugins = ["tests.gunicorn"]
collect_ignore = [] if os.environ.get("LMS_E2E") else ["e2e"]


def pytest_configure(config):
    clock.start()  # before any test module is imported: module-level dates see it too


def pytest_unconfigure(config):
    clock.stop()


def pytest_report_header(config):
    if not clock.frozen():
        return "clock: the machine's (browser journeys)"
    shift = clock.shift_days()
    moved = f", moved {shift:+d} days ({clock.SHIFT_ENV})" if shift else ""
    return f"clock: starts at {clock.start_moment():%Y-%m-%d %H:%M} UTC{moved}"


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres_only` skip unless TEST_DATABASE_URL names PostgreSQL."""
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set TEST_DATABASE_URL (make test-postgres)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


class FreshContextClient(FlaskClient):
    """Serves each request in its own application context, as production does.

    Without this, requests would share the test's context: one `g` (Flask-Login caches the
    user there) and one database session. What the test set up is committed first.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


def make_app(uri: str, **overrides):
    app = create_app(
        {**TESTING, "SQLALCHEMY_DATABASE_URI": uri, "WTF_CSRF_ENABLED": False, **overrides}
    )
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture(scope="session")
def _schema(database_uri, tmp_path_factory):
    app = make_app(database_uri, UPLOAD_FOLDER=str(tmp_path_factory.mktemp("uploads")))
    with app.app_context():
        # Start from nothing, so that a reused PostgreSQL database is rebuilt by the migrations.
        meta = sa.MetaData()
        meta.reflect(db.engine)
        meta.drop_all(db.engine)
        upgrade()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        db.session.remove()
        db.engine.dispose()
    return tables


def _wipe(tables: list[str]) -> None:
    engine = db.engine
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
            )
        else:
            for table in tables:
                conn.exec_driver_sql(f'DELETE FROM "{table}"')  # noqa: S608
            has_seq = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'"
            ).first()
            if has_seq:
                conn.exec_driver_sql("DELETE FROM sqlite_sequence")


@pytest.fixture
def app(database_uri, _schema, tmp_path):
    app = make_app(database_uri, UPLOAD_FOLDER=str(tmp_path / "uploads"))
    with app.app_context():
        from lms.extensions import limiter

        limiter.reset()
        LRUCache.clear_all()  # ids start again in every test's database
        _wipe(_schema)
        from lms.setup import seed_reference_data

        seed_reference_data()
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def today():
    """Today in Cambodia on the suite's clock (tests/clock.py)."""
    return clock.today()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client):
    """Log `user` in through the login form; returns the response."""

    def do_login(user, password=factories.PASSWORD):
        response = client.post("/login", data={"login": user.username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    return do_login


@pytest.fixture
def login_as(login):
    """Create a user holding `role` (a Role or its value) and log in as them."""

    def do_login_as(*roles, **kwargs):
        user = factories.user(roles=roles, **kwargs)
        db.session.commit()
        login(user)
        return user

    return do_login_as


CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block: `with count_queries() as q: …; q.count`."""

    class Counter:
        count = 0
        statements: list[str] = []

    counter = Counter()
    counter.statements = []

    def before(_conn, _cursor, statement, *_args):
        counter.count += 1
        counter.statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)


# --- A published curriculum and a cohort running it (training and assessment tests) ----------


@pytest.fixture
def curriculum(app, tmp_path):
    from lms.curricula.services import find_curriculum

    paths = [
        samples.write(tmp_path, "fw.yaml", samples.framework()),
        samples.write(tmp_path, "cur.yaml", samples.curriculum()),
    ]
    importer.import_paths(None, paths, utcnow())
    db.session.commit()
    return find_curriculum("TST-CUR", 1)


@pytest.fixture
def instructor(app):
    return factories.user(roles=[Role.INSTRUCTOR], username="teacher")


@pytest.fixture
def make_cohort(curriculum, instructor):
    def make(code="C-1", capacity=3, status=CohortStatus.OPEN, instructors=None):
        cohort = factories.cohort(
            curriculum,
            *(instructors or [instructor]),
            code=code,
            start_date=clock.days(-14),
            end_date=clock.days(15),
            capacity=capacity,
            status=status,
        )
        db.session.commit()
        return cohort

    return make


@pytest.fixture
def cohort(make_cohort):
    return make_cohort()


def km(message: str, **values) -> str:
    """The Khmer catalogue's translation of `message` (which must exist and differ)."""
    from babel.support import Translations

    from lms.config import ROOT

    translations = Translations.load(str(ROOT / "translations"), ["km"])
    from lms.i18n import interpolate

    translated = translations.gettext(message)
    assert translated != message, f"no Khmer translation for {message!r}"
    # As the pages write it: numbers among the values in Khmer digits.
    return interpolate(translated, values, "km") if values else translated
