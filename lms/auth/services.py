"""Logging in and out: credential checks, throttling and server-side sessions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..audit import services as audit
from ..errors import DomainError
from ..extensions import db
from ..users.models import User
from .models import LoginFailure, LoginSession
from .passwords import check_policy, hash_password, needs_rehash, verify_password


class LoginRefused(DomainError):
    """The login did not succeed; `throttled` tells a lock-out from wrong credentials."""

    def __init__(self, message, throttled: bool = False):
        super().__init__(message)
        self.throttled = throttled


@dataclass(frozen=True)
class ThrottleState:
    account_failures: int
    address_failures: int
    blocked: bool


def normalise_login(login: str) -> str:
    """A login as typed, compared the way accounts store it (stripped, small letters)."""
    return (login or "").strip().lower()


def throttle_state(login: str, ip: str | None, now: datetime) -> ThrottleState:
    """Count recent failures for this account and this address, in the shared database."""
    cfg = current_app.config
    since = now - cfg["LOGIN_FAILURE_WINDOW"]
    account = db.session.scalar(
        sa.select(sa.func.count()).where(LoginFailure.login == login, LoginFailure.at > since)
    )
    address = 0
    if ip:
        address = db.session.scalar(
            sa.select(sa.func.count()).where(LoginFailure.ip == ip, LoginFailure.at > since)
        )
    blocked = (
        account >= cfg["LOGIN_MAX_FAILURES"] or address >= cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    )
    return ThrottleState(account, address, blocked)


def find_user_by_login(login: str) -> User | None:
    """The account whose login name or email address this is, or None."""
    login = normalise_login(login)
    if not login:
        return None
    return db.session.scalar(
        sa.select(User).where(sa.or_(User.username == login, User.email == login))
    )


def authenticate(login: str, password: str, ip: str | None, now: datetime) -> User:
    """Check credentials, refusing once too many recent failures were made.

    Every failure is recorded and committed at once so that other worker processes see it.
    """
    key = normalise_login(login)
    if throttle_state(key, ip, now).blocked:
        minutes = int(current_app.config["LOGIN_FAILURE_WINDOW"].total_seconds() // 60)
        raise LoginRefused(
            _l(
                "Too many failed attempts. Wait %(minutes)s minutes, then try again.",
                minutes=minutes,
            ),
            throttled=True,
        )
    user = find_user_by_login(key)
    ok = verify_password(user.password_hash if user else None, password or "")
    if not ok or not user.active:
        db.session.add(LoginFailure(login=key[:254], ip=ip, at=now))
        db.session.execute(
            sa.delete(LoginFailure).where(
                LoginFailure.at < now - current_app.config["LOGIN_FAILURE_WINDOW"]
            )
        )
        db.session.commit()
        raise LoginRefused(_l("The login name or password is not correct."))
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.login == key))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return user


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
    end_all_sessions(user.id)
    audit.record(user, "user.password_changed", user, now=now)
