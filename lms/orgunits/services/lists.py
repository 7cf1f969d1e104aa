"""Looking places up: filtered lists of facilities and districts, their pages, and the
provinces with their counts."""

from __future__ import annotations

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from ... import paging
from ...extensions import db
from ..models import Facility, OperationalDistrict, Province
from .finding import facility_matches
from .places import provinces


def facility_query(
    search: str | None = None,
    province_id: int | None = None,
    district_id: int | None = None,
    kind: str | None = None,
    active: bool | None = None,
) -> sa.Select:
    """Facilities matching the filters, ordered by province then name, with their places."""
    stmt = (
        sa.select(Facility)
        .options(joinedload(Facility.province), joinedload(Facility.district))
        .order_by(Facility.province_id, Facility.name_en)
    )
    if search:
        stmt = stmt.where(facility_matches(search))
    if province_id:
        stmt = stmt.where(Facility.province_id == province_id)
    if district_id:
        stmt = stmt.where(Facility.district_id == district_id)
    if kind:
        stmt = stmt.where(Facility.type == kind)
    if active is not None:
        stmt = stmt.where(Facility.active.is_(active))
    return stmt


def district_query(province_id: int | None = None) -> sa.Select:
    """Operational districts (of one province, when given) by code, with their province."""
    stmt = (
        sa.select(OperationalDistrict)
        .options(joinedload(OperationalDistrict.province))
        .order_by(OperationalDistrict.code)
    )
    if province_id:
        stmt = stmt.where(OperationalDistrict.province_id == province_id)
    return stmt


def facilities_page(stmt: sa.Select, page: int) -> Pagination:
    """One page of the facilities `stmt` selects (the configured page size)."""
    return db.paginate(
        stmt, page=paging.page_number(page), per_page=paging.page_size(), error_out=False
    )


def districts_page(province_id: int | None, page: int) -> Pagination:
    """One page of operational districts; their rows are short, so a page holds twice as
    many."""
    return db.paginate(
        district_query(province_id),
        page=paging.page_number(page),
        per_page=paging.page_size(2),
        error_out=False,
    )


def active_facilities() -> list[Facility]:
    """The facilities in use, by English name (for choosing a workplace or a venue)."""
    return list(
        db.session.scalars(
            sa.select(Facility).where(Facility.active.is_(True)).order_by(Facility.name_en)
        )
    )


def active_districts() -> list[OperationalDistrict]:
    """The operational districts in use, by code."""
    return list(
        db.session.scalars(
            sa.select(OperationalDistrict)
            .where(OperationalDistrict.active.is_(True))
            .order_by(OperationalDistrict.code)
        )
    )


def province_summaries() -> list[tuple[Province, int, int]]:
    """Each province with its number of districts and of facilities (two grouped queries)."""
    districts = dict(
        db.session.execute(
            sa.select(OperationalDistrict.province_id, sa.func.count()).group_by(
                OperationalDistrict.province_id
            )
        ).all()
    )
    facilities = dict(
        db.session.execute(
            sa.select(Facility.province_id, sa.func.count()).group_by(Facility.province_id)
        ).all()
    )
    return [(p, districts.get(p.id, 0), facilities.get(p.id, 0)) for p in provinces()]
