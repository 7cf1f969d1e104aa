"""Preparing a database: the schema, the reference data, the first administrator."""

from __future__ import annotations

from datetime import datetime

from flask_migrate import upgrade

from .audit import services as audit
from .auth.roles import Role
from .extensions import db
from .orgunits import services as orgunits
from .users import services as users
from .users.models import Sex, User, UserRole


def seed_reference_data() -> None:
    """Provinces, councils and cadres: idempotent."""
    orgunits.seed_provinces()
    users.seed_councils_and_cadres()


def prepare_database(now: datetime) -> None:
    """Migrate to the newest schema, key an audit trail written before `LMS_AUDIT_KEY` (its
    transition event) and add the reference data, committed: what `flask setup` and `flask
    national generate` do first."""
    upgrade()
    audit.key_the_trail(now)
    seed_reference_data()
    db.session.commit()


def has_people() -> bool:
    return db.session.scalar(db.select(User.id).limit(1)) is not None


def has_administrator() -> bool:
    found = db.session.scalar(
        db.select(UserRole.user_id).where(UserRole.role == Role.ADMIN).limit(1)
    )
    return found is not None


def first_administrator(now: datetime) -> str:
    """Create the account `admin` and return its temporary password (an empty database)."""
    data = users.UserData(
        username="admin",
        family_name_km="អ្នកគ្រប់គ្រង",
        given_name_km="ប្រព័ន្ធ",
        family_name_en="Administrator",
        given_name_en="System",
        sex=Sex.OTHER,
        roles={Role.ADMIN},
    )
    _user, temporary = users.create_user(None, data, now)
    return temporary
