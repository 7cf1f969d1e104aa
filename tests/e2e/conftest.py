"""Browser journeys against a real server: gunicorn on a free port, a fresh demo database.

Run with `make e2e` (it sets LMS_E2E=1; the ordinary test run skips this folder). Each test gets
its own server and a copy of a demo database built once per run, so journeys never see each
other's changes. Every page visited through `Visit.check` is checked with axe-core (WCAG 2.1
AA, no serious or critical violation) and weighed (bytes over the wire, first and repeat
visit); the figures are printed at the end.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from .. import clock

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".e2e" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("LMS_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
FIRST_VISIT_BUDGET = 150 * 1024
REPEAT_VISIT_BUDGET = 30 * 1024
SHOTS = ROOT / ".e2e" / "screenshots"
RESULTS: list[dict] = []


def demo_password(username: str) -> str:
    """A demo account's password, as the demo sets it (lms/users/demo.py)."""
    from lms.demo import ACCOUNTS

    return next(account[1] for account in ACCOUNTS if account[0] == username)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(folder: Path, base: str) -> dict[str, str]:
    """A server's settings, on the suite's clock (tests/clock.py)."""
    return clock.subprocess_env(
        dict(
            os.environ,
            LMS_ENV="development",
            SECRET_KEY=secrets.token_hex(16),
            DATABASE_URL=f"sqlite:///{folder / 'e2e.sqlite3'}",
            LMS_UPLOAD_FOLDER=str(folder / "uploads"),
            LMS_BASE_URL=base,
            LMS_CERTIFICATE_WORKERS="1",
        )
    )


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    """`flask setup --demo` once per run (7 s), into a folder each server copies: the database
    and the uploaded files. The demo's certificates carry this folder's base address in their
    QR codes; the journeys open only certificates their own server issues."""
    folder = tmp_path_factory.mktemp("demo")
    subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "setup", "--demo"],
        cwd=ROOT,
        env=_environment(folder, "http://127.0.0.1"),
        check=True,
        capture_output=True,
    )
    return folder


@pytest.fixture
def server(tmp_path, demo_data):
    """A fresh copy of the demo data served by gunicorn; yields the base URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = _environment(tmp_path, base)
    for database in demo_data.glob("e2e.sqlite3*"):  # with a -wal file, if one was left
        shutil.copy2(database, tmp_path / database.name)
    shutil.copytree(demo_data / "uploads", tmp_path / "uploads")
    bin_dir = Path(sys.executable).parent
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 (closed after the server stops)
    process = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/health", timeout=2)  # noqa: S310 (our own http URL)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                log.close()
                raise RuntimeError(
                    "the server did not start: " + (tmp_path / "server.log").read_text()
                ) from None
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install it with `sudo apt-get install chromium` "
            "(or set LMS_CHROMIUM to its path)."
        )
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}; run `make e2e`, which installs it with npm.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


class Meter:
    """Bytes received over the wire by one page (compressed sizes, headers included)."""

    def __init__(self, context, page, cache: bool = True):
        self.bytes = 0
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        if not cache:
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.on("Network.loadingFinished", self._finished)

    def _finished(self, event):
        self.bytes += int(event.get("encodedDataLength", 0))


@dataclass
class Visit:
    """One person's browser: a context in a language, at a size, with or without JavaScript."""

    browser: object
    base: str
    journey: str
    language: str
    viewport: dict
    javascript: bool = True

    def __post_init__(self):
        self.context = self.browser.new_context(
            viewport=self.viewport,
            java_script_enabled=self.javascript,
            bypass_csp=True,  # only so that axe-core can be injected
        )
        self.context.add_cookies([{"name": "lang", "value": self.language, "url": self.base}])
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.meter = Meter(self.context, self.page)

    def go(self, path: str):
        self.meter.bytes = 0
        self.page.goto(self.base + path)
        return self.page

    def login(self, username: str, password: str | None = None):
        self.go("/login")
        self.page.fill("input[name=login]", username)
        self.page.fill("input[name=password]", password or demo_password(username))
        self.page.click("main form button")

    def check(self, name: str):
        """Run axe on the page now shown, weigh it (first and repeat visit) and keep a
        screenshot. The repeat visit loads the same address again with a warm cache."""
        page = self.page
        page.wait_for_load_state("networkidle")
        first = self._first_visit_bytes()
        violations = self._axe() if self.javascript else None  # axe needs JavaScript
        url = page.url
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / f"{self.journey}-{self.language}-{name}.png"
        page.screenshot(path=str(shot), full_page=True)
        html = page.content()
        repeat = None
        if page.evaluate("document.readyState") == "complete" and "/login" not in url:
            self.meter.bytes = 0
            response = page.goto(url)
            page.wait_for_load_state("networkidle")
            repeat = self.meter.bytes if response and response.ok else None
        RESULTS.append(
            {
                "page": f"{self.journey}/{self.language}/{name}",
                "url": url.replace(self.base, ""),
                "first": first,
                "repeat": repeat,
                "violations": None if violations is None else len(violations),
            }
        )
        assert not violations, [  # None: not checked (JavaScript off); the other language is
            (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"][:3]])
            for v in violations or []
        ]
        assert first <= FIRST_VISIT_BUDGET, (name, first)
        assert repeat is None or repeat <= REPEAT_VISIT_BUDGET, (name, repeat)
        if self.language == "km":
            assert 'lang="km"' in html
        return page

    def _first_visit_bytes(self) -> int:
        """Bytes of this page with an empty cache, measured in a fresh context."""
        context = self.browser.new_context(
            viewport=self.viewport, java_script_enabled=self.javascript
        )
        context.add_cookies(self.context.cookies())
        page = context.new_page()
        meter = Meter(context, page, cache=False)
        page.goto(self.page.url)
        page.wait_for_load_state("networkidle")
        context.close()
        return meter.bytes

    def _axe(self) -> list[dict]:
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate(
            """async () => await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
        )
        return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, server, request):
    opened = []

    def open_visit(journey, language, viewport=PHONE, javascript=True):
        v = Visit(browser, server, journey, language, viewport, javascript)
        opened.append(v)
        return v

    yield open_visit
    for v in opened:
        v.close()


def pytest_terminal_summary(terminalreporter):
    if not RESULTS:
        return
    terminalreporter.section("pages: axe violations (serious+critical) and bytes transferred")
    terminalreporter.write_line(f"{'page':<44} {'first KB':>9} {'repeat KB':>10} {'axe':>4}")
    for r in RESULTS:
        repeat = f"{r['repeat'] / 1024:.1f}" if r["repeat"] is not None else "-"
        terminalreporter.write_line(
            f"{r['page']:<44} {r['first'] / 1024:>9.1f} {repeat:>10} "
            f"{'-' if r['violations'] is None else r['violations']:>4}"
        )
