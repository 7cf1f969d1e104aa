"""Valid objects in one line, for tests."""

from __future__ import annotations

import itertools
from datetime import date, datetime

import sqlalchemy as sa

from lms.auth.roles import Role
from lms.database import utcnow
from lms.extensions import db
from lms.orgunits.models import Facility, FacilityType, OperationalDistrict, Province
from lms.training.models import CohortStatus
from lms.users import services as users
from lms.users.models import Cadre, Sex

from . import clock

PASSWORD = "Correct-horse-battery-9"
_seq = itertools.count(1)


def province(code: str = "12") -> Province:
    return db.session.scalar(sa.select(Province).where(Province.code == code))


def district(code: str | None = None, province_code: str = "21", **kw) -> OperationalDistrict:
    n = next(_seq)
    d = OperationalDistrict(
        code=code or f"OD-{n}",
        province_id=province(province_code).id,
        name_km=kw.pop("name_km", f"ស្រុក{n}"),
        name_en=kw.pop("name_en", f"District {n}"),
        **kw,
    )
    db.session.add(d)
    db.session.flush()
    return d


def facility(code: str | None = None, province_code: str = "21", **kw) -> Facility:
    n = next(_seq)
    f = Facility(
        code=code or f"HC-{n}",
        province_id=province(province_code).id,
        name_km=kw.pop("name_km", f"មណ្ឌលសុខភាព{n}"),
        name_en=kw.pop("name_en", f"Health Centre {n}"),
        type=kw.pop("type", FacilityType.HEALTH_CENTRE),
        **kw,
    )
    db.session.add(f)
    db.session.flush()
    return f


def cadre(code: str = "MIDWIFE") -> Cadre:
    return db.session.scalar(sa.select(Cadre).where(Cadre.code == code))


def user(
    roles=(Role.TRAINEE,),
    username: str | None = None,
    password: str = PASSWORD,
    sex: Sex = Sex.FEMALE,
    **kw,
):
    n = next(_seq)
    data = users.UserData(
        username=username or f"user{n}",
        family_name_km=kw.pop("family_name_km", "សុខ"),
        given_name_km=kw.pop("given_name_km", f"ដារា{n}"),
        family_name_en=kw.pop("family_name_en", "SOK"),
        given_name_en=kw.pop("given_name_en", f"Dara{n}"),
        sex=sex,
        roles={Role(r) for r in (roles or (Role.TRAINEE,))},
        **kw,
    )
    created, _ = users.create_user(None, data, utcnow(), password=password)
    return created


def cohort(
    curriculum,
    *instructors,
    code: str,
    start_date: date | None = None,
    end_date: date | None = None,
    status: CohortStatus = CohortStatus.OPEN,
    capacity: int = 5,
    title_km: str = "វគ្គ",
    title_en: str = "Cohort",
    now: datetime | None = None,
):
    """A cohort of `curriculum` taught by `instructors`, from three days ago to twenty days
    on unless told."""
    from lms.training import services as training

    return training.save_cohort(
        None,
        training.CohortData(
            code=code,
            title_km=title_km,
            title_en=title_en,
            curriculum_id=curriculum.id,
            start_date=start_date or clock.days(-3),
            end_date=end_date or clock.days(20),
            capacity=capacity,
            status=status,
            instructor_ids=[i.id for i in instructors],
        ),
        now=now or utcnow(),
    )


def graduate(instructor, cohort, trainee=None, now: datetime | None = None):
    """A trainee (a new one unless given) enrolled in the cohort, with passing evidence for
    every instrument of the sample curriculum the cohort runs: the enrolment."""
    from lms.training import services as training

    trainee = trainee or user()
    enrolment = training.enrol(instructor, cohort, trainee, now or utcnow())
    complete(instructor, trainee, enrolment, cohort.curriculum)
    return enrolment


def passed_checklist(instructor, enrolment, instrument, now: datetime | None = None):
    """The instrument's checklist for the trainee, every item done, submitted: the record."""
    from lms.assessments import services as assessments
    from lms.assessments.rules import Mark

    marks = {i.id: Mark.DONE for i in instrument.items}
    return assessments.save_checklist(
        instructor,
        enrolment,
        instrument,
        assessments.ChecklistData(marks, 3, clock.days(-1)),
        True,
        now or utcnow(),
    )


def logbook_case(trainee, enrolment, log, reference: str, *, day=-2, verified_by=None, now=None):
    """A case the trainee performed `day` days from today, in the first case type of `log`;
    verified when `verified_by` (an instructor) is given: the entry."""
    from lms.assessments import services as assessments
    from lms.assessments.models import CaseRole

    now = now or utcnow()
    entry = assessments.add_logbook_entry(
        trainee,
        enrolment,
        log,
        log.case_types[0].id,
        clock.days(day),
        None,
        reference,
        CaseRole.PERFORMED,
        now,
    )
    if verified_by is not None:
        assessments.review_logbook_entry(verified_by, entry, True, None, now)
    return entry


def complete(instructor, trainee, enrolment, curriculum):
    """Give the trainee passing evidence for every instrument of the sample curriculum."""
    from lms.assessments import online_tests

    instruments = {i.code: i for i in curriculum.instruments}
    osce, kt, log = instruments["OSCE-1"], instruments["KT"], instruments["LOG"]
    passed_checklist(instructor, enrolment, osce)
    attempt = online_tests.start_attempt(trainee, enrolment, kt, utcnow())
    question, options = online_tests.paper(attempt)[0]
    online_tests.submit_attempt(
        trainee, attempt, {question.id: next(o.id for o in options if o.correct)}, utcnow()
    )
    for n in range(log.case_types[0].min_count):
        logbook_case(trainee, enrolment, log, f"R-{n}", day=-3, verified_by=instructor)
