"""Application servers for tests: gunicorn serving `wsgi:app` with production settings on the
test's database, started by the `serve` fixture and stopped after the test."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest

from lms import config

from . import clock

VERIFY_LIMIT = 5  # the verification pages' limit per minute, on every server
GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")
COOKIE = "__Host-lms_session"  # production's session cookie: HTTPS only, this host, every path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def cookie(self) -> str:
        """The value of the session cookie this response sets (Secure: no cookie jar here)."""
        for header in self.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name == COOKIE:
                return rest.split(";", 1)[0]
        raise AssertionError(f"no session cookie in {self.headers.get_all('Set-Cookie')}")


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: str
    # The servers trust one proxy (LMS_PROXY_COUNT=1): this is the client address it reports.
    client: str = "127.0.0.1"

    def call(self, method: str, path: str, cookie: str | None = None, form=None) -> Response:
        headers = {"X-Forwarded-For": self.client}
        if cookie:
            headers["Cookie"] = f"{COOKIE}={cookie}"
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return Response(response.status, response.headers, response.read().decode())
        finally:
            conn.close()

    def get(self, path: str, cookie: str | None = None) -> Response:
        return self.call("GET", path, cookie)

    def post(self, path: str, form: dict, cookie: str | None = None) -> Response:
        return self.call("POST", path, cookie, form)

    def wait_until_serving(self, deadline: float) -> None:
        while True:
            try:
                self.get("/health")
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    with open(self.log) as fh:
                        raise RuntimeError(
                            f"server {self.name} did not start:\n{fh.read()}"
                        ) from None
                time.sleep(0.1)


@pytest.fixture
def serve(app, database_uri, tmp_path):
    """Start gunicorn servers sharing one production-like environment (plus overrides)."""
    shared = dict(
        os.environ,
        LMS_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        LMS_AUDIT_KEY=app.config["LMS_AUDIT_KEY"],  # one trail, written by the test and servers
        DATABASE_URL=database_uri,
        LMS_UPLOAD_FOLDER=str(tmp_path / "shared-uploads"),
        LMS_INSTANCE_PATH=str(tmp_path / "instance"),
        LMS_PROXY_COUNT="1",
        LMS_VERIFY_RATE_LIMIT=f"{VERIFY_LIMIT} per minute",
        LMS_CERTIFICATE_WORKERS="1",
    )
    started: list[Server] = []

    def start(*overrides: dict) -> list[Server]:
        servers = []
        for extra in overrides:
            name, port = chr(ord("A") + len(started)), free_port()
            log = str(tmp_path / f"server-{name}-{port}.log")
            with open(log, "wb") as out:
                process = subprocess.Popen(
                    [GUNICORN, "--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                    cwd=config.ROOT,
                    env=clock.subprocess_env({**shared, **extra}),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            server = Server(name, port, process, log)
            started.append(server)
            servers.append(server)
        deadline = time.monotonic() + 30
        for server in servers:
            server.wait_until_serving(deadline)
        return servers

    yield start
    for server in started:
        server.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
    for server in started:
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
