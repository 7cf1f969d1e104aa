"""Import speed of a large framework, and the tree page's cost.

    .venv/bin/python bench/frameworks.py [--competencies 1000] [--database-url URL]

Generates a framework of N competencies (domains > competencies > criteria), times
`curricula import` of it (reading, checking, writing, committing) on a fresh database, then
times the tree page and counts its SQL statements. Target: import under 2 seconds for 1,000.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from lms import create_app  # noqa: E402
from lms.auth.roles import Role  # noqa: E402
from lms.config import TESTING  # noqa: E402
from lms.curricula.importer import import_paths  # noqa: E402
from lms.database import utcnow  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.setup import prepare_database  # noqa: E402
from lms.users import services as users  # noqa: E402
from lms.users.models import Sex  # noqa: E402


def framework_document(total: int) -> dict:
    """Exactly `total` nodes: 10 domains of 10 competencies, the rest as criteria."""
    domains, per_domain = 10, 10
    criteria = max(0, total - domains - domains * per_domain)
    tree = []
    for d in range(1, domains + 1):
        domain = {
            "code": f"BIG-{d}",
            "title": {"km": f"ដែន {d}", "en": f"Domain {d}"},
            "children": [],
        }
        for c in range(1, per_domain + 1):
            index = (d - 1) * per_domain + (c - 1)
            n = criteria // (domains * per_domain) + (index < criteria % (domains * per_domain))
            domain["children"].append(
                {
                    "code": f"BIG-{d}.{c}",
                    "title": {"km": f"សមត្ថភាព {d}.{c}", "en": f"Competency {d}.{c}"},
                    "children": [
                        {
                            "code": f"BIG-{d}.{c}.{p}",
                            "title": {"km": f"លក្ខណៈវិនិច្ឆ័យ {p}", "en": f"Criterion {d}.{c}.{p}"},
                        }
                        for p in range(1, n + 1)
                    ],
                }
            )
        tree.append(domain)
    return {
        "kind": "framework",
        "code": "BIG",
        "version": 1,
        "status": "published",
        "title": {"km": "ក្របខណ្ឌធំ", "en": "Big framework"},
        "scale": {
            "title": {"km": "កម្រិត", "en": "Levels"},
            "proficient": 2,
            "levels": [
                {"value": 1, "title": {"km": "មិនទាន់", "en": "Not yet"}},
                {"value": 2, "title": {"km": "បាន", "en": "Yes"}},
            ],
        },
        "competencies": tree,
    }


def count(nodes) -> int:
    return sum(1 + count(n.get("children", [])) for n in nodes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--competencies", type=int, default=1000)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
        with app.app_context():
            prepare_database(utcnow())
            doc = framework_document(args.competencies)
            path = Path(folder) / "big.yaml"
            path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
            started = time.perf_counter()
            import_paths(None, [path], utcnow())
            db.session.commit()
            elapsed = time.perf_counter() - started
            framework_id = db.session.scalar(sa.text("SELECT id FROM frameworks"))
            statements = []
            sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
            users.create_user(
                None,
                users.UserData(
                    username="bench",
                    family_name_km="ក",
                    given_name_km="ខ",
                    family_name_en="B",
                    given_name_en="C",
                    sex=Sex.OTHER,
                    roles={Role.TRAINEE},
                ),
                utcnow(),
                password="Bench-password-42",
            )
            db.session.commit()
            client = app.test_client()
            client.post("/login", data={"login": "bench", "password": "Bench-password-42"})
            timings = []
            for _ in range(5):
                statements.clear()
                t0 = time.perf_counter()
                response = client.get(f"/frameworks/{framework_id}")
                timings.append(time.perf_counter() - t0)
        print(f"database: {url.split(':', 1)[0]}")
        print(f"competencies: {count(doc['competencies'])}")
        print(f"import (read, check, write, commit): {elapsed:.2f} s  (target < 2 s)")
        print(
            f"tree page: {statistics.median(timings) * 1000:.0f} ms median, "
            f"{len(response.data) // 1024} KB, status {response.status_code}"
        )
        print(f"tree page SQL statements: {len(statements)}")
        if elapsed >= 2:
            sys.exit(1)


if __name__ == "__main__":
    main()
