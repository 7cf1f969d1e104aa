"""Throughput and latency of the main pages on the national dataset, under gunicorn.

    .venv/bin/python bench/load.py --database sqlite|postgresql [--duration 20] [--clients 16]
                                   [--mixed SECONDS] [--fresh]

Generates the national dataset once (`flask national generate`; kept in .bench/ for SQLite, in
the `lms_bench` database for PostgreSQL; --fresh builds it again), starts the app under gunicorn
with the production settings, logs in as the users each page is for, and drives every page with
wrk (16 connections, Khmer, compressed responses, many different objects per page). A bare Flask
route under the same gunicorn settings is the floor. Prints a markdown table (throughput, share
of the floor, p50/p95/p99, SQL statements of one request, errors) and writes it to
bench/results/load-<database>.md. --mixed runs a mixed load of reads and writes (checklist
assessments recorded, certificates issued) for that many seconds and reports every error and any
"database is locked" in the server's log.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
DATA = ROOT / ".bench"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/lms_bench"
SECRET = secrets.token_hex(32)  # one key: sessions from the server work in-process too
AUDIT_KEY = secrets.token_hex(32)
WORKERS = 4  # the README's production command: gunicorn --workers 4

from bench.mixed import run_mixed  # noqa: E402
from bench.targets import USER_AGENT, Targets, find_targets  # noqa: E402
from lms.national.generate import PASSWORD  # noqa: E402

LUA = """
local targets = {%s}
local n = math.random(#targets)
request = function()
  n = n %% #targets + 1
  local t = targets[n]
  local headers = {["Cookie"] = t[2], ["Accept-Encoding"] = "br, gzip"}
  headers["User-Agent"] = "%s"
  return wrk.format("GET", t[1], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(url: str, folder: Path, base: str = "http://127.0.0.1") -> dict:
    return dict(
        os.environ,
        LMS_ENV="production",
        SECRET_KEY=SECRET,
        LMS_AUDIT_KEY=AUDIT_KEY,
        DATABASE_URL=url,
        LMS_UPLOAD_FOLDER=str(folder / "uploads"),
        LMS_BASE_URL=base,
        # All the load comes from one address: the verification pages' limit would answer 429.
        LMS_VERIFY_RATE_LIMIT="100000000 per minute",
        LMS_CERTIFICATE_WORKERS="1",
    )


def dataset(database: str, fresh: bool, folder: Path) -> str:
    """The database URL holding the national dataset, generated when missing."""
    if database == "sqlite":
        DATA.mkdir(exist_ok=True)
        path = DATA / "national.sqlite3"
        if fresh:
            for extra in ("", "-wal", "-shm"):
                Path(f"{path}{extra}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        needed = not path.exists()
    else:
        url = os.environ.get("LMS_BENCH_PG_URL", PG_URL)
        server, name = url.rsplit("/", 1)
        admin = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            )
            if exists and fresh:
                connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            if fresh or not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            needed = not sa.inspect(connection).has_table("users") or not connection.scalar(
                sa.text("SELECT count(*) FROM users")
            )
        engine.dispose()
    if needed:
        print(f"Generating the national dataset into {url} …", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", "national", "generate"],
            cwd=ROOT,
            env=_env(url, folder),
            check=True,
        )
        print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    else:  # a dataset from an earlier release: bring its schema up to date
        subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
            cwd=ROOT,
            env=_env(url, folder),
            check=True,
            capture_output=True,
        )
    return url


@contextmanager
def serve(app: str, url: str, folder: Path, workers: int = WORKERS):
    """gunicorn serving `app` with the production settings; yields the base address."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = folder / f"gunicorn-{port}.log"
    process = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
        + ["--timeout", "180", "--error-logfile", str(log), app],
        cwd=ROOT,
        env=_env(url, folder, base),
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2)  # noqa: S310 (our server)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start; see {log}") from None
                time.sleep(0.2)
        yield base, log
    finally:
        process.terminate()
        process.wait(30)


def wrk(base: str, targets: list[tuple[str, str]], seconds: int, clients: int) -> dict:
    """Run wrk against the targets (path, cookie) in turn; latency in milliseconds."""
    entries = ", ".join(f"{{{json.dumps(path)}, {json.dumps(cookie)}}}" for path, cookie in targets)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % (entries, USER_AGENT))
    try:
        output = subprocess.run(  # noqa: S603
            [shutil.which("wrk"), "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s"]
            + ["-s", script.name, base],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(x for x in output.splitlines() if x.startswith("RESULT"))
    requests, duration, p50, p95, p99, status, socket_errors = map(int, line.split()[1:])
    return {
        "rps": requests / (duration / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "errors": status + socket_errors,
    }


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = match.group(1).strip() if match else model
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def database_version(url: str) -> str:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        if url.startswith("sqlite"):
            version = "SQLite " + connection.scalar(sa.text("SELECT sqlite_version()")) + " (WAL)"
        else:
            version = connection.scalar(sa.text("SHOW server_version")).split()[0]
            version = f"PostgreSQL {version}"
    engine.dispose()
    return version


def table(rows: list[dict], floor: dict, header: str) -> str:
    lines = [
        header,
        "",
        "| page | requests/s | share of floor | p50 ms | p95 ms | p99 ms | SQL statements "
        "| errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| bare Flask route (floor) | {floor['rps']:,.0f} | 100% | {floor['p50']:.1f} | "
        f"{floor['p95']:.1f} | {floor['p99']:.1f} | 0 | {floor['errors']} |",
    ]
    for r in rows:
        lines.append(
            f"| {r['label']} | {r['rps']:,.0f} | {100 * r['rps'] / floor['rps']:.0f}% | "
            f"{r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['statements']} | "
            f"{r['errors']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--duration", type=int, default=20, help="seconds per page")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--mixed", type=int, default=0, help="seconds of mixed reads and writes")
    parser.add_argument("--fresh", action="store_true", help="generate the dataset again")
    parser.add_argument("--only", help="measure only pages whose label contains this")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench/load.py needs wrk. On Debian or Ubuntu: sudo apt-get install wrk")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = dataset(args.database, args.fresh, folder)
        header = (
            f"**{date.today().isoformat()}**, {machine()}, {database_version(url)}; gunicorn "
            f"{WORKERS} sync workers, production settings; wrk, {args.clients} connections, "
            f"{args.duration} s per page after a 3 s warm-up, Khmer, compressed responses."
        )
        print(header, flush=True)
        with serve("bench.floor:app", url, folder) as (base, _log):
            wrk(base, [("/", "")], 3, args.clients)
            floor = wrk(base, [("/", "")], args.duration, args.clients)
        with serve("wsgi:app", url, folder) as (base, log):
            targets: Targets = find_targets(url, base, PASSWORD, SECRET)
            rows = []
            for label, pages in targets.pages.items():
                if args.only and args.only not in label:
                    continue
                wrk(base, pages, 3, args.clients)
                result = wrk(base, pages, args.duration, args.clients)
                result.update(label=label, statements=targets.statements[label])
                rows.append(result)
                print(
                    f"{label:<34} {result['rps']:8.0f}/s  p50 {result['p50']:6.1f}  "
                    f"p95 {result['p95']:6.1f}  p99 {result['p99']:6.1f} ms  "
                    f"{result['statements']:3d} SQL  {result['errors']} errors",
                    flush=True,
                )
            report = table(rows, floor, header)
            if args.mixed:
                report += "\n" + run_mixed(base, url, targets, args.mixed, args.clients, log)
        print()
        print(report)
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        (results / f"load-{args.database}.md").write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
