"""Valid objects in one line, for tests."""

from __future__ import annotations

import itertools

import sqlalchemy as sa

from lms.database import utcnow
from lms.extensions import db
from lms.orgunits.models import Facility, FacilityType, OperationalDistrict, Province
from lms.users import services as users
from lms.users.models import Cadre, Role, Sex

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
