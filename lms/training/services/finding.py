"""Finding the trainee a manager means: by login name, e-mail, licence number (with its
council when two councils gave the same number) or full name in either script."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ...auth.roles import Role
from ...errors import DomainError
from ...extensions import db
from ...users.models import Council, User, UserRole

CANDIDATES_NAMED = 5  # an ambiguous licence number names at most this many holders


def find_trainee(identifier: str, council: str | None = None) -> User | None:
    """A user by login name, email, licence number or full name; `council` (its code) picks
    the holder of a licence number among councils. A licence number that more than one council
    has given, and no council to tell them apart, is a `DomainError` naming the holders; so is
    a name several trainees share."""
    value = (identifier or "").strip()
    if not value:
        return None
    user = db.session.scalar(
        sa.select(User).where(sa.or_(User.username == value.lower(), User.email == value.lower()))
    )
    if user is not None:
        return user
    holders = sa.select(User).options(joinedload(User.council)).where(User.licence_number == value)
    if council and council.strip():
        holders = holders.join(Council, Council.id == User.council_id).where(
            Council.code == council.strip().upper()
        )
    found = db.session.scalars(holders.order_by(User.id).limit(CANDIDATES_NAMED + 1)).all()
    if len(found) > 1:
        raise DomainError(ambiguous_licence(value, found), "trainee")
    return found[0] if found else by_name(value)


def _full_names():
    """A person's full name as people write it: family then given, in either script."""
    space = sa.literal(" ")
    return (
        sa.func.lower(User.family_name_en + space + User.given_name_en),
        sa.func.lower(User.given_name_en + space + User.family_name_en),
        User.family_name_km + space + User.given_name_km,
    )


def by_name(value: str) -> User | None:
    """The trainee with this full name (Khmer or Latin script, either order in Latin, any case
    and spacing); several of the same name are a `DomainError` naming them by login name."""
    name = " ".join(value.split())
    wanted = [column == name.lower() for column in _full_names()[:2]]
    wanted.append(_full_names()[2] == name)
    trainees = sa.select(UserRole.user_id).where(UserRole.role == Role.TRAINEE)
    found = db.session.scalars(
        sa.select(User)
        .where(sa.or_(*wanted), User.active.is_(True), User.id.in_(trainees))
        .order_by(User.id)
        .limit(CANDIDATES_NAMED + 1)
    ).all()
    if len(found) > 1:
        named = "; ".join(f"{u.full_name_km} · {u.full_name_en} ({u.username})" for u in found)
        raise DomainError(
            _l(
                "More than one trainee is called %(name)s: %(people)s. Give the login name.",
                name=name,
                people=named,
            ),
            "trainee",
        )
    return found[0] if found else None


def ambiguous_licence(licence: str, holders: list[User]):
    """The message for a licence number several people hold: each by name and council."""
    named = "; ".join(
        f"{u.full_name_km} · {u.full_name_en} ({u.council.code if u.council else '-'})"
        for u in holders[:CANDIDATES_NAMED]
    )
    return _l(
        "Licence number %(licence)s is held by more than one person: %(holders)s. "
        "Give the council to tell them apart.",
        licence=licence,
        holders=named,
    )
