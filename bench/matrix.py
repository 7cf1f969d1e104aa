"""The cohort competency matrix at size: 60 trainees × 80 competencies, 10,000 records.

    .venv/bin/python bench/matrix.py [--trainees 60] [--records 10000] [--database-url URL]

Builds a framework of 80 competencies, a curriculum of 20 OSCE stations each assessing four
of them, a cohort of 60 enrolled trainees and a history of assessment records (a quarter of
them failed, every later one superseding none), then times the matrix page and counts its SQL
statements.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from lms import create_app  # noqa: E402
from lms.assessments.models import AssessmentRecord, ChecklistMark  # noqa: E402
from lms.auth.roles import Role
from lms.config import TESTING  # noqa: E402
from lms.curricula.importer import import_paths  # noqa: E402
from lms.curricula.services import find_curriculum  # noqa: E402
from lms.database import utcnow  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.setup import seed_reference_data
from lms.training import services as training  # noqa: E402
from lms.users import services as users  # noqa: E402
from lms.users.models import Sex

T = {"km": "ក", "en": "x"}


def documents() -> tuple[dict, dict]:
    competencies = [
        {
            "code": f"D{d}",
            "title": T,
            "children": [{"code": f"C{d}.{c}", "title": T} for c in range(1, 9)],
        }
        for d in range(1, 11)
    ]
    framework = {
        "kind": "framework",
        "code": "BENCH-FW",
        "version": 1,
        "status": "published",
        "title": T,
        "scale": {
            "title": T,
            "proficient": 3,
            "levels": [{"value": v, "title": T} for v in (1, 2, 3, 4)],
        },
        "competencies": competencies,
    }
    codes = [f"C{d}.{c}" for d in range(1, 11) for c in range(1, 9)]
    stations = [
        {
            "code": f"OSCE-{n}",
            "type": "osce",
            "module": "M1",
            "title": T,
            "competencies": codes[n * 4 : (n + 1) * 4],
            "pass_rule": {"min_share_percent": 80, "all_critical": True},
            "items": [{"text": T, "critical": i == 0} for i in range(5)],
        }
        for n in range(20)
    ]
    curriculum = {
        "kind": "curriculum",
        "code": "BENCH",
        "version": 1,
        "status": "published",
        "title": T,
        "type": "in-service",
        "framework": {"code": "BENCH-FW", "version": 1},
        "completion": {"required_competencies": codes},
        "modules": [{"code": "M1", "title": T, "outcomes": []}],
        "instruments": stations,
    }
    return framework, curriculum


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=60)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        app = create_app({**TESTING, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
        with app.app_context():
            upgrade()
            seed_reference_data()
            paths = []
            for name, doc in zip(("fw.yaml", "cur.yaml"), documents(), strict=True):
                path = Path(folder) / name
                path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
                paths.append(path)
            import_paths(None, paths, utcnow())
            curriculum = find_curriculum("BENCH", 1)

            def person(name, roles):
                user, _ = users.create_user(
                    None,
                    users.UserData(
                        username=name,
                        family_name_km="ក",
                        given_name_km="ខ",
                        family_name_en="B",
                        given_name_en=name,
                        sex=rng.choice([Sex.FEMALE, Sex.MALE]),
                        roles=roles,
                    ),
                    utcnow(),
                    password="Bench-password-42",
                )
                return user

            teacher = person("teacher", {Role.INSTRUCTOR})
            cohort = training.save_cohort(
                None,
                training.CohortData(
                    code="BENCH-1",
                    title_km="ក",
                    title_en="Bench",
                    curriculum_id=curriculum.id,
                    start_date=date(2026, 1, 1),
                    end_date=date(2026, 3, 1),
                    capacity=args.trainees,
                    instructor_ids=[teacher.id],
                ),
                now=utcnow(),
            )
            enrolments = [
                training.enrol(None, cohort, person(f"trainee{n}", {Role.TRAINEE}), utcnow())
                for n in range(args.trainees)
            ]
            db.session.commit()
            instruments = curriculum.instruments
            started = datetime(2026, 1, 2, 8, 0)
            record_rows, mark_rows = [], []
            for n in range(args.records):
                enrolment = enrolments[n % len(enrolments)]
                instrument = instruments[rng.randrange(len(instruments))]
                passed = rng.random() > 0.25
                record_rows.append(
                    dict(
                        id=n + 1,
                        enrolment_id=enrolment.id,
                        instrument_id=instrument.id,
                        method="checklist",
                        status="submitted",
                        assessor_id=teacher.id,
                        assessed_on=date(2026, 1, 2),
                        overall_rating=rng.randint(1, 4),
                        share_percent=100.0 if passed else 60.0,
                        passed=passed,
                        needs_verification=False,
                        superseded=False,
                        created_at=started + timedelta(minutes=n),
                        submitted_at=started + timedelta(minutes=n),
                    )
                )
                for item in instrument.items:
                    mark_rows.append(dict(record_id=n + 1, item_id=item.id, mark="done"))
            db.session.execute(sa.insert(AssessmentRecord), record_rows)
            db.session.execute(sa.insert(ChecklistMark), mark_rows)
            db.session.commit()
            client = app.test_client()
            client.post("/login", data={"login": "teacher", "password": "Bench-password-42"})
            statements: list[str] = []
            sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
            timings = []
            for _ in range(7):
                statements.clear()
                t0 = time.perf_counter()
                response = client.get(f"/cohorts/{cohort.id}/matrix")
                timings.append(time.perf_counter() - t0)
        print(f"database: {url.split(':', 1)[0]}")
        print(f"trainees × competencies: {len(enrolments)} × 80; records: {args.records}")
        print(
            f"matrix page: {statistics.median(timings) * 1000:.0f} ms median, "
            f"{max(timings) * 1000:.0f} ms max, {len(response.data) // 1024} KB, "
            f"status {response.status_code}"
        )
        print(f"matrix page SQL statements: {len(statements)}")


if __name__ == "__main__":
    main()
