"""The province league table and a facility scorecard at national scale.

    .venv/bin/python bench/quality.py [--facilities 1300] [--rounds 8] [--database-url URL]

Builds the national registry's size (1,300 facilities in 25 provinces, three staff each, a
validated assessment per facility and round), then times the league table (whole country and
one province), its CSV, a facility scorecard and the training-needs page through the test
client, printing the median time and the number of SQL statements of each. The statement
counts must not depend on the data size (tests assert it on small data).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from lms import create_app  # noqa: E402
from lms.auth.roles import Role
from lms.config import TESTING  # noqa: E402
from lms.database import utcnow  # noqa: E402
from lms.demo import load_curricula  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.orgunits.models import Facility, FacilityType, OperationalDistrict, Province  # noqa: E402
from lms.quality import services as quality  # noqa: E402
from lms.quality.files import TOOLS  # noqa: E402
from lms.quality.importer import import_tools  # noqa: E402
from lms.quality.models import (  # noqa: E402
    AssessmentStatus,
    QualityAnswer,
    QualityAssessment,
    QualityTool,
)
from lms.setup import seed_reference_data
from lms.users import services as users  # noqa: E402
from lms.users.models import Cadre, Sex, StaffAssignment, User

PASSWORD = "Bench-password-2026"


def build(facilities: int, rounds: int) -> tuple[int, int]:
    """The registry, staff and assessments, inserted in bulk. Returns (province id, facility)."""
    now = utcnow()
    load_curricula(now)
    import_tools(None, sorted(TOOLS.glob("*.yaml")), now)
    tools = {t.code: t for t in db.session.scalars(sa.select(QualityTool))}
    provinces = db.session.scalars(sa.select(Province).order_by(Province.code)).all()
    districts = []
    for p in provinces:
        for n in range(4):
            districts.append(
                OperationalDistrict(
                    code=f"OD-{p.code}-{n}",
                    province_id=p.id,
                    name_km=f"ស្រុក{n}",
                    name_en=f"OD {p.code}-{n}",
                )
            )
    db.session.add_all(districts)
    db.session.flush()
    rows = []
    for n in range(facilities):
        d = districts[n % len(districts)]
        kind = FacilityType.REFERRAL_HOSPITAL_CPA2 if n % 13 == 0 else FacilityType.HEALTH_CENTRE
        rows.append(
            {
                "code": f"F{n:05d}",
                "name_km": f"មណ្ឌលសុខភាព{n}",
                "name_en": f"Facility {n}",
                "type": kind,
                "province_id": d.province_id,
                "district_id": d.id,
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
        )
    db.session.execute(sa.insert(Facility), rows)
    ids = db.session.execute(
        sa.select(Facility.id, Facility.type, Facility.province_id).where(Facility.code.like("F%"))
    ).all()
    cadres = dict(db.session.execute(sa.select(Cadre.code, Cadre.id)).all())
    people = []
    for n, (fid, _kind, _p) in enumerate(ids):
        for k, cadre in enumerate(("MIDWIFE", "MIDWIFE", "NURSE")):
            people.append(
                {
                    "username": f"s{n}-{k}",
                    "password_hash": "x",
                    "family_name_km": "ក",
                    "given_name_km": "ខ",
                    "family_name_en": "K",
                    "given_name_en": "S",
                    "sex": Sex.FEMALE if k < 2 else Sex.MALE,
                    "cadre_id": cadres[cadre],
                    "facility_id": fid,
                    "active": True,
                    "must_change_password": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    db.session.execute(sa.insert(User), people)
    db.session.execute(
        sa.insert(StaffAssignment).from_select(
            ["user_id", "facility_id", "started_on"],
            sa.select(User.id, User.facility_id, sa.literal(date(2020, 1, 1))).where(
                User.username.like("s%")
            ),
        )
    )
    today = now.date()
    round_rows = []
    for r in range(rounds):
        start = today - timedelta(days=92 * (rounds - r))
        round_rows.append(
            quality.save_round(
                None,
                quality.RoundData(f"R{r}", "ជុំ", f"Round {r}", start, start + timedelta(days=90)),
                now,
            )
        )
    admin, _ = users.create_user(
        None,
        users.UserData(
            username="bench.admin",
            family_name_km="ក",
            given_name_km="ខ",
            family_name_en="A",
            given_name_en="B",
            sex=Sex.FEMALE,
            roles={Role.ADMIN},
        ),
        now,
        password=PASSWORD,
    )
    assessments = []
    for r, round_ in enumerate(round_rows):
        for n, (fid, kind, _p) in enumerate(ids):
            tool = tools["QA-RH" if kind == FacilityType.REFERRAL_HOSPITAL_CPA2 else "QA-HC"]
            score = 40 + (n * 7 + r * 5) % 60
            assessments.append(
                {
                    "facility_id": fid,
                    "round_id": round_.id,
                    "tool_id": tool.id,
                    "version": 1,
                    "status": AssessmentStatus.VALIDATED,
                    "assessed_on": round_.starts_on,
                    "created_by_id": admin.id,
                    "created_at": now,
                    "updated_at": now,
                    "overall_score": float(score),
                    "raw_score": float(score),
                    "capped": False,
                    "domain_scores_json": json.dumps({"IPC": score}),
                }
            )
    db.session.execute(sa.insert(QualityAssessment), assessments)
    # Answers for every round of one health centre: the scorecard reads them.
    target = next(fid for fid, kind, _p in ids if kind == FacilityType.HEALTH_CENTRE)
    tool = quality.load_tool(tools["QA-HC"].id)
    answers = []
    for (aid,) in db.session.execute(
        sa.select(QualityAssessment.id).where(QualityAssessment.facility_id == target)
    ):
        for domain in tool.domains:
            for i in domain.indicators:
                value = i.met if i.met is not None else None
                answers.append(
                    {
                        "assessment_id": aid,
                        "indicator_id": i.id,
                        "value": value,
                        "choice": None if value is not None else "no",
                    }
                )
    db.session.execute(sa.insert(QualityAnswer), answers)
    db.session.commit()
    province = db.session.get(Facility, target).province_id
    return province, target


def measure(client, url: str, runs: int = 7) -> tuple[float, int, int]:
    counter = {"n": 0}

    def count(*_args):
        counter["n"] += 1

    times = []
    for _ in range(runs):
        db.session.expire_all()
        counter["n"] = 0
        sa.event.listen(db.engine, "before_cursor_execute", count)
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        sa.event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), counter["n"], len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=1300)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        app = create_app(
            {
                **TESTING,
                "SQLALCHEMY_DATABASE_URI": url,
                "UPLOAD_FOLDER": folder,
                "WTF_CSRF_ENABLED": False,
                "PROPAGATE_EXCEPTIONS": True,
            }
        )
        with app.app_context():
            upgrade()
            seed_reference_data()
            started = time.perf_counter()
            province, facility = build(args.facilities, args.rounds)
            print(
                f"built {args.facilities} facilities x {args.rounds} rounds in "
                f"{time.perf_counter() - started:.1f} s"
            )
            client = app.test_client()
            client.post("/login", data={"login": "bench.admin", "password": PASSWORD})
            client.set_cookie("lang", "km")
            for label, page in (
                ("league, whole country (page 1)", "/quality/league"),
                ("league, one province", f"/quality/league?province={province}"),
                ("league CSV, whole country", "/quality/league.csv"),
                ("facility scorecard", f"/quality/facilities/{facility}"),
                ("training needs", f"/quality/facilities/{facility}/training-needs"),
            ):
                ms, statements, size = measure(client, page)
                print(
                    f"{label:<32} median {ms:7.1f} ms  {statements:3d} SQL statements  "
                    f"{size / 1024:6.1f} KB"
                )


if __name__ == "__main__":
    main()
