"""Logging in and out: credential checks, throttling and server-side sessions."""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..audit import services as audit
from ..errors import DomainError
from ..extensions import db
from ..i18n import format_number
from ..users.models import User
from . import throttle
from .models import LoginSession
from .passwords import check_policy, hash_password, needs_rehash, verify_password
from .roles import Role


class LoginRefused(DomainError):
    """The login did not succeed; `throttled` tells a lock-out from wrong credentials."""

    def __init__(self, message, throttled: bool = False):
        super().__init__(message)
        self.throttled = throttled


def normalise_login(login: str) -> str:
    """A login as typed, compared the way accounts store it (stripped, small letters)."""
    return (login or "").strip().lower()


def find_user_by_login(login: str) -> User | None:
    """The account whose login name or email address this is, or None."""
    login = normalise_login(login)
    if not login:
        return None
    return db.session.scalar(
        sa.select(User).where(sa.or_(User.username == login, User.email == login))
    )


def wait_message(wait: timedelta):
    """How long to wait before the next try, in whole minutes (at least one)."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return _l(
        "Too many failed attempts. Wait %(minutes)s minutes, then try again.",
        minutes=format_number(minutes),
    )


def authenticate(login: str, password: str, ip: str | None, now: datetime) -> User:
    """Check credentials, each attempt counted before the password is checked (`throttle`).

    The count is committed at once, so that other worker processes see it; a success takes
    it back in the caller's transaction.
    """
    policy = throttle.Policy.from_config(current_app.config)
    user = find_user_by_login(login)
    wait = throttle.reserve(user, ip, now, policy)
    db.session.commit()
    if wait is not None:
        raise LoginRefused(wait_message(wait), throttled=True)
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or not user.active:
        raise LoginRefused(_l("The login name or password is not correct."))
    if user.password_expired(now):
        raise LoginRefused(
            _l("This temporary password has expired. Ask an administrator for a new one.")
        )
    throttle.succeeded(user, ip, now, policy)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return user


def idle_limit(user: User, config) -> timedelta:
    """How long a session of `user` may go without a request: staff sooner than trainees."""
    staff = any(role != Role.TRAINEE for role in user.roles)
    minutes = config["LMS_IDLE_MINUTES_STAFF" if staff else "LMS_IDLE_MINUTES_TRAINEE"]
    return timedelta(minutes=minutes)


def start_session(user: User, ip: str | None, user_agent: str | None, now: datetime) -> str:
    """Open a new server-side session for `user` and return its token (the caller commits)."""
    db.session.execute(
        sa.delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.expires_at <= now
        )
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(
            token=token,
            user_id=user.id,
            created_at=now,
            expires_at=now + current_app.config["PERMANENT_SESSION_LIFETIME"],
            ip=ip,
            user_agent=(user_agent or "")[:255] or None,
        )
    )
    return token


def end_session(token: str | None) -> None:
    """Delete one session: its cookie no longer logs anybody in."""
    if token:
        db.session.execute(sa.delete(LoginSession).where(LoginSession.token == token))


def end_all_sessions(user_id: int) -> None:
    """Delete every session of the user: each browser must log in again."""
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user_id))


def user_for_session(token: str, user_id: int, now: datetime) -> User | None:
    """The active user behind a live session token, or None."""
    return db.session.scalar(
        sa.select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            LoginSession.token == token,
            User.id == user_id,
            LoginSession.expires_at > now,
            User.active.is_(True),
        )
    )


def change_password(user: User, current: str, new: str, now: datetime) -> None:
    """Replace the user's password after checking the current one; ends all their sessions."""
    if not verify_password(user.password_hash, current or ""):
        raise DomainError(_l("The current password is not correct."), "current_password")
    if current == new:
        raise DomainError(_l("The new password must differ from the current one."), "password")
    check_policy(new, user.username)
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    user.must_change_password = False
    user.password_expires_at = None
    end_all_sessions(user.id)
    audit.record(user, "user.password_changed", user, now=now)
