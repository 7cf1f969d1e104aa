"""Users, roles, cadres and councils: validation, administration and CSV import."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from .. import csvio
from ..audit import services as audit
from ..auth.passwords import check_policy, hash_password, temporary_password
from ..auth.roles import Role
from ..auth.services import end_all_sessions
from ..errors import DomainError, ImportRejected, RowError
from ..extensions import db
from ..i18n import local_date
from ..orgunits.models import Facility
from ..text import has_khmer, normalise
from .models import Cadre, Council, Sex, StaffAssignment, User, UserRole

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9 ]{6,20}$")
LANGUAGES = ("km", "en")

COUNCILS = (
    ("CMC", "ក្រុមប្រឹក្សាវេជ្ជបណ្ឌិតកម្ពុជា", "Cambodian Medical Council"),
    ("CDC", "ក្រុមប្រឹក្សាទន្តបណ្ឌិតកម្ពុជា", "Cambodian Dental Council"),
    ("CMWC", "ក្រុមប្រឹក្សាឆ្មបកម្ពុជា", "Cambodian Midwives Council"),
    ("CCN", "ក្រុមប្រឹក្សាគិលានុបដ្ឋាកកម្ពុជា", "Cambodian Council of Nurses"),
    ("PCC", "ក្រុមប្រឹក្សាឱសថការីកម្ពុជា", "Pharmacy Council of Cambodia"),
)
CADRES = (
    ("MD", "វេជ្ជបណ្ឌិត", "Medical doctor", "CMC"),
    ("NURSE", "គិលានុបដ្ឋាក", "Nurse", "CCN"),
    ("MIDWIFE", "ឆ្មប", "Midwife", "CMWC"),
    ("PHARMACIST", "ឱសថការី", "Pharmacist", "PCC"),
    ("DENTIST", "ទន្តបណ្ឌិត", "Dentist", "CDC"),
    ("LAB", "អ្នកបច្ចេកទេសមន្ទីរពិសោធន៍", "Laboratory technician", None),
    ("PHYSIO", "អ្នកព្យាបាលដោយចលនា", "Physiotherapist", None),
)


def seed_councils_and_cadres() -> None:
    """Create the five councils and the seed cadres when they are missing."""
    councils = {c.code: c for c in db.session.scalars(sa.select(Council))}
    for code, km, en in COUNCILS:
        if code not in councils:
            councils[code] = Council(code=code, name_km=km, name_en=en)
            db.session.add(councils[code])
    db.session.flush()
    cadres = set(db.session.scalars(sa.select(Cadre.code)))
    for code, km, en, council in CADRES:
        if code not in cadres:
            db.session.add(
                Cadre(
                    code=code,
                    name_km=km,
                    name_en=en,
                    council_id=councils[council].id if council else None,
                )
            )


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
        self.username = (normalise(self.username) or "").lower()
        self.email = (normalise(self.email) or "").lower() or None
        for name in (
            "family_name_km",
            "given_name_km",
            "family_name_en",
            "given_name_en",
            "phone",
            "licence_number",
        ):
            setattr(self, name, normalise(getattr(self, name)))
        self.preferred_language = self.preferred_language or None
        return self


def check_user_fields(data: UserData, today: date) -> list[tuple[str, object]]:
    """Problems with the values themselves, before looking at other users."""
    problems: list[tuple[str, object]] = []
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


def _check_unique(data: UserData, user_id: int | None) -> list[tuple[str, object]]:
    problems = []

    def taken(column, value) -> bool:
        stmt = sa.select(User.id).where(column == value)
        if user_id:
            stmt = stmt.where(User.id != user_id)
        return db.session.scalar(stmt.limit(1)) is not None

    if taken(User.username, data.username):
        problems.append(("username", _l("This login name is already used.")))
    if data.email and taken(User.email, data.email):
        problems.append(("email", _l("This email address is already used.")))
    if data.licence_number and data.council_id:
        stmt = sa.select(User.id).where(
            User.council_id == data.council_id, User.licence_number == data.licence_number
        )
        if user_id:
            stmt = stmt.where(User.id != user_id)
        if db.session.scalar(stmt.limit(1)) is not None:
            problems.append(
                ("licence_number", _l("Another person has this licence number with this council."))
            )
    return problems


def _default_council(data: UserData) -> None:
    if data.council_id is None and data.cadre_id is not None:
        cadre = db.session.get(Cadre, data.cadre_id)
        data.council_id = cadre.council_id if cadre else None


def _apply(user: User, data: UserData, day: date) -> None:
    if user.id is None or user.facility_id != data.facility_id:
        _move_workplace(user, data.facility_id, day)
    for name in (
        "username",
        "email",
        "family_name_km",
        "given_name_km",
        "family_name_en",
        "given_name_en",
        "sex",
        "date_of_birth",
        "phone",
        "cadre_id",
        "council_id",
        "licence_number",
        "facility_id",
        "preferred_language",
    ):
        setattr(user, name, getattr(data, name))
    wanted = set(data.roles)
    user.role_rows = [r for r in user.role_rows if r.role in wanted] + [
        UserRole(role=role) for role in sorted(wanted - user.roles)
    ]


def _move_workplace(user: User, facility_id: int | None, day: date) -> None:
    """End the open staff assignment on `day` and start one at the new workplace."""
    for assignment in user.assignments if user.id is not None else []:
        if assignment.ended_on is None:
            if assignment.started_on >= day:
                user.assignments.remove(assignment)
            else:
                assignment.ended_on = day
    if facility_id is not None:
        user.assignments.append(StaffAssignment(facility_id=facility_id, started_on=day))


def _snapshot(data: UserData) -> dict:
    values = {k: v for k, v in vars(data).items() if k != "roles"}
    values["roles"] = sorted(r.value for r in data.roles)
    values["sex"] = data.sex.value
    return values


def _raise_first(problems) -> None:
    if problems:
        name, message = problems[0]
        raise DomainError(message, name)


def create_user(actor, data: UserData, now: datetime, password: str | None = None):
    """Create a user. Without `password`, a temporary one is made and returned (else None)."""
    data.clean()
    _default_council(data)
    today = local_date(now)
    _raise_first(check_user_fields(data, today) + _check_unique(data, None))
    temporary = None
    if password is None:
        password = temporary = temporary_password()
    else:
        check_policy(password, data.username)
    user = User(
        password_hash=hash_password(password),
        must_change_password=temporary is not None,
        created_at=now,
        active=True,
    )
    _apply(user, data, today)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.created", "user", user.id, _snapshot(data), now=now)
    return user, temporary


def update_user(actor, user: User, data: UserData, now: datetime) -> User:
    """Change a user's details and roles; an administrator cannot remove their own admin role."""
    data.clean()
    _default_council(data)
    today = local_date(now)
    _raise_first(check_user_fields(data, today) + _check_unique(data, user.id))
    if actor is not None and actor.id == user.id and Role.ADMIN not in data.roles:
        raise DomainError(_l("You cannot remove your own administrator role."), "roles")
    before = sorted(r.value for r in user.roles)
    _apply(user, data, today)
    _ensure_an_admin_remains()
    details = _snapshot(data)
    details["roles_before"] = before
    audit.record(actor, "user.updated", "user", user.id, details, now=now)
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
    audit.record(
        actor, "user.activated" if active else "user.deactivated", "user", user.id, now=now
    )


def reset_password(actor, user: User, now: datetime) -> str:
    """Give the user a one-time password they must change at next login; ends their sessions."""
    temporary = temporary_password()
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    user.password_changed_at = now
    end_all_sessions(user.id)
    audit.record(actor, "user.password_reset", "user", user.id, now=now)
    return temporary


def set_preferred_language(user: User, language: str) -> None:
    if language in LANGUAGES:
        user.preferred_language = language


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
    return stmt.options(joinedload(User.cadre), joinedload(User.facility)).order_by(
        User.family_name_en, User.given_name_en, User.id
    )


def count_by_sex(stmt: sa.Select) -> dict[Sex, int]:
    """How many users `stmt` selects, split by sex (every sex present, zero included)."""
    sub = stmt.with_only_columns(User.id, User.sex).order_by(None).subquery()
    counts = dict(
        db.session.execute(sa.select(sub.c.sex, sa.func.count()).group_by(sub.c.sex)).all()
    )
    return {sex: counts.get(sex, 0) for sex in Sex}


@dataclass
class CadreData:
    code: str
    name_km: str
    name_en: str
    council_id: int | None = None
    active: bool = True


def save_cadre(actor, data: CadreData, cadre: Cadre | None = None) -> Cadre:
    """Create or update a cadre; codes are unique."""
    data.code = (normalise(data.code) or "").upper()
    if not re.match(r"^[A-Z0-9_-]{2,30}$", data.code):
        raise DomainError(_l("Use 2 to 30 capital letters, digits, dashes or underscores."), "code")
    if not has_khmer(data.name_km):
        raise DomainError(_l("The Khmer name is required."), "name_km")
    if not data.name_en or has_khmer(data.name_en):
        raise DomainError(_l("The English name is required."), "name_en")
    clash = db.session.scalar(sa.select(Cadre.id).where(Cadre.code == data.code))
    if clash and (cadre is None or clash != cadre.id):
        raise DomainError(_l("Another cadre already has this code."), "code")
    created = cadre is None
    cadre = cadre or Cadre()
    for key, value in vars(data).items():
        setattr(cadre, key, value)
    db.session.add(cadre)
    db.session.flush()
    audit.record(
        actor, "cadre.created" if created else "cadre.updated", "cadre", cadre.id, vars(data)
    )
    return cadre


def cadres(active_only: bool = False) -> list[Cadre]:
    stmt = sa.select(Cadre).options(joinedload(Cadre.council)).order_by(Cadre.name_en)
    if active_only:
        stmt = stmt.where(Cadre.active.is_(True))
    return list(db.session.scalars(stmt))


def councils() -> list[Council]:
    return list(db.session.scalars(sa.select(Council).order_by(Council.name_en)))


USER_COLUMNS = (
    "username",
    "family_name_km",
    "given_name_km",
    "family_name_en",
    "given_name_en",
    "sex",
)
USER_OPTIONAL = (
    "email",
    "date_of_birth",
    "phone",
    "cadre",
    "licence_number",
    "facility",
    "roles",
    "language",
)


def import_users(actor, data: bytes | str, now: datetime, source: str | None = None):
    """Create users from CSV, all or nothing; returns [(user, temporary password)]."""
    rows = csvio.read_rows(data, USER_COLUMNS, USER_OPTIONAL)
    cadre_by_code = {c.code: c for c in db.session.scalars(sa.select(Cadre))}
    facility_by_code = dict(db.session.execute(sa.select(Facility.code, Facility.id)).all())
    sexes = {s.value: s for s in Sex} | {"f": Sex.FEMALE, "m": Sex.MALE}
    roles = {r.value: r for r in Role}
    today = local_date(now)
    errors: list[RowError] = []
    parsed: list[tuple[int, UserData]] = []
    for line, row in rows:
        problems: list[tuple[str, object]] = []
        sex = sexes.get((row["sex"] or "").lower())
        if sex is None:
            problems.append(("sex", _l("Write female, male or other.")))
        birth = None
        if row.get("date_of_birth"):
            try:
                birth = date.fromisoformat(row["date_of_birth"])
            except ValueError:
                problems.append(("date_of_birth", _l("Write the date as YYYY-MM-DD.")))
        cadre = None
        if row.get("cadre"):
            cadre = cadre_by_code.get(row["cadre"].upper())
            if cadre is None:
                problems.append(("cadre", _l("Unknown cadre code.")))
        facility_id = None
        if row.get("facility"):
            facility_id = facility_by_code.get(row["facility"].upper())
            if facility_id is None:
                problems.append(("facility", _l("Unknown facility code.")))
        wanted = {Role.TRAINEE}
        if row.get("roles"):
            names = [n.strip().lower() for n in re.split(r"[;|]", row["roles"]) if n.strip()]
            unknown = [n for n in names if n not in roles]
            if unknown:
                problems.append(("roles", _l("Unknown role: %(role)s", role=unknown[0])))
            wanted = {roles[n] for n in names if n in roles}
        user = UserData(
            username=row["username"] or "",
            family_name_km=row["family_name_km"],
            given_name_km=row["given_name_km"],
            family_name_en=row["family_name_en"],
            given_name_en=row["given_name_en"],
            sex=sex or Sex.OTHER,
            email=row.get("email"),
            date_of_birth=birth,
            phone=row.get("phone"),
            cadre_id=cadre.id if cadre else None,
            council_id=cadre.council_id if cadre else None,
            licence_number=row.get("licence_number"),
            facility_id=facility_id,
            preferred_language=(row.get("language") or "").lower() or None,
            roles=wanted,
        ).clean()
        problems += check_user_fields(user, today)
        errors += [RowError(line, name, message) for name, message in problems]
        parsed.append((line, user))
    errors += _batch_uniqueness(parsed)
    if errors:
        errors.sort(key=lambda e: e.line)
        raise ImportRejected(errors, source)
    created = []
    for _line, user_data in parsed:
        temporary = temporary_password()
        user = User(
            password_hash=hash_password(temporary),
            must_change_password=True,
            created_at=now,
            active=True,
        )
        _apply(user, user_data, today)
        db.session.add(user)
        created.append((user, temporary))
    db.session.flush()
    audit.record(
        actor,
        "user.imported",
        "user",
        None,
        {"count": len(created), "usernames": [u.username for u, _ in created]},
        now=now,
    )
    return created


def _batch_uniqueness(parsed: list[tuple[int, UserData]]) -> list[RowError]:
    """Duplicates within the file and against the database, found with three queries."""
    errors = []
    names = [u.username for _, u in parsed]
    emails = [u.email for _, u in parsed if u.email]
    licences = [u.licence_number for _, u in parsed if u.licence_number]
    taken_names = set(db.session.scalars(sa.select(User.username).where(User.username.in_(names))))
    taken_emails = set(db.session.scalars(sa.select(User.email).where(User.email.in_(emails))))
    taken_licences = set(
        db.session.execute(
            sa.select(User.council_id, User.licence_number).where(User.licence_number.in_(licences))
        ).all()
    )
    seen_names, seen_emails, seen_licences = set(), set(), set()
    for line, u in parsed:
        if u.username in taken_names:
            errors.append(RowError(line, "username", _l("This login name is already used.")))
        elif u.username in seen_names:
            errors.append(
                RowError(line, "username", _l("This login name appears twice in the file."))
            )
        if u.email and (u.email in taken_emails or u.email in seen_emails):
            errors.append(RowError(line, "email", _l("This email address is already used.")))
        key = (u.council_id, u.licence_number)
        if u.licence_number and (key in taken_licences or key in seen_licences):
            errors.append(
                RowError(
                    line,
                    "licence_number",
                    _l("Another person has this licence number with this council."),
                )
            )
        seen_names.add(u.username)
        if u.email:
            seen_emails.add(u.email)
        if u.licence_number:
            seen_licences.add(key)
    return errors


def save_council(actor, council: Council, name_km: str, name_en: str, cycle_years: int) -> None:
    """Rename a council or change its licensing cycle (the period CPD credits count over)."""
    if not has_khmer(name_km):
        raise DomainError(_l("The Khmer name is required."), "name_km")
    if not name_en or has_khmer(name_en):
        raise DomainError(_l("The English name is required."), "name_en")
    if not 1 <= cycle_years <= 10:
        raise DomainError(_l("A licensing cycle lasts from 1 to 10 years."), "licence_cycle_years")
    before = council.licence_cycle_years
    council.name_km, council.name_en, council.licence_cycle_years = name_km, name_en, cycle_years
    audit.record(
        actor,
        "council.updated",
        "council",
        council.id,
        {"cycle_years": cycle_years, "cycle_years_before": before},
    )
