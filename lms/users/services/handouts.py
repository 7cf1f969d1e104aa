"""Handing out a batch of temporary passwords once: the accounts an import creates (or whose
passwords are reset again) get slips to print and a CSV file to download, each once, by the
administrator who made them and for a short time only; then the passwords are wiped.

The passwords are held sealed (`lms.sealing`): the database keeps the sealed bytes and the key
goes back to the caller, which keeps it in that administrator's browser session only. Another
administrator, or the same one in another browser or after logging out, sees the list of
accounts but not the passwords, and may reset them again.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ... import sealing
from ...audit import services as audit
from ...database import acquire_lock
from ...errors import DomainError
from ...extensions import db
from ..models import FullNames, HandoutEnd, PasswordHandout, User, password_handout_accounts
from .accounts import reset_password
from .imports import import_users

HELD_FOR = timedelta(minutes=30)  # "a short time": long enough to print and hand out


SEALED_FOR = b"lms password handout"  # bound into the seal: these bytes hold nothing else


class Part(StrEnum):
    """What a handout gives, once each."""

    SLIPS = "slips"  # the printable page
    CSV = "csv"  # the file


class Access(StrEnum):
    """Whether a handout's passwords can be given to the person asking, and if not, why."""

    HELD = "held"  # yes
    ALREADY = "already"  # this part was already taken (the other may still be)
    ENDED = "ended"  # wiped: see the handout's `ended_why`
    ELSEWHERE = "elsewhere"  # held, but for another administrator or another browser


@dataclass(frozen=True)
class Slip(FullNames):
    """One person's temporary password, as a slip or a CSV row shows it."""

    user_id: int
    username: str
    family_name_km: str
    given_name_km: str
    family_name_en: str
    given_name_en: str
    password: str
    expires_at: datetime | None


@dataclass(frozen=True)
class Revealed:
    """What a request for a part got: `slips` when `access` is HELD, else none."""

    access: Access
    slips: list[Slip]


def _usernames(handout: PasswordHandout) -> list[str]:
    return [u.username for u in handout.accounts]


def hold(
    actor, accounts: list[tuple[User, str]], now: datetime, replaces: PasswordHandout | None = None
) -> tuple[PasswordHandout, bytes]:
    """Hold these accounts' temporary passwords for handing out; returns the handout and the
    key that unseals them (for the caller to keep where only `actor` finds it)."""
    end_expired(now)
    key = sealing.new_key()
    payload = json.dumps({str(user.id): password for user, password in accounts}).encode()
    handout = PasswordHandout(
        token=secrets.token_urlsafe(16),
        created_by_id=getattr(actor, "id", None),
        created_at=now,
        held_until=now + HELD_FOR,
        replaces_id=replaces.id if replaces else None,
        sealed=sealing.seal(key, payload, SEALED_FOR),
    )
    handout.accounts = [user for user, _ in accounts]
    db.session.add(handout)
    db.session.flush()
    audit.record(actor, "password_handout.held", handout, now=now, count=len(accounts))
    return handout, key


def import_accounts(actor, data: bytes | str, now: datetime) -> tuple[PasswordHandout, bytes]:
    """Create the accounts of a CSV file (all or nothing, `import_users`) and hold their
    temporary passwords for handing out."""
    return hold(actor, import_users(actor, data, now), now)


def find_handout(token: str) -> PasswordHandout | None:
    """The handout with this token (from a URL), or None."""
    return db.session.scalar(sa.select(PasswordHandout).where(PasswordHandout.token == token[:32]))


def handout_accounts(handout: PasswordHandout) -> list[User]:
    """The handout's accounts by name, with their workplaces (one query)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(password_handout_accounts, password_handout_accounts.c.user_id == User.id)
            .where(password_handout_accounts.c.handout_id == handout.id)
            .options(joinedload(User.facility))
            .order_by(User.family_name_en, User.given_name_en, User.id)
        )
    )


def _passwords(handout: PasswordHandout, key: bytes | None) -> dict[str, str] | None:
    opened = sealing.unseal(key, handout.sealed, SEALED_FOR)
    return None if opened is None else json.loads(opened)


def _taken_at(handout: PasswordHandout, part: Part) -> datetime | None:
    return handout.slips_shown_at if part == Part.SLIPS else handout.csv_taken_at


def handout_access(
    handout: PasswordHandout, key: bytes | None, now: datetime, part: Part | None = None
) -> Access:
    """Whether the passwords (or, with `part`, that part) can be given with `key` now."""
    if handout.sealed is None or now >= handout.held_until:
        return Access.ENDED
    # The key first: whoever lacks it learns nothing of what was taken when.
    if _passwords(handout, key) is None:
        return Access.ELSEWHERE
    if part is not None and _taken_at(handout, part) is not None:
        return Access.ALREADY
    return Access.HELD


def _end(handout: PasswordHandout, why: HandoutEnd, now: datetime) -> None:
    handout.sealed = None
    handout.ended_at, handout.ended_why = now, why


def end_expired(now: datetime) -> int:
    """Wipe the passwords of every handout held past its time; returns how many."""
    result = db.session.execute(
        sa.update(PasswordHandout)
        .where(PasswordHandout.sealed.is_not(None), PasswordHandout.held_until <= now)
        .values(sealed=None, ended_at=now, ended_why=HandoutEnd.EXPIRED)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def reveal(actor, handout: PasswordHandout, key: bytes | None, part: Part, now: datetime):
    """The slips of `part`, once: the part is marked taken and the act audited; when both parts
    were taken, the passwords are wiped. Anything else gets no slips and says why (handouts
    past their time are wiped on the way)."""
    end_expired(now)
    acquire_lock(f"handout:{handout.id}")  # two clicks or two tabs: one of them gets the slips
    db.session.refresh(handout)
    found = handout_access(handout, key, now, part)
    if found != Access.HELD:
        audit.record(
            actor, "password_handout.refused", handout, now=now, part=part.value, why=found.value
        )
        return Revealed(found, [])
    passwords = _passwords(handout, key)
    slips = [
        Slip(
            u.id,
            u.username,
            u.family_name_km,
            u.given_name_km,
            u.family_name_en,
            u.given_name_en,
            passwords[str(u.id)],
            u.password_expires_at,
        )
        for u in handout.accounts
        if str(u.id) in passwords
    ]
    if part == Part.SLIPS:
        handout.slips_shown_at = now
    else:
        handout.csv_taken_at = now
    audit.record(
        actor,
        f"password_handout.{'slips_shown' if part == Part.SLIPS else 'csv_downloaded'}",
        handout,
        now=now,
        count=len(slips),
        usernames=[s.username for s in slips],
    )
    if handout.slips_shown_at and handout.csv_taken_at:
        _end(handout, HandoutEnd.TAKEN, now)
    return Revealed(Access.HELD, slips)


def mark_handed_out(actor, handout: PasswordHandout, now: datetime) -> None:
    """An administrator says the passwords were handed out: wipe them now."""
    end_expired(now)
    if handout.sealed is None:
        return
    _end(handout, HandoutEnd.DONE, now)
    audit.record(actor, "password_handout.ended", handout, now=now, why=HandoutEnd.DONE.value)


def still_temporary(accounts: list[User]) -> list[User]:
    """Those of `accounts` still on a temporary password (active, not yet changed)."""
    return [u for u in accounts if u.active and u.must_change_password]


def reset_again(actor, handout: PasswordHandout, now: datetime) -> tuple[PasswordHandout, bytes]:
    """New temporary passwords for the handout's accounts that still have one (the others
    chose their own and are left alone), held as a new handout that replaces this one."""
    accounts = still_temporary(handout.accounts)
    if not accounts:
        raise DomainError(
            _l("Every account of this list has chosen its own password: none was reset.")
        )
    # Every batch still holding these accounts' passwords ends: they would no longer work.
    holding = db.session.scalars(
        sa.select(PasswordHandout)
        .join(password_handout_accounts)
        .where(
            PasswordHandout.sealed.is_not(None),
            password_handout_accounts.c.user_id.in_([u.id for u in accounts]),
        )
        .distinct()
    )
    for held in {handout, *holding}:
        if held.sealed is not None:
            _end(held, HandoutEnd.RESET, now)
    fresh = [(user, reset_password(actor, user, now)) for user in accounts]
    return hold(actor, fresh, now, replaces=handout)
