"""Finding facilities by what people type: part of a name in either script, or part of a
code, with digits in either script (the facility pickers; `lms.orgunits.forms`)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...i18n import khmer_digits
from ...text import code_as_typed, latin_digits, normalise
from ..models import Facility


def _like(text: str) -> str:
    """`%text%` for LIKE, with LIKE's own wildcards in `text` taken as they are."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def facility_matches(text: str) -> sa.ColumnElement[bool]:
    """In SQL: facilities whose code or name (Khmer or English) holds every word of `text`;
    a digit matches in either script (`១២` finds `12-HC-012` and `មណ្ឌលសុខភាព ១២`)."""
    words = (normalise(text) or "").split()
    conditions = []
    for word in words:
        latin = latin_digits(word)
        conditions.append(
            sa.or_(
                Facility.code.like(_like(code_as_typed(word)), escape="\\"),
                Facility.name_en.ilike(_like(latin), escape="\\"),
                Facility.name_km.like(_like(latin), escape="\\"),
                Facility.name_km.like(_like(khmer_digits(latin)), escape="\\"),
            )
        )
    return sa.and_(sa.true(), *conditions)


def active_facility_query() -> sa.Select:
    """The facilities in use (what pickers offer unless told otherwise)."""
    return sa.select(Facility).where(Facility.active.is_(True))


def find_facilities(
    text: str | None, limit: int, within: sa.Select | None = None
) -> list[Facility]:
    """Up to `limit` facilities matching `text` (the first by name, when it is empty) among
    `within` (a select of facilities; the active ones by default): a facility whose code is
    the text comes first, then by name, with their provinces."""
    stmt = within if within is not None else active_facility_query()
    if text and text.strip():
        stmt = stmt.where(facility_matches(text))
    return list(
        db.session.scalars(
            stmt.options(joinedload(Facility.province))
            .order_by(None)
            .order_by(_rank(text or ""), Facility.name_en, Facility.id)
            .limit(limit)
        )
    )


def _rank(text: str) -> sa.Case:
    """First the facility whose code is the text, then those whose name ends with its last
    word (`តាកែវ ១` or `Takeo 1` is number 1 before 10 to 19), then the others."""
    words = latin_digits(normalise(text) or "").split()
    last = words[-1] if words else ""
    ends = [
        Facility.name_en.ilike("%" + _like(" " + last)[1:-1], escape="\\"),
        Facility.name_km.like("%" + _like(" " + last)[1:-1], escape="\\"),
        Facility.name_km.like("%" + _like(" " + khmer_digits(last))[1:-1], escape="\\"),
    ]
    whens = [(Facility.code == code_as_typed(text), 0)] + ([(sa.or_(*ends), 1)] if last else [])
    return sa.case(*whens, else_=2)


def facility_among(facility_id: int, within: sa.Select | None = None) -> Facility | None:
    """The facility with this id if it is among `within` (the active ones by default)."""
    stmt = within if within is not None else active_facility_query()
    return db.session.scalar(stmt.where(Facility.id == facility_id).order_by(None).limit(1))


def facilities_among(
    ids: list[int], within: sa.Select | None = None, keep: int | None = None
) -> list[Facility]:
    """Those of the facilities with these ids that are among `within` (the active ones by
    default), and `keep` wherever it is (one query)."""
    if not ids:
        return []
    stmt = within if within is not None else active_facility_query()
    allowed = Facility.id.in_(stmt.with_only_columns(Facility.id).order_by(None))
    if keep is not None:
        allowed = sa.or_(allowed, Facility.id == keep)
    return list(db.session.scalars(sa.select(Facility).where(Facility.id.in_(ids), allowed)))
