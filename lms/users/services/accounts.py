"""Accounts: the values a person's account holds, and creating, changing, deactivating it and
resetting its password."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...audit import services as audit
from ...auth import throttle
from ...auth.passwords import check_policy, hash_password, temporary_password, temporary_until
from ...auth.roles import Role
from ...auth.services import end_all_sessions
from ...errors import DomainError
from ...extensions import db
from ...i18n import local_date
from ...text import has_khmer, normalise
from ..models import Cadre, Sex, User, UserRole
from .assignments import move_workplace

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9 ]{6,20}$")
LANGUAGES = ("km", "en")
# Each language named in itself, as the language menu shows it.
LANGUAGE_NAMES = {"km": "ខ្មែរ", "en": "English"}
# A person's four names, as User and UserData both call them.
NAMES = ("family_name_km", "given_name_km", "family_name_en", "given_name_en")
# The fields of UserData that a User copies as they are.
COPIED = (
    "username",
    "email",
    *NAMES,
    "sex",
    "date_of_birth",
    "phone",
    "cadre_id",
    "council_id",
    "licence_number",
    "facility_id",
    "preferred_language",
)
NORMALISED = (*NAMES, "phone", "licence_number")

Problems = list[tuple[str, object]]


@dataclass
class UserData:
    username: str
    family_name_km: str
    given_name_km: str
    family_name_en: str
    given_name_en: str
    sex: Sex
    email: str | None = None
    date_of_birth: date | None = None
    phone: str | None = None
    cadre_id: int | None = None
    council_id: int | None = None
    licence_number: str | None = None
    facility_id: int | None = None
    preferred_language: str | None = None
    roles: set[Role] = field(default_factory=lambda: {Role.TRAINEE})

    def clean(self) -> UserData:
        """Normalise the text as it is stored: login names and emails in small letters."""
        self.username = (normalise(self.username) or "").lower()
        self.email = (normalise(self.email) or "").lower() or None
        for name in NORMALISED:
            setattr(self, name, normalise(getattr(self, name)))
        self.preferred_language = self.preferred_language or None
        return self


def check_user_fields(data: UserData, today: date) -> Problems:
    """Problems with the values themselves, before looking at other users."""
    problems: Problems = []
    if not USERNAME_RE.match(data.username or ""):
        problems.append(
            (
                "username",
                _l("Use 3 to 80 small Latin letters, digits, dots, dashes or underscores."),
            )
        )
    if data.email and not EMAIL_RE.match(data.email):
        problems.append(("email", _l("This is not an email address.")))
    for name in ("family_name_km", "given_name_km"):
        value = getattr(data, name)
        if not value:
            problems.append((name, _l("This name is required in Khmer script.")))
        elif not has_khmer(value):
            problems.append((name, _l("Write this name in Khmer script.")))
    for name in ("family_name_en", "given_name_en"):
        value = getattr(data, name)
        if not value:
            problems.append((name, _l("This name is required in Latin script.")))
        elif has_khmer(value):
            problems.append((name, _l("Write this name in Latin script.")))
    if data.phone and not PHONE_RE.match(data.phone):
        problems.append(("phone", _l("Write the phone number with digits only, e.g. 012 345 678.")))
    if data.date_of_birth and not (date(1900, 1, 1) <= data.date_of_birth <= today):
        problems.append(("date_of_birth", _l("The date of birth is not possible.")))
    if data.licence_number and not data.council_id:
        problems.append(("council_id", _l("Choose the council that issued the licence.")))
    if data.preferred_language not in (None, *LANGUAGES):
        problems.append(("preferred_language", _l("Choose Khmer or English.")))
    if not data.roles:
        problems.append(("roles", _l("Choose at least one role.")))
    return problems


def _taken(stmt: sa.Select, user_id: int | None) -> bool:
    if user_id:
        stmt = stmt.where(User.id != user_id)
    return db.session.scalar(stmt.limit(1)) is not None


def _check_unique(data: UserData, user_id: int | None) -> Problems:
    """Values another user (not `user_id`) already holds."""
    problems: Problems = []
    if _taken(sa.select(User.id).where(User.username == data.username), user_id):
        problems.append(("username", _l("This login name is already used.")))
    if data.email and _taken(sa.select(User.id).where(User.email == data.email), user_id):
        problems.append(("email", _l("This email address is already used.")))
    if data.licence_number and data.council_id:
        licence = sa.select(User.id).where(
            User.council_id == data.council_id, User.licence_number == data.licence_number
        )
        if _taken(licence, user_id):
            problems.append(
                ("licence_number", _l("Another person has this licence number with this council."))
            )
    return problems


def _default_council(data: UserData) -> None:
    if data.council_id is None and data.cadre_id is not None:
        cadre = db.session.get(Cadre, data.cadre_id)
        data.council_id = cadre.council_id if cadre else None


def raise_first(problems: Problems) -> None:
    """Raise the first problem found, on its field."""
    if problems:
        name, message = problems[0]
        raise DomainError(message, name)


def apply(user: User, data: UserData, day: date) -> None:
    """Copy `data` onto `user`, its roles included; a new workplace starts on `day`."""
    if user.id is None or user.facility_id != data.facility_id:
        move_workplace(user, data.facility_id, day)
    for name in COPIED:
        setattr(user, name, getattr(data, name))
    wanted = set(data.roles)
    user.role_rows = [r for r in user.role_rows if r.role in wanted] + [
        UserRole(role=role) for role in sorted(wanted - user.roles)
    ]


def new_user(data: UserData, password: str, temporary: bool, now: datetime) -> User:
    """An active account made from checked `data` (added to the session, not yet flushed);
    a `temporary` password must be changed at the first login."""
    user = User(
        password_hash=hash_password(password),
        must_change_password=temporary,
        password_expires_at=temporary_until(now) if temporary else None,
        created_at=now,
        active=True,
    )
    apply(user, data, local_date(now))
    db.session.add(user)
    return user


def snapshot(data: UserData) -> dict:
    """The values of `data` as an audit record keeps them."""
    values = {k: v for k, v in vars(data).items() if k != "roles"}
    values["roles"] = sorted(r.value for r in data.roles)
    values["sex"] = data.sex.value
    return values


def create_user(actor, data: UserData, now: datetime, password: str | None = None):
    """Create a user. Without `password`, a temporary one is made and returned (else None)."""
    data.clean()
    _default_council(data)
    raise_first(check_user_fields(data, local_date(now)) + _check_unique(data, None))
    temporary = None
    if password is None:
        password = temporary = temporary_password()
    else:
        check_policy(password, data.username)
    user = new_user(data, password, temporary is not None, now)
    db.session.flush()
    audit.record(actor, "user.created", user, now=now, **snapshot(data))
    return user, temporary


def update_user(actor, user: User, data: UserData, now: datetime) -> User:
    """Change a user's details and roles; an administrator cannot remove their own admin role."""
    data.clean()
    _default_council(data)
    today = local_date(now)
    raise_first(check_user_fields(data, today) + _check_unique(data, user.id))
    if actor is not None and actor.id == user.id and Role.ADMIN not in data.roles:
        raise DomainError(_l("You cannot remove your own administrator role."), "roles")
    before = sorted(r.value for r in user.roles)
    apply(user, data, today)
    _ensure_an_admin_remains()
    audit.record(actor, "user.updated", user, now=now, **snapshot(data), roles_before=before)
    return user


def _ensure_an_admin_remains() -> None:
    db.session.flush()
    admins = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(User)
        .join(UserRole)
        .where(UserRole.role == Role.ADMIN, User.active.is_(True))
    )
    if not admins:
        raise DomainError(_l("At least one active administrator must remain."), "roles")


def set_active(actor, user: User, active: bool, now: datetime) -> None:
    """Activate or deactivate an account; deactivation ends its sessions at once."""
    if actor is not None and actor.id == user.id and not active:
        raise DomainError(_l("You cannot deactivate your own account."))
    user.active = active
    if not active:
        end_all_sessions(user.id)
        _ensure_an_admin_remains()
    audit.record(actor, "user.activated" if active else "user.deactivated", user, now=now)


def reset_password(actor, user: User, now: datetime) -> str:
    """Give the user a one-time password they must change at next login (it expires after
    `LMS_TEMPORARY_PASSWORD_HOURS`); ends their sessions and lifts their login delays."""
    temporary = temporary_password()
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    user.password_expires_at = temporary_until(now)
    user.password_changed_at = now
    end_all_sessions(user.id)
    throttle.clear(user)
    audit.record(actor, "user.password_reset", user, now=now)
    return temporary


def set_preferred_language(user: User, language: str) -> None:
    """Keep the user's choice of interface language, when it is one the site offers."""
    if language in LANGUAGES:
        user.preferred_language = language


def language_name(user: User) -> str | None:
    """The user's preferred language, named in itself (None when they chose none)."""
    return LANGUAGE_NAMES.get(user.preferred_language)
