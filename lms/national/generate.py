"""Build the national dataset: places, people, five years of training, certificates, and eight
quarterly rounds of quality assessments, on a migrated database holding no people yet."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as clock

import sqlalchemy as sa

from ..auth.passwords import hash_password
from ..curricula.models import Curriculum
from ..datafiles import in_folder
from ..demo import load_curricula
from ..errors import DomainError
from ..extensions import db
from ..quality.files import TOOLS
from ..quality.importer import import_tools
from ..quality.models import QualityTool
from ..users.models import User
from .assessments import AssessmentBuilder
from .bulk import Writer
from .certificates import CertificateBuilder
from .people import PeopleBuilder
from .quality import QualityBuilder
from .training import TrainingBuilder

PASSWORD = "national-data-2026"  # noqa: S105 (a load-test dataset's shared password)


@dataclass(frozen=True)
class Size:
    workers: int = 40_000
    cohorts: int = 2_000
    enrolments: int = 150_000
    records: int = 2_000_000
    certificates: int = 100_000
    rounds: int = 8

    def scaled(self, factor: float) -> Size:
        """Smaller (or larger) people and training; the places and rounds stay national."""
        return Size(
            workers=max(200, round(self.workers * factor)),
            cohorts=max(10, round(self.cohorts * factor)),
            enrolments=max(200, round(self.enrolments * factor)),
            records=max(1000, round(self.records * factor)),
            certificates=max(100, round(self.certificates * factor)),
            rounds=self.rounds,
        )


def generate(
    seed: int,
    as_of: date,
    size: Size = Size(),  # noqa: B008 (frozen)
    password: str = PASSWORD,
    echo: Callable[[str], None] = print,
) -> dict[str, int]:
    """Write the dataset in one transaction and return the number of rows per table. The same
    seed, day and size give the same data."""
    if db.session.scalar(sa.select(User.id).limit(1)) is not None:
        raise DomainError("The database already holds people; generate into an empty one.")
    rng = random.Random(seed)
    now = datetime.combine(as_of, clock(3, 0))
    started = time.perf_counter()

    def step(label: str) -> None:
        echo(f"{time.perf_counter() - started:7.1f} s  {label}")

    step("curricula and quality tools")
    if db.session.scalar(sa.select(Curriculum.id).limit(1)) is None:
        load_curricula(now)
    if db.session.scalar(sa.select(QualityTool.id).limit(1)) is None:
        import_tools(None, in_folder(TOOLS), now)
    db.session.flush()
    writer = Writer(db.session.connection())
    step(f"places and {size.workers:,} health workers")
    country = PeopleBuilder(writer, rng, as_of, now, hash_password(password)).build(size.workers)
    training = TrainingBuilder(writer, rng, as_of, now, country)
    step(f"{size.cohorts:,} cohorts and about {size.enrolments:,} enrolments")
    training.cohorts(size.cohorts, size.enrolments)
    step("sessions and attendance")
    training.attendance()
    assessments = AssessmentBuilder(writer, rng, as_of, training.groups)
    step(f"about {size.records:,} assessment records")
    graduated = assessments.records(size.records, size.certificates)
    step("logbooks of the running cohorts")
    assessments.logbooks()
    step("certificates")
    held = CertificateBuilder(writer, rng, as_of, country, training.groups).build(graduated)
    step(f"{size.rounds} quarterly rounds of quality assessments")
    QualityBuilder(writer, rng, as_of, country, held).build(size.rounds)
    writer.finish()
    step("committing")
    db.session.commit()
    if writer.dialect == "postgresql":
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    step("done")
    return dict(writer.counts)
