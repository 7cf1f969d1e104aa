"""Certificate rendering and bulk issue.

    .venv/bin/python bench/certificates.py [--count 1000] [--renders 50] [--workers N]
                                           [--render-only] [--database-url URL]

Prints the median and p95 time to render one certificate PDF (after warm-up), and the time
to bulk-issue COUNT certificates for a closed cohort (eligibility, numbering, rendering,
storing). Targets: median under 30 ms; 1,000 certificates under 60 seconds. --render-only
skips the bulk issue (with --count 1 it then runs in a few seconds).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from lms import create_app  # noqa: E402
from lms.assessments.models import AssessmentRecord  # noqa: E402
from lms.certificates import pdf, services  # noqa: E402
from lms.config import TESTING  # noqa: E402
from lms.curricula.importer import import_paths  # noqa: E402
from lms.curricula.services import find_curriculum  # noqa: E402
from lms.database import utcnow  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.setup import seed_reference_data
from lms.training import services as training  # noqa: E402
from lms.training.models import CohortStatus, Enrolment, EnrolmentEvent  # noqa: E402
from lms.users.models import Sex, User, UserRole  # noqa: E402

T = {"km": "ការថែទាំសម្ភពបន្ទាន់", "en": "Emergency obstetric care"}


def documents():
    framework = {
        "kind": "framework",
        "code": "CB-FW",
        "version": 1,
        "status": "published",
        "title": T,
        "scale": {
            "title": T,
            "proficient": 2,
            "levels": [{"value": 1, "title": T}, {"value": 2, "title": T}],
        },
        "competencies": [{"code": f"C{n}", "title": T} for n in range(1, 9)],
    }
    curriculum = {
        "kind": "curriculum",
        "code": "CB",
        "version": 1,
        "status": "published",
        "title": T,
        "type": "in-service",
        "framework": {"code": "CB-FW", "version": 1},
        "certificate_validity_months": 36,
        "cpd_credits": 12,
        "completion": {"required_competencies": [f"C{n}" for n in range(1, 9)]},
        "modules": [{"code": "M1", "title": T, "hours": {"theory": 30}}],
        "instruments": [
            {
                "code": "OSCE",
                "type": "osce",
                "module": "M1",
                "title": T,
                "competencies": [f"C{n}" for n in range(1, 9)],
                "pass_rule": {"min_share_percent": 80},
                "items": [{"text": T}],
            }
        ],
    }
    return framework, curriculum


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--database-url")
    parser.add_argument("--render-only", action="store_true", help="skip the bulk issue")
    parser.add_argument(
        "--workers",
        type=int,
        default=min(os.cpu_count() or 1, 4),
        help="processes rendering PDFs during the bulk issue (LMS_CERTIFICATE_WORKERS)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        app = create_app(
            {
                **TESTING,
                "SQLALCHEMY_DATABASE_URI": url,
                "UPLOAD_FOLDER": folder,
                "LMS_BASE_URL": "https://lms.moh.gov.kh",
            }
        )
        with app.app_context(), app.test_request_context():
            upgrade()
            seed_reference_data()
            paths = []
            for name, doc in zip(("fw.yaml", "cur.yaml"), documents(), strict=True):
                path = Path(folder) / name
                path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
                paths.append(path)
            import_paths(None, paths, utcnow())
            curriculum = find_curriculum("CB", 1)
            cohort = training.save_cohort(
                None,
                training.CohortData(
                    code="CB-1",
                    title_km="ក",
                    title_en="Bench",
                    curriculum_id=curriculum.id,
                    start_date=date(2026, 1, 5),
                    end_date=date(2026, 1, 16),
                    capacity=args.count,
                    status=CohortStatus.CLOSED,
                ),
                now=utcnow(),
            )
            db.session.commit()
            # Trainees, enrolments and one passed OSCE each, inserted in bulk.
            now = datetime(2026, 1, 16, 16, 0)
            users = [
                dict(
                    id=10_000 + n,
                    username=f"bench{n}",
                    password_hash="x",
                    family_name_km="កែវ",
                    given_name_km="ស្រីមុំ",
                    family_name_en="KEO",
                    given_name_en=f"Sreymom {n}",
                    sex=(Sex.FEMALE if n % 3 else Sex.MALE).value,
                    active=True,
                    must_change_password=False,
                    created_at=now,
                    updated_at=now,
                )
                for n in range(args.count)
            ]
            db.session.execute(sa.insert(User), users)
            db.session.execute(
                sa.insert(UserRole), [dict(user_id=u["id"], role="trainee") for u in users]
            )
            db.session.execute(
                sa.insert(Enrolment),
                [
                    dict(
                        id=u["id"],
                        cohort_id=cohort.id,
                        trainee_id=u["id"],
                        status="enrolled",
                        updated_at=now,
                    )
                    for u in users
                ],
            )
            db.session.execute(
                sa.insert(EnrolmentEvent),
                [dict(enrolment_id=u["id"], at=now, to_status="enrolled") for u in users],
            )
            instrument = curriculum.instruments[0]
            db.session.execute(
                sa.insert(AssessmentRecord),
                [
                    dict(
                        enrolment_id=u["id"],
                        instrument_id=instrument.id,
                        method="checklist",
                        status="submitted",
                        assessor_id=u["id"],
                        assessed_on=date(2026, 1, 15),
                        passed=True,
                        share_percent=100.0,
                        needs_verification=False,
                        superseded=False,
                        created_at=now,
                        submitted_at=now,
                    )
                    for u in users
                ],
            )
            db.session.commit()
            enrolment = db.session.get(Enrolment, 10_000)
            certificate, _ = services.issue(None, enrolment, utcnow(), Path(folder), "https://x")
            context = services.pdf_context(certificate, "https://lms.moh.gov.kh")
            for _ in range(5):
                pdf.render_pdf(context)
            timings = []
            started = time.perf_counter()
            for _ in range(args.renders):
                t0 = time.perf_counter()
                data = pdf.render_pdf(context)
                timings.append((time.perf_counter() - t0) * 1000)
            mean = (time.perf_counter() - started) / args.renders * 1000
            db.session.commit()
            if not args.render_only:
                started = time.perf_counter()
                result = services.bulk_issue(
                    None,
                    cohort,
                    utcnow(),
                    Path(folder),
                    "https://lms.moh.gov.kh",
                    workers=args.workers,
                )
                bulk = time.perf_counter() - started
        timings.sort()
        print(f"database: {url.split(':', 1)[0]}")
        print(
            f"render: median {statistics.median(timings):.0f} ms, "
            f"p95 {timings[int(len(timings) * 0.95) - 1]:.0f} ms, mean {mean:.0f} ms over "
            f"{args.renders} renders; {len(data) // 1024} KB per PDF (target: median < 30 ms)"
        )
        if args.render_only:
            return
        print(
            f"bulk issue: {len(result.issued)} issued, {len(result.existing)} existing, "
            f"{len(result.ineligible)} ineligible in {bulk:.1f} s "
            f"({bulk / max(1, len(result.issued)) * 1000:.0f} ms each, "
            f"{args.workers} rendering processes; "
            f"target: 1,000 under 60 s)"
        )


if __name__ == "__main__":
    main()
