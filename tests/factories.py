"""Valid objects in one line, for tests."""

from __future__ import annotations

import itertools

import sqlalchemy as sa

from lms.auth.roles import Role
from lms.database import utcnow
from lms.extensions import db
from lms.orgunits.models import Facility, FacilityType, OperationalDistrict, Province
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


def complete(instructor, trainee, enrolment, curriculum):
    """Give the trainee passing evidence for every instrument of the sample curriculum."""
    from lms.assessments import online_tests
    from lms.assessments import services as assessments
    from lms.assessments.models import CaseRole
    from lms.assessments.rules import Mark

    instruments = {i.code: i for i in curriculum.instruments}
    osce, kt, log = instruments["OSCE-1"], instruments["KT"], instruments["LOG"]
    assessments.save_checklist(
        instructor,
        enrolment,
        osce,
        assessments.ChecklistData({i.id: Mark.DONE for i in osce.items}, 3, clock.days(-1)),
        True,
        utcnow(),
    )
    attempt = online_tests.start_attempt(trainee, enrolment, kt, utcnow())
    question, options = online_tests.paper(attempt)[0]
    online_tests.submit_attempt(
        trainee, attempt, {question.id: next(o.id for o in options if o.correct)}, utcnow()
    )
    for n in range(log.case_types[0].min_count):
        entry = assessments.add_logbook_entry(
            trainee,
            enrolment,
            log,
            log.case_types[0].id,
            clock.days(-3),
            None,
            f"R-{n}",
            CaseRole.PERFORMED,
            utcnow(),
        )
        assessments.review_logbook_entry(instructor, entry, True, None, utcnow())
