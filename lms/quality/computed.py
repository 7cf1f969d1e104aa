"""Indicators computed from the LMS: a facility's staff on a date and their valid certificates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..certificates.models import Certificate
from ..curricula.models import Curriculum
from ..extensions import db
from ..users.models import Cadre, StaffAssignment, User
from .spec import Computation


@dataclass(frozen=True)
class StaffMember:
    user_id: int
    cadre: str | None
    sex: str


def staff_on(facility_id: int, day: date) -> list[StaffMember]:
    """Who worked at the facility on `day`, from staff assignments (one query)."""
    rows = db.session.execute(
        sa.select(User.id, Cadre.code, User.sex)
        .join(StaffAssignment, StaffAssignment.user_id == User.id)
        .outerjoin(Cadre, Cadre.id == User.cadre_id)
        .where(
            StaffAssignment.facility_id == facility_id,
            User.active.is_(True),
            StaffAssignment.covering(day),
        )
        .distinct()
    )
    return [StaffMember(uid, cadre, sex.value) for uid, cadre, sex in rows]


def certified_on(user_ids: list[int], day: date) -> dict[int, set[str]]:
    """The curriculum codes each user held a valid certificate of on `day` (one query)."""
    held: dict[int, set[str]] = {}
    if not user_ids:
        return held
    rows = db.session.execute(
        sa.select(Certificate.holder_id, Curriculum.code)
        .join(Curriculum, Curriculum.id == Certificate.curriculum_id)
        .where(Certificate.holder_id.in_(user_ids), Certificate.valid_on(day))
        .distinct()
    )
    for holder_id, code in rows:
        held.setdefault(holder_id, set()).add(code)
    return held


def evaluate(
    indicator, staff: list[StaffMember], held: dict[int, set[str]]
) -> tuple[float | None, dict]:
    """The value of a computed indicator and how it was found (counts in total and by sex)."""
    curricula = set(indicator.compute_curricula)
    cadres = set(indicator.compute_cadres)
    counted = [s for s in staff if not cadres or s.cadre in cadres]
    certified = {s for s in counted if held.get(s.user_id, set()) & curricula}
    by_sex: dict[str, list[int]] = {}
    for member in counted:
        entry = by_sex.setdefault(member.sex, [0, 0])
        entry[1] += 1
        if member in certified:
            entry[0] += 1
    if indicator.computation == Computation.STAFF_SHARE:
        # A share of nobody is not 0 %: with no staff of these cadres it does not count.
        value = round(100 * len(certified) / len(counted), 1) if counted else None
    else:
        value = float(len(certified))
    detail = {
        "staff": len(counted),
        "certified": len(certified),
        "by_sex": by_sex,
        "curricula": sorted(curricula),
        "cadres": sorted(cadres),
    }
    return value, detail
