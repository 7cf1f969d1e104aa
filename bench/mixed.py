"""A mixed load of reads and writes for bench/load.py --mixed: instructors record checklist
assessments in running cohorts, officers issue certificates to graduates, everyone else reads
the main pages; every unexpected answer is an error, and the server's log must not say
"database is locked"."""

from __future__ import annotations

import http.client
import random
import statistics
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from bench.targets import USER_AGENT, Targets, csrf_for, log_in
from lms.national.generate import PASSWORD

READ_SHARE, RECORD_SHARE = 0.6, 0.3  # the rest: certificate issues


def _writes(url: str, base: str, password: str):
    """Checklist forms to post (path, fields, cookie) and enrolments to certify."""
    engine = sa.create_engine(url)
    with engine.connect() as c:
        rows = c.execute(
            sa.text(
                "SELECT e.id, i.id, (SELECT min(u.username) FROM cohort_instructors ci "
                "JOIN users u ON u.id = ci.user_id WHERE ci.cohort_id = k.id) "
                "FROM cohorts k JOIN enrolments e ON e.cohort_id = k.id "
                "JOIN instruments i ON i.curriculum_id = k.curriculum_id "
                "WHERE k.status = 'running' AND e.status = 'enrolled' "
                "AND i.type IN ('osce', 'dops') ORDER BY e.id, i.id LIMIT 3000"
            )
        ).all()
        items = defaultdict(list)
        for instrument, item in c.execute(
            sa.text("SELECT instrument_id, id FROM checklist_items ORDER BY position")
        ):
            items[instrument].append(item)
        candidates = [
            row[0]
            for row in c.execute(
                sa.text(
                    "SELECT e.id FROM enrolments e JOIN cohorts k ON k.id = e.cohort_id "
                    "WHERE k.status = 'closed' AND e.status = 'enrolled' AND NOT EXISTS "
                    "(SELECT 1 FROM certificates x WHERE x.enrolment_id = e.id) "
                    "ORDER BY k.end_date DESC, e.id LIMIT 4000"
                )
            )
        ]
    engine.dispose()
    graduates = _eligible(url, candidates)
    sessions: dict[str, tuple[str, str]] = {}
    forms = []
    for enrolment, instrument, teacher in rows:
        path = f"/enrolments/{enrolment}/instruments/{instrument}/checklist"
        if teacher not in sessions:
            cookie = log_in(base, teacher, password)
            sessions[teacher] = csrf_for(base, path, cookie)
        token, cookie = sessions[teacher]
        fields = {"csrf_token": token, "overall_rating": "3", "action": "submit"}
        fields["assessed_on"] = date.today().isoformat()
        fields.update({f"item{i}": "done" for i in items[instrument]})
        forms.append((path, urllib.parse.urlencode(fields), cookie))
    officer = log_in(base, "officer.12", password)
    token, officer = csrf_for(base, "/certificates", officer)
    issues = [
        (
            f"/certificates/cohorts/{cohort}/enrolments/{enrolment}/issue",
            urllib.parse.urlencode({"csrf_token": token}),
            officer,
        )
        for cohort, enrolment in graduates
    ]
    return forms, issues


def _eligible(url: str, enrolment_ids: list[int]) -> list[tuple[int, int]]:
    """(cohort, enrolment) of the candidates the application itself finds eligible, decided a
    cohort at a time (`cohort_eligibility`: a fixed number of queries per cohort)."""
    from itertools import groupby

    from lms import create_app
    from lms.certificates import services as certificates
    from lms.config import TESTING
    from lms.database import utcnow
    from lms.extensions import db
    from lms.training.models import Enrolment

    app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": url})
    found = []
    with app.app_context():
        now = utcnow()
        enrolments = db.session.scalars(
            sa.select(Enrolment)
            .where(Enrolment.id.in_(enrolment_ids))
            .order_by(Enrolment.cohort_id, Enrolment.id)
        ).all()
        for _cohort, group in groupby(enrolments, key=lambda e: e.cohort_id):
            group = list(group)
            decided = certificates.cohort_eligibility(group, now)
            found += [(e.cohort_id, e.id) for e in group if decided[e.id].ok]
        db.session.remove()
        db.engine.dispose()
    return found


def _count(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as c:
        n = c.scalar(sa.text(f"SELECT count(*) FROM {table}"))  # noqa: S608
    engine.dispose()
    return n


def run_mixed(base: str, url: str, targets: Targets, seconds: int, clients: int, log: Path) -> str:
    forms, issues = _writes(url, base, PASSWORD)
    reads = [t for pages in targets.pages.values() for t in pages]
    before = {t: _count(url, t) for t in ("assessment_records", "certificates")}
    host, port = base.removeprefix("http://").split(":")
    latencies: dict[str, list[float]] = defaultdict(list)
    outcomes: Counter = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        rng = random.Random(number)
        connection = http.client.HTTPConnection(host, int(port), timeout=120)
        while time.monotonic() < deadline:
            roll = rng.random()
            if roll < READ_SHARE:
                kind, (path, cookie), body, expected = "read", rng.choice(reads), None, 200
            elif roll < READ_SHARE + RECORD_SHARE and forms:
                kind, expected = "record assessment", 302
                path, body, cookie = rng.choice(forms)
            elif issues:
                kind, expected = "issue certificate", 302
                path, body, cookie = rng.choice(issues)
            else:
                continue
            headers = {"Cookie": cookie, "Accept-Encoding": "br, gzip", "User-Agent": USER_AGENT}
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            started = time.perf_counter()
            try:
                connection.request("POST" if body else "GET", path, body, headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                status = f"{type(error).__name__}"
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=120)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies[kind].append(elapsed)
                outcomes[kind, status] += 1
                if status != expected:
                    errors.append(f"{kind} {path}: {status}")
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = {t: _count(url, t) for t in before}
    text = log.read_text(errors="replace") if log.exists() else ""
    locked = text.count("database is locked")
    tracebacks = text.count("Traceback")
    lines = [
        f"Mixed load: {seconds} s, {clients} clients, {READ_SHARE:.0%} reads of the pages above, "
        f"{RECORD_SHARE:.0%} checklist assessments submitted, the rest certificate issues "
        f"({len(issues):,} enrolments found eligible, each issued once, then idempotent).",
        "",
        "| request | count | p50 ms | p95 ms | p99 ms | unexpected answers |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, values in sorted(latencies.items()):
        q = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
        bad = sum(n for (k, s), n in outcomes.items() if k == kind and s not in (200, 302))
        lines.append(
            f"| {kind} | {len(values):,} | {q[49]:.0f} | {q[94]:.0f} | {q[98]:.0f} | {bad} |"
        )
    lines += [
        "",
        f"Rows written: {after['assessment_records'] - before['assessment_records']:,} "
        f"assessment records, {after['certificates'] - before['certificates']:,} certificates. "
        f'Errors: {len(errors)}; "database is locked" in the server log: {locked}; '
        f"tracebacks: {tracebacks}.",
    ]
    for error in errors[:20]:
        lines.append(f"- {error}")
    return "\n".join(lines) + "\n"
