"""People: users and their roles, cadres and professional councils."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.roles import Role
from ..columns import Named, link_table, parent_key, partial_index
from ..database import TimestampMixin, enum_column
from ..enums import LabelledEnum
from ..extensions import db
from ..orgunits.models import Facility


class Sex(LabelledEnum):
    FEMALE = "female", _l("Female")
    MALE = "male", _l("Male")
    OTHER = "other", _l("Another")


class Council(Named, db.Model):
    """A professional council that registers and licenses a cadre."""

    __tablename__ = "councils"
    audit_type = "council"
    id: Mapped[int] = mapped_column(primary_key=True)
    licence_cycle_years: Mapped[int] = mapped_column(default=3)


class Cadre(TimestampMixin, db.Model):
    """A kind of health worker (midwife, nurse, ...), extended by administrators."""

    __tablename__ = "cadres"
    audit_type = "cadre"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name_km: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    council_id: Mapped[int | None] = mapped_column(sa.ForeignKey("councils.id"))
    active: Mapped[bool] = mapped_column(default=True)

    council: Mapped[Council | None] = relationship()


class UserRole(db.Model):
    __tablename__ = "user_roles"
    user_id: Mapped[int] = parent_key("users", primary_key=True, index=False)
    role: Mapped[Role] = mapped_column(enum_column(Role), primary_key=True, index=True)


class FullNames:
    """A person's full name in each language, the family name first (of `family_name_km`,
    `given_name_km`, `family_name_en` and `given_name_en`: an account, or a slip)."""

    @property
    def full_name_km(self) -> str:
        return f"{self.family_name_km} {self.given_name_km}"

    @property
    def full_name_en(self) -> str:
        return f"{self.family_name_en} {self.given_name_en}"


class User(FullNames, UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    audit_type = "user"
    __table_args__ = (
        partial_index(
            "uq_users_council_licence",
            "council_id",
            "licence_number",
            where="licence_number IS NOT NULL",
            unique=True,
        ),
        # Name searches (the certificate registry) read this narrow index, not every row.
        sa.Index(
            "ix_users_names", "family_name_en", "given_name_en", "family_name_km", "given_name_km"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    family_name_km: Mapped[str] = mapped_column(sa.String(100))
    given_name_km: Mapped[str] = mapped_column(sa.String(100))
    family_name_en: Mapped[str] = mapped_column(sa.String(100), index=True)
    given_name_en: Mapped[str] = mapped_column(sa.String(100))
    sex: Mapped[Sex] = mapped_column(enum_column(Sex), index=True)
    date_of_birth: Mapped[date | None]
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    cadre_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cadres.id"), index=True)
    council_id: Mapped[int | None] = mapped_column(sa.ForeignKey("councils.id"))
    licence_number: Mapped[str | None] = mapped_column(sa.String(40))
    facility_id: Mapped[int | None] = mapped_column(sa.ForeignKey("facilities.id"), index=True)
    preferred_language: Mapped[str | None] = mapped_column(sa.String(5))
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # A temporary password (given by an administrator or an import) stops working after this.
    password_expires_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]

    cadre: Mapped[Cadre | None] = relationship()
    council: Mapped[Council | None] = relationship()
    facility: Mapped[Facility | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    assignments: Mapped[list[StaffAssignment]] = relationship(
        cascade="all, delete-orphan", order_by="StaffAssignment.started_on"
    )

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def password_expired(self, now: datetime) -> bool:
        """Whether this is a temporary password past its expiry (it no longer logs in)."""
        expires = self.password_expires_at
        return self.must_change_password and expires is not None and now >= expires


class StaffAssignment(db.Model):
    """Who worked where, and when: a facility's staff on a past date (quality indicators are
    computed at the assessment date). Kept by the users service when a workplace changes."""

    __tablename__ = "staff_assignments"
    __table_args__ = (sa.Index("ix_staff_assignments_facility", "facility_id", "started_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = parent_key("users")
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facilities.id"))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]  # the first day no longer there

    @classmethod
    def covering(cls, day: date):
        """In SQL: the assignment held on `day` (it started by then and had not ended)."""
        return sa.and_(cls.started_on <= day, sa.or_(cls.ended_on.is_(None), cls.ended_on > day))


class HandoutEnd(LabelledEnum):
    """Why the passwords of a handout are no longer held."""

    TAKEN = "taken", _l("The slips were printed and the CSV file downloaded, once each.")
    DONE = "done", _l("An administrator marked them as handed out.")
    EXPIRED = "expired", _l("They are held for a short time only, and that time is over.")
    RESET = "reset", _l("The passwords were reset again: the new ones replace them.")


password_handout_accounts = link_table(
    "password_handout_accounts",
    ("handout_id", "password_handouts"),
    ("user_id", "users"),
    right_index=False,
)


class PasswordHandout(db.Model):
    """The temporary passwords of a batch of accounts (an import, or resetting them again),
    held so that the administrator who made them can print the slips once and download the
    CSV file once. They are sealed with a key that only that administrator's browser session
    holds, and wiped when both were taken, when an administrator says they were handed out,
    or after a short time (lms/users/services/handouts.py)."""

    __tablename__ = "password_handouts"
    audit_type = "password_handout"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32), unique=True)  # its id in URLs
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime]
    held_until: Mapped[datetime]
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("password_handouts.id"))
    sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)  # None once wiped
    slips_shown_at: Mapped[datetime | None]
    csv_taken_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    ended_why: Mapped[HandoutEnd | None] = mapped_column(enum_column(HandoutEnd))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    accounts: Mapped[list[User]] = relationship(
        secondary=password_handout_accounts, order_by="(User.family_name_en, User.given_name_en)"
    )
