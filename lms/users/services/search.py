"""Finding people: the filtered list of users, one page of it, and its counts by sex."""

from __future__ import annotations

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from ... import paging
from ...extensions import db
from ...text import normalise
from ..models import Sex, User, UserRole


def user_query(
    search: str | None = None,
    role: str | None = None,
    facility_id: int | None = None,
    sex: str | None = None,
    active: bool | None = None,
) -> sa.Select:
    """Users matching the filters; names are searched in both scripts."""
    stmt = sa.select(User)
    if search:
        like = f"%{normalise(search)}%"
        stmt = stmt.where(
            sa.or_(
                User.username.ilike(like),
                User.email.ilike(like),
                User.family_name_en.ilike(like),
                User.given_name_en.ilike(like),
                User.family_name_km.like(like),
                User.given_name_km.like(like),
                (User.family_name_km + " " + User.given_name_km).like(like),
                (User.family_name_en + " " + User.given_name_en).ilike(like),
                User.licence_number.ilike(like),
                User.phone.like(like),
            )
        )
    if role:
        stmt = stmt.where(User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)))
    if facility_id:
        stmt = stmt.where(User.facility_id == facility_id)
    if sex:
        stmt = stmt.where(User.sex == sex)
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    return stmt


def listing(stmt: sa.Select) -> sa.Select:
    """`stmt` ordered by name, with each user's cadre and workplace loaded alongside."""
    return stmt.options(joinedload(User.cadre), joinedload(User.facility)).order_by(
        User.family_name_en, User.given_name_en, User.id
    )


def users_page(stmt: sa.Select, page: int) -> Pagination:
    """One page of the users `stmt` selects, in list order (the configured page size)."""
    return db.paginate(
        listing(stmt),
        page=paging.page_number(page),
        per_page=paging.page_size(),
        error_out=False,
    )


def count_by_sex(stmt: sa.Select) -> dict[Sex, int]:
    """How many users `stmt` selects, split by sex (every sex present, zero included)."""
    sub = stmt.with_only_columns(User.id, User.sex).order_by(None).subquery()
    counts = dict(
        db.session.execute(sa.select(sub.c.sex, sa.func.count()).group_by(sub.c.sex)).all()
    )
    return {sex: counts.get(sex, 0) for sex in Sex}
